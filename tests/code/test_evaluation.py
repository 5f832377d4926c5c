"""labutils.evaluation: held-out AUC, cost curves, calibration, bootstrap, slices, t-tests."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats as scipy_stats
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from labutils.evaluation import (
    MetricCI,
    best_threshold,
    bootstrap_ci,
    corrected_resampled_ttest,
    cost_curve,
    expected_calibration_error,
    five_by_two_cv_ttest,
    holdout_auc,
    rank_auc,
    reliability_table,
    slice_report,
)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    y = (x + rng.normal(size=400) > 0).astype(int)
    df = pd.DataFrame({"x": x, "noise": rng.normal(size=400), "y": y})
    return df[:300], df[300:]


def test_holdout_auc_informative_feature_beats_noise(data):
    "holdout_auc: a feature that drives the label scores well above one that does not"
    train, test = data
    good = holdout_auc(LogisticRegression(), train, test, features=["x"], target="y")
    bad = holdout_auc(LogisticRegression(), train, test, features=["noise"], target="y")
    assert good > 0.75 and abs(bad - 0.5) < 0.1


def test_holdout_auc_does_not_fit_the_given_estimator(data):
    "holdout_auc: the estimator passed in stays unfitted"
    model = LogisticRegression()
    holdout_auc(model, *data, features=["x"], target="y")
    assert not hasattr(model, "coef_")


def test_holdout_auc_matches_hand_computation():
    "holdout_auc: the documented 8-row example"
    df = pd.DataFrame({"x": range(8), "y": [0, 0, 1, 0, 1, 0, 1, 1]})
    # test rows x = 4..7 with labels 1, 0, 1, 1: the score rises with x, so the pairs
    # (6, 5) and (7, 5) are ranked right and (4, 5) wrong
    assert_allclose(holdout_auc(LogisticRegression(), df[:4], df[4:], features=["x"], target="y"), 2 / 3)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"estimator": object()}, TypeError, "fit and predict_proba"),
        ({"features": []}, ValueError, "features is empty"),
        ({"features": ["missing"]}, ValueError, r"lacks column\(s\) \['missing'\]"),
        ({"train": "not a frame"}, TypeError, "must be a pandas DataFrame"),
        ({"test": pd.DataFrame(columns=["x", "y"])}, ValueError, "test is empty"),
    ],
)
def test_holdout_auc_rejects_bad_input(data, change, error, match):
    "holdout_auc: bad estimators, columns and frames raise clear errors"
    args = {"estimator": LogisticRegression(), "train": data[0], "test": data[1],
            "features": ["x"], "target": "y", **change}
    with pytest.raises(error, match=match):
        holdout_auc(**args)


def test_holdout_auc_rejects_missing_labels_and_single_class(data):
    "holdout_auc: NaN labels and one-class test sets are reported"
    train, test = data
    with pytest.raises(ValueError, match="missing labels"):
        holdout_auc(LogisticRegression(), train.assign(y=np.nan), test, features=["x"], target="y")
    with pytest.raises(ValueError, match="single class"):
        holdout_auc(LogisticRegression(), train, test.assign(y=1), features=["x"], target="y")


# cost_curve and best_threshold (chapter "Problem framing and core definitions")
HAND = dict(y_true=[0, 0, 1, 1], y_score=[0.1, 0.4, 0.35, 0.8], cost_fp=1, cost_fn=5)


def test_cost_curve_matches_hand_computation():
    "cost_curve: the documented four-decision example, counted by hand"
    curve = cost_curve(**HAND)
    assert_allclose(curve["threshold"], [0.1, 0.35, 0.4, 0.8, np.inf])
    assert curve["false_alarms"].tolist() == [2, 1, 1, 0, 0]
    assert curve["misses"].tolist() == [0, 0, 1, 1, 2]
    assert_allclose(curve["alert_rate"], [1, 0.75, 0.5, 0.25, 0])
    assert_allclose(curve["expected_cost"], [0.5, 0.25, 1.5, 1.25, 2.5])


def test_cost_curve_matches_brute_force_on_given_thresholds():
    "cost_curve: counts equal a direct loop over thresholds, which are returned sorted"
    rng = np.random.default_rng(0)
    y, score = rng.integers(0, 2, 500), rng.random(500).round(2)
    cuts = [0.9, 0.0, 0.5, 0.25, 1.5]
    curve = cost_curve(y, score, cost_fp=2, cost_fn=3, thresholds=cuts)
    expected = [(2 * ((score >= t) & (y == 0)).sum() + 3 * ((score < t) & (y == 1)).sum()) / 500
                for t in sorted(cuts)]
    assert_allclose(curve["threshold"], sorted(cuts))
    assert_allclose(curve["expected_cost"], expected)


def test_cost_curve_accepts_booleans_and_pandas():
    "cost_curve: boolean labels in a pandas Series give the same curve as 0/1"
    labels = pd.Series([False, False, True, True], dtype="boolean")
    curve = cost_curve(labels, pd.Series(HAND["y_score"]), cost_fp=1, cost_fn=5)
    assert_allclose(curve["expected_cost"], cost_curve(**HAND)["expected_cost"])


def test_best_threshold_matches_hand_computation():
    "best_threshold: the cheapest threshold of the documented example"
    best = best_threshold(**HAND)
    assert_allclose([best["threshold"], best["expected_cost"]], [0.35, 0.25])


def test_best_threshold_follows_the_costs():
    "best_threshold: free false alarms catch every positive (ties go high); free misses never alert"
    free_alarms = best_threshold(**{**HAND, "cost_fp": 0})
    assert_allclose([free_alarms["threshold"], free_alarms["misses"]], [0.35, 0])
    assert best_threshold(**{**HAND, "cost_fn": 0})["threshold"] == np.inf


def test_best_threshold_is_near_the_bayes_threshold_for_calibrated_scores():
    "best_threshold: with calibrated scores the optimum is near cost_fp / (cost_fp + cost_fn)"
    rng = np.random.default_rng(1)
    p = rng.random(20_000)
    y = (rng.random(20_000) < p).astype(int)
    best = best_threshold(y, p, cost_fp=1, cost_fn=4)
    assert_allclose(best["threshold"], 0.2, atol=0.03)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"y_true": [0, 1, 1]}, ValueError, "y_true has 3 values but y_score has 4"),
        ({"y_true": [[0, 0, 1, 1]]}, ValueError, "one-dimensional"),
        ({"y_true": [], "y_score": []}, ValueError, "y_true is empty"),
        ({"y_true": [0, 2, 1, 1]}, ValueError, "only 0 and 1"),
        ({"y_true": ["no", "no", "yes", "yes"]}, TypeError, "0/1 or booleans"),
        ({"y_true": [0, np.nan, 1, 1]}, ValueError, "y_true has missing values"),
        ({"y_true": pd.Series([0, None, 1, 1], dtype="boolean")}, ValueError, "missing values"),
        ({"y_score": [0.1, np.nan, 0.3, 0.4]}, ValueError, "y_score has NaN"),
        ({"y_score": ["a", "b", "c", "d"]}, TypeError, "y_score must be numeric"),
        ({"cost_fp": -1}, ValueError, "cost_fp must be a finite number >= 0"),
        ({"cost_fn": np.inf}, ValueError, "cost_fn must be a finite number >= 0"),
        ({"cost_fn": "5"}, TypeError, "cost_fn must be a number"),
        ({"cost_fp": 0, "cost_fn": 0}, ValueError, "both 0"),
        ({"thresholds": []}, ValueError, "thresholds is empty"),
        ({"thresholds": [0.5, np.nan]}, ValueError, "thresholds has NaN"),
        ({"thresholds": ["low"]}, TypeError, "thresholds must be numeric"),
    ],
)
def test_cost_curve_rejects_bad_input(change, error, match):
    "cost_curve: bad shapes, labels, scores, costs and thresholds raise clear errors"
    with pytest.raises(error, match=match):
        cost_curve(**{**HAND, **change})


def test_best_threshold_rejects_bad_input():
    "best_threshold: checks its input like cost_curve"
    with pytest.raises(ValueError, match="finite number >= 0"):
        best_threshold(**{**HAND, "cost_fn": -5})


# Chapter "Model evaluation deep dive": calibration, bootstrap, slices, model comparison


def _calibrated(n=20_000, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    return (rng.random(n) < p).astype(int), p


def test_reliability_table_matches_sklearn_calibration_curve():
    "reliability_table: same points as sklearn's uniform calibration_curve"
    y, p = _calibrated()
    table = reliability_table(y, p, n_bins=10)
    frac, mean = calibration_curve(y, p, n_bins=10)
    assert_allclose(table["frac_pos"], frac)
    assert_allclose(table["mean_prob"], mean)
    assert table["count"].sum() == len(y)


def test_reliability_table_bins_are_closed_on_the_right():
    "reliability_table: 0.5 falls in (0, 0.5] and 0 in the first bin"
    table = reliability_table([0, 1, 1], [0.0, 0.5, 0.75], n_bins=2)
    assert table["count"].tolist() == [2, 1]


def test_ece_matches_hand_computation():
    "expected_calibration_error: the documented two-bin example"
    assert_allclose(expected_calibration_error([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2), 0.175)


def test_ece_is_small_for_calibrated_and_large_for_overconfident_scores():
    "expected_calibration_error: near 0 when P(y=1|p)=p, large when scores are pushed to 0/1"
    y, p = _calibrated()
    assert expected_calibration_error(y, p) < 0.02
    assert expected_calibration_error(y, (p > 0.5).astype(float) * 0.98 + 0.01) > 0.2


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"y_prob": [0.1, 1.2]}, ValueError, r"probabilities in \[0, 1\]"),
        ({"y_prob": [0.1, np.nan]}, ValueError, "y_prob has NaN"),
        ({"y_prob": [0.1]}, ValueError, "y_true has 2 values but y_prob has 1"),
        ({"y_true": [0, 3]}, ValueError, "only 0 and 1"),
        ({"y_true": [], "y_prob": []}, ValueError, "y_true is empty"),
        ({"n_bins": 0}, ValueError, "n_bins must be at least 1"),
        ({"n_bins": 2.5}, TypeError, "n_bins must be an int"),
        ({"y_prob": ["a", "b"]}, TypeError, "y_prob must be numeric"),
    ],
)
def test_calibration_helpers_reject_bad_input(change, error, match):
    "reliability_table and expected_calibration_error: bad labels, probabilities and bins"
    args = {"y_true": [0, 1], "y_prob": [0.2, 0.8], "n_bins": 5, **change}
    for func in (reliability_table, expected_calibration_error):
        with pytest.raises(error, match=match):
            func(**args)


def test_bootstrap_ci_brackets_estimate_and_shrinks_with_n():
    "bootstrap_ci: the interval contains the estimate and is narrower with 16x the data"
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 4000)
    s = y + rng.normal(size=4000)
    big = bootstrap_ci(y, s, roc_auc_score, n_resamples=200)
    small = bootstrap_ci(y[:250], s[:250], roc_auc_score, n_resamples=200)
    assert isinstance(big, MetricCI) and big.low < big.estimate < big.high
    assert_allclose(big.estimate, roc_auc_score(y, s))
    assert (small.high - small.low) > 2.5 * (big.high - big.low)


def test_bootstrap_ci_is_reproducible_and_honours_confidence():
    "bootstrap_ci: same seed, same interval; a 50% interval lies inside the 95% one"
    y, p = _calibrated(2000)
    wide = bootstrap_ci(y, p, average_precision_score, n_resamples=200, seed=3)
    assert wide == bootstrap_ci(y, p, average_precision_score, n_resamples=200, seed=3)
    narrow = bootstrap_ci(y, p, average_precision_score, n_resamples=200, seed=3, confidence=0.5)
    assert wide.low < narrow.low < narrow.high < wide.high


def test_bootstrap_ci_reports_too_small_samples():
    "bootstrap_ci: one class in the sample, or in some resamples, raises a clear error"
    with pytest.raises(ValueError, match="single class"):
        bootstrap_ci([1, 1, 1], [0.1, 0.2, 0.3], roc_auc_score)
    with pytest.raises(ValueError, match="too small for a bootstrap interval"):
        bootstrap_ci([0, 0, 0, 0, 1], [0.1, 0.2, 0.3, 0.4, 0.9], roc_auc_score, n_resamples=100)


def _clustered(n_groups=60, size=40, seed=0):
    """Labels and scores whose signal strength varies by group: rows of a group are alike."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(n_groups), size)
    strength = rng.gamma(2.0, 0.5, n_groups)[groups]
    y = rng.integers(0, 2, len(groups))
    return y, strength * y + rng.normal(size=len(groups)), groups


