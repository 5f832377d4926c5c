"""labutils.features: cyclical_encode, mask_missing, selection_recall and permutation_drop."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression

from labutils.features import MECHANISMS, cyclical_encode, mask_missing, permutation_drop, selection_recall


@pytest.fixture
def X():
    return np.random.default_rng(0).normal(size=(4000, 4))


# cyclical_encode

def test_cyclical_encode_wraps_around_the_period():
    "cyclical_encode: the end of a cycle lands next to its start (23:00 beside 00:00)"
    out = cyclical_encode([0, 23, 12], period=24)
    assert_allclose(np.linalg.norm(out[0] - out[1]), 2 * np.sin(np.pi / 24))
    assert_allclose(out[2], [0.0, -1.0], atol=1e-12)


def test_cyclical_encode_points_lie_on_the_unit_circle():
    "cyclical_encode: sin^2 + cos^2 = 1 for every value, including a one-column DataFrame"
    out = cyclical_encode(pd.DataFrame({"month": np.arange(1, 13)}), period=12)
    assert out.shape == (12, 2)
    assert_allclose((out**2).sum(axis=1), 1.0)


def test_cyclical_encode_is_periodic():
    "cyclical_encode: values one period apart get the same encoding"
    assert_allclose(cyclical_encode([3, 10], period=7)[0], cyclical_encode([10], period=7)[0],
                    atol=1e-12)


@pytest.mark.parametrize("period", [0, -24, float("nan"), float("inf")])
def test_cyclical_encode_rejects_bad_periods(period):
    "cyclical_encode: a period that is not positive and finite raises ValueError"
    with pytest.raises(ValueError, match="period"):
        cyclical_encode([1, 2], period=period)


def test_cyclical_encode_rejects_non_numeric_period():
    "cyclical_encode: a string or bool period raises TypeError"
    for period in ["24", True]:
        with pytest.raises(TypeError, match="period"):
            cyclical_encode([1, 2], period=period)


@pytest.mark.parametrize("values, match", [
    ([], "empty"), ([1.0, np.nan], "NaN"), (np.zeros((3, 2)), "1-D"), (["a", "b"], "numeric"),
])
def test_cyclical_encode_rejects_bad_values(values, match):
    "cyclical_encode: empty, NaN, multi-column or non-numeric input raises a clear error"
    with pytest.raises((ValueError, TypeError), match=match):
        cyclical_encode(values, period=24)


# mask_missing

@pytest.mark.parametrize("mechanism", MECHANISMS)
@pytest.mark.parametrize("rate", [0.1, 0.4])
def test_mask_missing_realises_the_requested_rate(X, mechanism, rate):
    "mask_missing: each masked column loses close to `rate` of its values"
    _, mask = mask_missing(X, mechanism=mechanism, rate=rate, seed=1, columns=[1, 2, 3])
    assert_allclose(mask[:, 1:].mean(axis=0), rate, atol=0.03)
    assert not mask[:, 0].any()


def test_mask_missing_hides_exactly_the_masked_entries(X):
    "mask_missing: NaN where the mask is True, the original values elsewhere, input untouched"
    original = X.copy()
    masked, mask = mask_missing(X, mechanism="MCAR", rate=0.3, seed=0)
    assert_allclose(np.isnan(masked), mask)
    assert_allclose(masked[~mask], X[~mask])
    assert_allclose(X, original)


def test_mask_missing_mnar_depends_on_the_value_itself(X):
    "mask_missing: under MNAR the hidden values are larger than the observed ones"
    _, mask = mask_missing(X, mechanism="MNAR", rate=0.3, seed=0)
    for j in range(X.shape[1]):
        assert X[mask[:, j], j].mean() > X[~mask[:, j], j].mean() + 1.0


def test_mask_missing_mar_depends_on_the_driver_not_the_value(X):
    "mask_missing: under MAR missingness tracks the driver column and not the hidden value"
    _, mask = mask_missing(X, mechanism="MAR", rate=0.3, seed=0, driver=0)
    assert mask[:, 0].sum() == 0
    for j in (1, 2, 3):
        assert X[mask[:, j], 0].mean() > X[~mask[:, j], 0].mean() + 1.0
        assert abs(X[mask[:, j], j].mean() - X[~mask[:, j], j].mean()) < 0.15


def test_mask_missing_mcar_is_independent_of_values(X):
    "mask_missing: under MCAR hidden and observed values have the same mean"
    _, mask = mask_missing(X, mechanism="MCAR", rate=0.3, seed=0)
    for j in range(X.shape[1]):
        assert abs(X[mask[:, j], j].mean() - X[~mask[:, j], j].mean()) < 0.15


def test_mask_missing_is_deterministic_and_rate_zero_hides_nothing(X):
    "mask_missing: the same seed gives the same mask; rate 0 hides nothing"
    first = mask_missing(X, mechanism="MNAR", rate=0.2, seed=3)[1]
    assert_allclose(first, mask_missing(X, mechanism="MNAR", rate=0.2, seed=3)[1])
    assert not mask_missing(X, mechanism="MAR", rate=0.0)[1].any()


def test_mask_missing_handles_a_constant_column():
    "mask_missing: a constant column under MNAR falls back to a uniform chance"
    data = np.column_stack([np.ones(2000), np.arange(2000.0)])
    _, mask = mask_missing(data, mechanism="MNAR", rate=0.25, seed=0)
    assert_allclose(mask.mean(axis=0), 0.25, atol=0.03)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_mask_missing_rejects_rates_outside_0_1(X, rate):
    "mask_missing: a rate outside [0, 1) raises ValueError"
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        mask_missing(X, mechanism="MCAR", rate=rate)


def test_mask_missing_rejects_non_numeric_rate(X):
    "mask_missing: a string rate raises TypeError"
    with pytest.raises(TypeError, match="rate"):
        mask_missing(X, mechanism="MCAR", rate="0.2")


def test_mask_missing_rejects_unknown_mechanism(X):
    "mask_missing: an unknown mechanism name lists the valid ones"
    with pytest.raises(ValueError, match="MCAR"):
        mask_missing(X, mechanism="random", rate=0.2)


@pytest.mark.parametrize("data, match", [
    (np.zeros(5), "2-D"), (np.zeros((0, 3)), "empty"),
    (np.array([[1.0, np.nan], [2.0, 3.0]]), "NaN"), ([["a", "b"]], "numeric"),
])
def test_mask_missing_rejects_bad_data(data, match):
    "mask_missing: 1-D, empty, NaN or non-numeric data raises with a clear message"
    with pytest.raises((ValueError, TypeError), match=match):
        mask_missing(data, mechanism="MCAR", rate=0.2)


@pytest.mark.parametrize("kwargs, match", [
    ({"columns": [4]}, "columns"), ({"columns": []}, "columns"),
    ({"columns": [1, 1]}, "columns"),
    ({"driver": 9}, "driver"), ({"columns": [0, 1], "driver": 0}, "observed"),
])
def test_mask_missing_rejects_bad_columns_and_driver(X, kwargs, match):
    "mask_missing: out-of-range, empty or repeated columns, or a masked MAR driver raise"
    with pytest.raises(ValueError, match=match):
        mask_missing(X, mechanism="MAR", rate=0.2, **kwargs)


def test_mask_missing_rejects_columns_that_are_not_a_sequence(X):
    "mask_missing: a single int for columns raises TypeError naming the argument"
    with pytest.raises(TypeError, match="columns"):
        mask_missing(X, mechanism="MCAR", rate=0.2, columns=1)


def test_mask_missing_rejects_bad_seed_and_strength(X):
    "mask_missing: a negative seed or a non-numeric strength raises TypeError"
    with pytest.raises(TypeError, match="seed"):
        mask_missing(X, mechanism="MCAR", rate=0.2, seed=-1)
    with pytest.raises(TypeError, match="strength"):
        mask_missing(X, mechanism="MNAR", rate=0.2, strength="high")


# selection_recall

def test_selection_recall_counts_found_informative_features():
    "selection_recall: indices and boolean masks give the share of true features kept"
    assert_allclose(selection_recall([4, 0, 9], informative=range(5)), 0.4)
    assert_allclose(selection_recall(np.arange(10) < 5, informative=range(5)), 1.0)
    assert_allclose(selection_recall([], informative=[1]), 0.0)


@pytest.mark.parametrize("selected, informative, match", [
    ([0, 1], [], "non-empty"), ([0.5], [0], "integer"), ([-1], [0], "non-negative"),
    ([1, 1], [0], "distinct"), (np.zeros((2, 2), dtype=int), [0], "1-D"),
])
def test_selection_recall_rejects_bad_indices(selected, informative, match):
    "selection_recall: empty truth, float, negative, repeated or 2-D indices raise"
    with pytest.raises((ValueError, TypeError), match=match):
        selection_recall(selected, informative)


# permutation_drop

@pytest.fixture(scope="module")
def fitted_forest():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.5, size=600) > 0).astype(int)
    forest = RandomForestClassifier(n_estimators=30, random_state=0).fit(X[:400], y[:400])
    return forest, X[400:], y[400:]


def test_permutation_drop_agrees_with_sklearn(fitted_forest):
    "permutation_drop: the same quantity as sklearn's permutation_importance, up to permutation noise"
    forest, X, y = fitted_forest
    ours = permutation_drop(forest, X, y, n_repeats=20, seed=0)
    theirs = permutation_importance(forest, X, y, n_repeats=20, random_state=0).importances_mean
    assert_allclose(ours, theirs, atol=0.02)
    assert np.argsort(ours)[::-1][:2].tolist() == [0, 1]


def test_permutation_drop_is_deterministic_and_leaves_X_alone(fitted_forest):
    "permutation_drop: same seed, same answer; the caller's array is not permuted in place"
    forest, X, y = fitted_forest
    before = X.copy()
    assert_allclose(permutation_drop(forest, X, y, seed=3), permutation_drop(forest, X, y, seed=3))
    assert_allclose(X, before)


@pytest.mark.parametrize(("model", "X", "y", "kwargs", "error"), [
    (object(), np.zeros((4, 2)), [0, 1, 0, 1], {}, TypeError),
    (LogisticRegression(), np.zeros((4, 2)), [0, 1, 0], {}, ValueError),
    (LogisticRegression(), np.zeros((1, 2)), [0], {}, ValueError),
    (LogisticRegression(), [[0.0, np.nan], [1.0, 2.0]], [0, 1], {}, ValueError),
    (LogisticRegression(), np.zeros((4, 2)), [0, 1, 0, 1], {"n_repeats": 0}, ValueError),
    (LogisticRegression(), np.zeros((4, 2)), [0, 1, 0, 1], {"n_repeats": True}, ValueError),
])
def test_permutation_drop_rejects_bad_input(model, X, y, kwargs, error):
    "permutation_drop: no predict, mismatched labels, one row, NaNs and bad repeats are errors"
    with pytest.raises(error):
        permutation_drop(model, X, y, **kwargs)
