"""labutils.fairness: the shared Adult split and model, group rates, mitigation helpers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from labutils.datasets import ADULT_TARGET
from labutils.fairness import (ADULT_FEATURES, ADULT_SENSITIVE, GROUP_RATES, Float64Proba, adult_model,
                               adult_split, calibration_by_group, chouldechova_fpr, fit_exponentiated_gradient,
                               four_fifths_ratio, group_rates, group_rates_with_ci, rates_by_period,
                               reweighing_weights)


def test_split_is_stratified_and_seeded():
    "adult_split: the label rate is the same on both sides, and a seed fixes the rows"
    train, test = adult_split(seed=1)
    assert abs(train[ADULT_TARGET].mean() - test[ADULT_TARGET].mean()) < 0.002
    assert adult_split(seed=1)[1].index.equals(test.index)


def test_validation_split_leaves_the_test_set_alone():
    "adult_split(valid_size=...): train and valid partition the two-way training rows; test is unchanged"
    train, test = adult_split(seed=1)
    fit, valid, same_test = adult_split(valid_size=0.2, seed=1)
    assert same_test.index.equals(test.index)
    assert fit.index.union(valid.index).sort_values().equals(train.index.sort_values())
    assert not fit.index.intersection(valid.index).size
    assert abs(len(valid) / (len(train) + len(test)) - 0.2) < 0.001
    assert abs(valid[ADULT_TARGET].mean() - fit[ADULT_TARGET].mean()) < 0.002


def test_model_inputs_exclude_the_sensitive_attributes():
    "ADULT_FEATURES: sex and race are for assessment only"
    assert not set(ADULT_SENSITIVE) & set(ADULT_FEATURES)


def test_model_learns_income():
    "adult_model: a fitted model ranks incomes well on held-out people"
    train, test = adult_split()
    model = adult_model().fit(train[list(ADULT_FEATURES)], train[ADULT_TARGET])
    assert roc_auc_score(test[ADULT_TARGET], model.predict_proba(test[list(ADULT_FEATURES)])[:, 1]) > 0.88


@pytest.mark.parametrize(("kwargs", "error"), [({"test_size": 1.5}, ValueError), ({"test_size": 0}, ValueError),
                                                ({"valid_size": -0.1}, ValueError), ({"valid_size": 0.7}, ValueError),
                                                ({"valid_size": "0.2"}, ValueError),
                                                ({"seed": -1}, ValueError), ({"seed": "0"}, TypeError)])
def test_split_rejects_bad_input(kwargs, error):
    "adult_split: shares outside (0, 1), validation shares that leave no training rows and bad seeds are errors"
    with pytest.raises(error):
        adult_split(**kwargs)


# --- group rates, four-fifths, Chouldechova, reweighing, calibration, over time ---------------

# fairlearn user guide, "Performing a fairness assessment": the documented 18-element example.
TOY_Y = [0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]
TOY_PRED = [0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0]
TOY_SF = ["b", "b", "a", "b", "b", "c", "c", "c", "a", "a", "c", "a", "b", "c", "c", "b", "c", "c"]


def test_group_rates_match_fairlearn_user_guide():
    "group_rates: TPR, FPR and selection rate per group equal the guide's by_group table"
    table = group_rates(TOY_Y, TOY_PRED, TOY_SF)
    assert_allclose(table[["tpr", "fpr", "selection_rate"]].to_numpy(),
                    [[0.5, 1.0, 0.75], [0.6, 0.0, 0.5], [0.4, 2 / 3, 0.5]])
    assert table["count"].tolist() == [4, 6, 8]


def test_group_rates_hand_counted():
    "group_rates: precision and base rate of a 4-row group counted by hand"
    table = group_rates([1, 1, 0, 0, 1, 0], [1, 0, 1, 0, 1, 1], ["a"] * 4 + ["b"] * 2)
    assert_allclose(table.loc["a", ["selection_rate", "tpr", "fpr", "ppv", "base_rate"]], [0.5, 0.5, 0.5, 0.5, 0.5])
    assert_allclose(table.loc["b", ["tpr", "fpr", "ppv"]], [1.0, 1.0, 0.5])


def test_four_fifths_ratio_is_demographic_parity_ratio():
    "four_fifths_ratio: min over max selection rate, 0.5 / 0.75 on the guide's arrays"
    assert_allclose(four_fifths_ratio(TOY_PRED, TOY_SF), 2 / 3)
    assert np.isnan(four_fifths_ratio([0, 0, 0, 0], ["a", "a", "b", "b"]))


def test_ci_contains_estimate_and_narrows_with_size():
    "group_rates_with_ci: intervals contain the estimate and shrink for the larger group"
    rng = np.random.default_rng(1)
    groups = np.array(["small"] * 100 + ["large"] * 2000)
    y, y_hat = rng.integers(0, 2, len(groups)), rng.integers(0, 2, len(groups))
    ci = group_rates_with_ci(y, y_hat, groups, n_boot=100, seed=0)
    assert set(ci.index.get_level_values("metric")) == set(GROUP_RATES)
    assert ((ci["lo"] <= ci["value"]) & (ci["value"] <= ci["hi"])).all()
    width = (ci["hi"] - ci["lo"]).unstack()
    assert (width.loc["small"] > 2 * width.loc["large"]).all()
    assert group_rates_with_ci(y, y_hat, groups, n_boot=100, seed=0).equals(ci)


def test_chouldechova_identity_on_random_confusion_matrices():
    "chouldechova_fpr: the identity reproduces the FPR of any confusion matrix"
    rng = np.random.default_rng(0)
    tp, fn, fp, tn = rng.integers(1, 500, size=(4, 50))
    p, ppv, fnr = (tp + fn) / (tp + fn + fp + tn), tp / (tp + fp), fn / (tp + fn)
    assert_allclose(chouldechova_fpr(p, ppv, fnr), fp / (fp + tn), rtol=1e-12)


def test_reweighing_makes_label_independent_of_group():
    "reweighing_weights: the weighted positive rate is equal in both groups and weights average 1"
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0, 0, 0])
    a = np.array(["a"] * 4 + ["b"] * 6)
    w = reweighing_weights(y, a)
    assert_allclose(w.mean(), 1.0)
    rates = [np.average(y[a == g], weights=w[a == g]) for g in ("a", "b")]
    assert_allclose(rates, [y.mean(), y.mean()])


def test_calibration_by_group_bins_and_counts():
    "calibration_by_group: equal-width bins, observed rate and counts per group"
    table = calibration_by_group([0, 1, 1, 0, 1], [0.1, 0.15, 0.9, 0.2, 1.0], ["a", "a", "a", "b", "b"], n_bins=2)
    a_low = table[(table["group"] == "a") & (table["bin"] == 0)].iloc[0]
    assert_allclose([a_low["mean_score"], a_low["observed"], a_low["count"]], [0.125, 0.5, 2])
    assert table[(table["group"] == "b") & (table["bin"] == 1)]["count"].item() == 1


def test_rates_by_period_single_group_period_gets_nan():
    "rates_by_period: a period with one group only has no gaps"
    out = rates_by_period([1, 0, 1, 0, 1], [1, 0, 0, 0, 1], ["a", "a", "b", "b", "a"], [1, 1, 1, 1, 2])
    assert_allclose(out.loc[1, "selection_rate_gap"], 0.5)
    assert np.isnan(out.loc[2, "selection_rate_gap"])


def test_exponentiated_gradient_reduces_parity_gap():
    "fit_exponentiated_gradient: demographic parity shrinks the selection gap of a biased rule"
    rng = np.random.default_rng(0)
    a = np.repeat(["a", "b"], 300)
    X = np.column_stack([rng.standard_normal(600), a == "a"]).astype(float)
    y = (X[:, 0] + 1.5 * X[:, 1] + rng.normal(0, 0.5, 600) > 0.75).astype(int)
    plain = LogisticRegression().fit(X, y).predict(X)
    eg = fit_exponentiated_gradient(LogisticRegression(), "demographic_parity", X, y, a, max_iter=20)
    mitigated = eg.predict(X, random_state=0)
    gap = lambda y_pred: abs(y_pred[a == "a"].mean() - y_pred[a == "b"].mean())  # noqa: E731
    assert gap(mitigated) < gap(plain) / 2


def test_float64_proba_casts_scores():
    "Float64Proba: probabilities come back as float64 and predictions unchanged"
    fitted = LogisticRegression().fit(np.array([[0.0], [1.0], [2.0], [3.0]], dtype=np.float32), [0, 0, 1, 1])
    wrapped = Float64Proba(fitted)
    X = np.array([[0.5], [2.5]], dtype=np.float32)
    assert wrapped.predict_proba(X).dtype == np.float64
    assert wrapped.predict(X).tolist() == fitted.predict(X).tolist()


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([1, 0], [1], ["a", "b"]), ValueError, "same length"),
        (([1, 0], [1, 0], ["a"]), ValueError, "one value per row"),
        (([1, np.nan], [1, 0], ["a", "b"]), ValueError, "missing values"),
        (([], [], []), ValueError, "empty"),
        (([1, 2], [1, 0], ["a", "b"]), ValueError, "only 0 and 1"),
        (([1, 0], [1, 0], ["a", "a"]), ValueError, "single group"),
        (([1, 0], [1, 0], ["a", None]), ValueError, "missing values"),
        (([[1, 0]], [1, 0], ["a", "b"]), ValueError, "one-dimensional"),
    ],
)
def test_group_rates_rejects_bad_input(args, error, match):
    "group_rates: shapes, NaNs, empty input, non-binary labels and single groups are errors"
    with pytest.raises(error, match=match):
        group_rates(*args)


@pytest.mark.parametrize(("kwargs", "error"), [({"n_boot": 5}, ValueError), ({"confidence": 1.0}, ValueError),
                                                ({"seed": -1}, ValueError), ({"n_boot": 2.5}, TypeError)])
def test_group_rates_with_ci_rejects_bad_options(kwargs, error):
    "group_rates_with_ci: too few resamples, bad confidence levels and seeds are errors"
    with pytest.raises(error):
        group_rates_with_ci([1, 0, 1, 0], [1, 0, 0, 1], ["a", "a", "b", "b"], **kwargs)


def test_other_functions_reject_bad_input():
    "four_fifths_ratio, chouldechova_fpr, reweighing, calibration, over time and EG check their arguments"
    with pytest.raises(ValueError, match="single group"):
        four_fifths_ratio([1, 0], ["a", "a"])
    with pytest.raises(ValueError, match="base_rate"):
        chouldechova_fpr(1.0, 0.5, 0.5)
    with pytest.raises(ValueError, match="finite"):
        chouldechova_fpr(np.nan, 0.5, 0.5)
    with pytest.raises(TypeError, match="numeric"):
        chouldechova_fpr("high", 0.5, 0.5)
    with pytest.raises(ValueError, match="one value per row"):
        reweighing_weights([1, 0, 1], ["a", "b"])
    with pytest.raises(ValueError, match="probability"):
        calibration_by_group([1, 0], [1.5, 0.2], ["a", "b"])
    with pytest.raises(ValueError, match="period"):
        rates_by_period([1, 0], [1, 0], ["a", "b"], [1])
    with pytest.raises(ValueError, match="constraint must be one of"):
        fit_exponentiated_gradient(LogisticRegression(), "parity", [[0.0], [1.0]], [0, 1], ["a", "b"])
    with pytest.raises(ValueError, match="eps"):
        fit_exponentiated_gradient(LogisticRegression(), "equalized_odds", [[0.0], [1.0]], [0, 1], ["a", "b"], eps=0)
    with pytest.raises(TypeError, match="predict_proba"):
        Float64Proba(object.__new__(type("NoProba", (), {"classes_": [0, 1]}))).predict_proba([[0.0]])