def test_cluster_bootstrap_is_wider_on_clustered_data_and_resamples_whole_groups():
    "bootstrap_ci(groups=...): wider than the i.i.d. interval when groups differ; one group per row is i.i.d.-like"
    y, s, groups = _clustered()
    iid = bootstrap_ci(y, s, roc_auc_score, n_resamples=300)
    clustered = bootstrap_ci(y, s, roc_auc_score, groups=groups, n_resamples=300)
    assert clustered.estimate == iid.estimate
    assert (clustered.high - clustered.low) > 1.3 * (iid.high - iid.low)
    singletons = bootstrap_ci(y, s, roc_auc_score, groups=np.arange(len(y)), n_resamples=300)
    assert_allclose(singletons.high - singletons.low, iid.high - iid.low, rtol=0.25)


def test_slice_report_with_groups_resamples_clusters_and_notes_single_cluster_slices():
    "slice_report(groups=...): clustered intervals per slice; a slice inside one cluster gets a note"
    y, s, groups = _clustered()
    slices = pd.DataFrame({"half": np.where(groups < 30, "early", "late"), "one": np.where(groups == 0, "g0", "rest")})
    plain = slice_report(y, s, slices, roc_auc_score, n_resamples=100)
    clustered = slice_report(y, s, slices, roc_auc_score, groups=groups, n_resamples=100)
    width = lambda r: (r["high"] - r["low"]).iloc[:2]  # noqa: E731
    assert (width(clustered) > width(plain)).all()
    assert clustered.loc[clustered["value"] == "g0", "note"].item() == "one cluster"
    with pytest.raises(ValueError, match="one label per row"):
        slice_report(y, s, slices, groups=groups[:-1])


