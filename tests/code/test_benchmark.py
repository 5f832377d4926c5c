"""labutils.benchmark: bootstrap AUC, paired differences, model measurements, Pareto fronts."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from labutils.benchmark import (_bootstrap, bootstrap_auc, measure_model, paired_bootstrap_diff,
                                pareto_front)


@pytest.fixture
def scored():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 400)
    return y, np.round(y + rng.normal(0, 1.5, 400), 1), np.round(y + rng.normal(0, 3, 400), 1)


def testbootstrap_auc_point_matches_sklearn_with_ties(scored):
    "bootstrap_auc: the point estimate equals roc_auc_score, ties included"
    y, good, _ = scored
    assert_allclose(bootstrap_auc(y, good)[0], roc_auc_score(y, good), rtol=1e-12)


def test_resampled_auc_matches_weighted_sklearn(scored):
    "_bootstrap: each resample's AUC equals roc_auc_score with the resample counts as weights"
    y, good, _ = scored
    aucs = _bootstrap(y, [good], n_resamples=3, seed=5)[:, 0]
    rng = np.random.default_rng(5)
    for auc in aucs:
        counts = np.bincount(rng.integers(0, len(y), len(y)), minlength=len(y))
        assert_allclose(auc, roc_auc_score(y, good, sample_weight=counts), rtol=1e-12)


def testbootstrap_auc_interval_covers_and_narrows(scored):
    "bootstrap_auc: the interval contains the estimate and narrows with lower confidence"
    y, good, _ = scored
    auc, low, high = bootstrap_auc(y, good, confidence=0.9)
    _, low50, high50 = bootstrap_auc(y, good, confidence=0.5)
    assert low < low50 <= auc <= high50 < high
    assert 0.02 < high - low < 0.15


def test_paired_diff_is_antisymmetric_and_narrower(scored):
    "paired_bootstrap_diff: swapping models negates it; zero for a model against itself"
    y, good, weak = scored
    diff, low, high = paired_bootstrap_diff(y, good, weak, seed=2)
    back = paired_bootstrap_diff(y, weak, good, seed=2)
    assert_allclose(back, (-diff, -high, -low), rtol=1e-12)
    assert_allclose(diff, roc_auc_score(y, good) - roc_auc_score(y, weak), rtol=1e-12)
    assert_allclose(paired_bootstrap_diff(y, good, good), (0, 0, 0), atol=1e-15)
    assert low > 0


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [(([0, 0, 0], [0.1, 0.2, 0.3]), {}, ValueError, "single class"),
     (([0, 1, 2], [0.1, 0.2, 0.3]), {}, ValueError, "only 0 and 1"),
     (([0, 1, 1], [0.1, 0.2]), {}, ValueError, "one score per label"),
     (([0, 1, 1], [0.1, np.nan, 0.3]), {}, ValueError, "NaN"),
     (([0, 1, 1], ["a", "b", "c"]), {}, TypeError, "numeric scores"),
     (([0, 1, 1], [0.1, 0.2, 0.3]), {"confidence": 1.0}, ValueError, "confidence"),
     (([0, 1, 1], [0.1, 0.2, 0.3]), {"n_resamples": 1}, ValueError, "n_resamples"),
     (([0, 1, 1], [0.1, 0.2, 0.3]), {"seed": -1}, ValueError, "seed")],
)
def testbootstrap_auc_rejects_bad_input(args, kwargs, error, match):
    "bootstrap_auc: bad labels, scores and options raise with a clear message"
    with pytest.raises(error, match=match):
        bootstrap_auc(*args, **kwargs)


def test_cluster_resampling_keeps_groups_whole(scored):
    "_bootstrap with groups: each resample's AUC equals roc_auc_score weighted by the drawn groups' counts"
    y, good, _ = scored
    groups = np.arange(len(y)) // 8
    aucs = _bootstrap(y, [good], n_resamples=3, seed=5, codes=groups)[:, 0]
    rng = np.random.default_rng(5)
    for auc in aucs:
        counts = np.bincount(rng.integers(0, 50, 50), minlength=50)[groups]
        assert_allclose(auc, roc_auc_score(y, good, sample_weight=counts), rtol=1e-12)


def test_paired_diff_with_groups_is_wider_when_groups_matter():
    "paired_bootstrap_diff(groups=...): days where model a's edge varies widen the interval"
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(40), 50)
    y = rng.integers(0, 2, len(groups))
    edge = rng.normal(0, 1.0, 40)[groups]
    a, b = y * (1 + edge) + rng.normal(size=len(y)), y + rng.normal(size=len(y))
    _, low, high = paired_bootstrap_diff(y, a, b)
    _, low_c, high_c = paired_bootstrap_diff(y, a, b, groups=groups)
    assert high_c - low_c > 1.3 * (high - low)


@pytest.mark.parametrize(("groups", "match"), [(np.arange(2), "one label per row"),
                                               (np.array([1, np.nan, 2]), "missing"),
                                               (np.ones(3), "single group")])
def test_paired_diff_rejects_bad_groups(groups, match):
    "paired_bootstrap_diff: wrong-length, NaN or single-group groups raise a ValueError"
    with pytest.raises(ValueError, match=match):
        paired_bootstrap_diff([0, 1, 1], [0.1, 0.2, 0.3], [0.3, 0.2, 0.1], groups=groups)


def test_paired_diff_rejects_mismatched_scores():
    "paired_bootstrap_diff: a score vector of the wrong length names the argument"
    with pytest.raises(ValueError, match="score_b"):
        paired_bootstrap_diff([0, 1, 1], [0.1, 0.2, 0.3], [0.1, 0.2])


def test_measure_model_reports_every_quantity():
    "measure_model: fits in place, AUC as roc_auc_score, positive timings and size"
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    y = (X["a"] + rng.normal(0, 1, 300) > 0).astype(int)
    model = LogisticRegression()
    stats = measure_model(model, X[:200], y[:200], X[200:], y[200:], n_latency=3)
    assert_allclose(stats["auc"], roc_auc_score(y[200:], model.predict_proba(X[200:])[:, 1]))
    assert stats["auc_low"] <= stats["auc"] <= stats["auc_high"]
    assert min(stats["fit_s"], stats["single_row_s"], stats["batch_row_s"]) > 0
    assert stats["size_bytes"] > 100


@pytest.mark.parametrize(
    ("model", "kwargs", "error", "match"),
    [("not a model", {}, TypeError, "predict_proba"),
     (LogisticRegression(), {"n_latency": 0}, ValueError, "n_latency"),
     (LogisticRegression(), {"X_test": np.zeros((5, 2))}, ValueError, "X_test"),
     (LogisticRegression(), {"y_train": [0, 1, 3, 0]}, ValueError, "y_train")],
)
def test_measure_model_rejects_bad_input(model, kwargs, error, match):
    "measure_model: a non-classifier, bad counts and mismatched rows raise"
    data = {"X_train": np.eye(4), "y_train": [0, 1, 1, 0], "X_test": np.eye(4), "y_test": [1, 0, 0, 1]}
    data.update(kwargs)
    with pytest.raises(error, match=match):
        measure_model(model, **data)


def test_pareto_front_two_and_three_objectives():
    "pareto_front: keeps non-dominated rows; ties do not dominate each other"
    df = pd.DataFrame({"auc": [0.70, 0.70, 0.60, 0.65], "ms": [2.0, 2.0, 1.0, 3.0],
                       "mb": [5.0, 1.0, 9.0, 0.5]})
    assert pareto_front(df, maximize="auc", minimize="ms").tolist() == [True, True, True, False]
    assert pareto_front(df, maximize=["auc"], minimize=["ms", "mb"]).tolist() == [
        False, True, True, True]


@pytest.mark.parametrize(
    ("df", "kwargs", "error", "match"),
    [([1, 2], {"maximize": "a", "minimize": []}, TypeError, "DataFrame"),
     (pd.DataFrame({"a": []}), {"maximize": "a", "minimize": []}, ValueError, "empty"),
     (pd.DataFrame({"a": [1]}), {"maximize": "b", "minimize": []}, ValueError, "unknown"),
     (pd.DataFrame({"a": [1]}), {"maximize": [], "minimize": []}, ValueError, "at least one"),
     (pd.DataFrame({"a": ["x"]}), {"maximize": "a", "minimize": []}, TypeError, "numeric"),
     (pd.DataFrame({"a": [np.nan]}), {"maximize": "a", "minimize": []}, ValueError, "NaN")],
)
def test_pareto_front_rejects_bad_input(df, kwargs, error, match):
    "pareto_front: wrong types, empty frames and unknown columns raise"
    with pytest.raises(error, match=match):
        pareto_front(df, **kwargs)
