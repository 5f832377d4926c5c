"""labutils.evaluation: holdout_auc, cost_curve and best_threshold."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression

from labutils.evaluation import best_threshold, cost_curve, holdout_auc


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