@pytest.mark.parametrize(
    ("groups", "match"),
    [(np.arange(3), "one label per row"),
     (np.array([0.0, 1.0, np.nan, 1.0]), "missing label"),
     (np.zeros(4), "single group")],
)
def test_bootstrap_ci_rejects_bad_groups(groups, match):
    "bootstrap_ci: groups of the wrong length, with NaNs or a single group raise a ValueError"
    with pytest.raises(ValueError, match=match):
        bootstrap_ci([0, 1, 0, 1], [0.1, 0.8, 0.3, 0.6], roc_auc_score, groups=groups, n_resamples=20)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"metric": "auc"}, TypeError, "metric must be callable"),
        ({"y_score": [0.1, 0.2, 0.3]}, ValueError, "y_true has 4 values but y_score has 3"),
        ({"y_score": [0.1, 0.2, np.inf, 0.3]}, ValueError, "y_score has NaN or infinite"),
        ({"y_true": [0, 1, 2, 1]}, ValueError, "only 0 and 1"),
        ({"confidence": 1.5}, ValueError, "confidence must be strictly between 0 and 1"),
        ({"n_resamples": 1}, ValueError, "n_resamples must be at least 2"),
        ({"seed": -1}, ValueError, "seed must be at least 0"),
    ],
)
def test_bootstrap_ci_rejects_bad_input(change, error, match):
    "bootstrap_ci: bad metrics, shapes, labels, confidence, resamples and seeds"
    args = {"y_true": [0, 1, 0, 1], "y_score": [0.1, 0.8, 0.3, 0.6], "metric": roc_auc_score,
            "n_resamples": 20, **change}
    with pytest.raises(error, match=match):
        bootstrap_ci(**args)


def test_slice_report_per_slice_metric_support_and_notes():
    "slice_report: per-slice AUC equals a direct computation; tiny and one-class slices are noted"
    rng = np.random.default_rng(1)
    y = np.r_[rng.integers(0, 2, 600), [1, 1, 1], [0, 0, 0, 0, 1]]
    s = y + rng.normal(size=len(y))
    group = np.r_[np.repeat(["b", "a"], 300), ["c"] * 3, ["d"] * 5]
    report = slice_report(y, s, pd.DataFrame({"g": group, "half": np.arange(len(y)) % 2}),
                          n_resamples=50)
    g = report[report["column"] == "g"].set_index("value")
    assert g.index.tolist() == ["a", "b", "c", "d"]
    assert_allclose(g.loc["a", "metric"], roc_auc_score(y[group == "a"], s[group == "a"]))
    assert g.loc["a", "low"] < g.loc["a", "metric"] < g.loc["a", "high"]
    assert g.loc["c", "note"] == "single class" and np.isnan(g.loc["c", "metric"])
    assert g.loc["d", "note"] == "too few for interval" and np.isnan(g.loc["d", "low"])
    assert g["support"].tolist() == [300, 300, 3, 5]
    assert report[report["column"] == "half"]["support"].sum() == len(y)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"slices": {"g": [0, 1, 0, 1]}}, TypeError, "slices must be a pandas DataFrame"),
        ({"slices": pd.DataFrame(index=range(4))}, ValueError, "slices has no columns"),
        ({"slices": pd.DataFrame({"g": [0, 1]})}, ValueError, "slices has 2 rows but y_true has 4"),
        ({"slices": pd.DataFrame({"g": ["a", None, "a", "b"]})}, ValueError, r"\['g'\] have missing"),
        ({"metric": None}, TypeError, "metric must be callable"),
    ],
)
def test_slice_report_rejects_bad_input(change, error, match):
    "slice_report: bad slice frames and metrics raise clear errors"
    args = {"y_true": [0, 1, 0, 1], "y_score": [0.1, 0.8, 0.3, 0.6],
            "slices": pd.DataFrame({"g": ["a"] * 4}), "n_resamples": 20, **change}
    with pytest.raises(error, match=match):
        slice_report(**args)


def test_corrected_ttest_matches_formula_and_reduces_to_naive_without_overlap():
    "corrected_resampled_ttest: Nadeau-Bengio formula; with n_test/n_train -> 0 it is ttest_rel"
    rng = np.random.default_rng(2)
    a, b = rng.normal(0.8, 0.02, 100), rng.normal(0.79, 0.02, 100)
    d = a - b
    t, p = corrected_resampled_ttest(a, b, n_train=90, n_test=10, alternative="greater")
    expected = d.mean() / np.sqrt((1 / 100 + 10 / 90) * d.var(ddof=1))
    assert_allclose([t, p], [expected, scipy_stats.t.sf(expected, 99)])
    naive = scipy_stats.ttest_rel(a, b)
    assert_allclose(corrected_resampled_ttest(a, b, n_train=10**9, n_test=1),
                    [naive.statistic, naive.pvalue], rtol=1e-6)


def test_ttests_alternatives_are_consistent():
    "corrected and 5x2cv t-tests: greater + less = 1 and two-sided = 2 * min"
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=10), rng.normal(size=10)
    for test in (lambda **k: corrected_resampled_ttest(a, b, n_train=9, n_test=1, **k),
                 lambda **k: five_by_two_cv_ttest(a, b, **k)):
        g, l, two = (test(alternative=x).pvalue for x in ("greater", "less", "two-sided"))
        assert_allclose([g + l, two], [1, 2 * min(g, l)])


def test_five_by_two_matches_dietterich_formula():
    "five_by_two_cv_ttest: t = d_11 / sqrt(mean s_i^2) with 5 degrees of freedom"
    rng = np.random.default_rng(4)
    a, b = rng.normal(0.9, 0.02, 10), rng.normal(0.88, 0.02, 10)
    d = (a - b).reshape(5, 2)
    s2 = ((d - d.mean(1, keepdims=True)) ** 2).sum(1)
    t = d[0, 0] / np.sqrt(s2.mean())
    assert_allclose(five_by_two_cv_ttest(a, b), [t, 2 * scipy_stats.t.sf(abs(t), 5)])


@pytest.mark.parametrize(
    ("func", "change", "error", "match"),
    [
        ("nb", {"scores_b": [0.1] * 9}, ValueError, "scores_a has 10 values but scores_b has 9"),
        ("nb", {"scores_a": [np.nan] * 10}, ValueError, "scores_a has NaN"),
        ("nb", {"scores_a": ["x"] * 10}, TypeError, "scores_a must be numeric"),
        ("nb", {"n_train": 0}, ValueError, "n_train must be at least 1"),
        ("nb", {"n_test": 1.5}, TypeError, "n_test must be an int"),
        ("nb", {"alternative": "bigger"}, ValueError, "alternative must be one of"),
        ("nb", {"scores_a": [0.5], "scores_b": [0.4]}, ValueError, "at least two splits"),
        ("nb", {"scores_a": [0.6] * 10, "scores_b": [0.5] * 10}, ValueError, "do not vary"),
        ("5x2", {"scores_a": [0.5] * 8, "scores_b": [0.4] * 8}, ValueError, "need 10 scores"),
        ("5x2", {"scores_a": [0.6] * 10, "scores_b": [0.5] * 10}, ValueError, "do not vary"),
        ("5x2", {"scores_a": []}, ValueError, "scores_a is empty"),
    ],
)
def test_ttests_reject_bad_input(func, change, error, match):
    "corrected_resampled_ttest and five_by_two_cv_ttest: bad scores, sizes and alternatives"
    rng = np.random.default_rng(5)
    args = {"scores_a": rng.random(10), "scores_b": rng.random(10), **change}
    with pytest.raises(error, match=match):
        if func == "nb":
            corrected_resampled_ttest(**{"n_train": 9, "n_test": 1, **args})
        else:
            five_by_two_cv_ttest(**args)


def test_rank_auc_equals_sklearn_with_ties():
    "rank_auc: same value as roc_auc_score, also with tied scores"
    rng = np.random.default_rng(6)
    y = rng.integers(0, 2, 3000)
    s = np.round(y + rng.normal(size=3000), 1)
    assert_allclose(rank_auc(y, s), roc_auc_score(y, s))
    assert_allclose(rank_auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"y_true": [1, 1, 1]}, ValueError, "single class"),
        ({"y_true": [0, 1]}, ValueError, "y_true has 2 values but y_score has 3"),
        ({"y_score": [0.1, np.nan, 0.2]}, ValueError, "y_score has NaN"),
        ({"y_true": [0, 1, 5]}, ValueError, "only 0 and 1"),
    ],
)
def test_rank_auc_rejects_bad_input(change, error, match):
    "rank_auc: one class, length mismatch, NaN scores and non-binary labels"
    with pytest.raises(error, match=match):
        rank_auc(**{"y_true": [0, 1, 0], "y_score": [0.1, 0.9, 0.2], **change})
