"""labutils.stats: Bayes' rule, bootstrap intervals and the bias-variance decomposition."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from labutils.stats import bayes_posterior, bias_variance_decomposition, bootstrap_ci


def test_bayes_posterior_matches_counting():
    "bayes_posterior: equals true alerts over all alerts in a population of 1,000"
    # 100 events: 80 alerts; 900 non-events: 90 false alerts
    assert_allclose(bayes_posterior(0.1, 0.8, 0.9), 80 / (80 + 90))


def test_bayes_posterior_perfect_alert_and_zero_prior():
    "bayes_posterior: a perfect alert is always right; a zero base rate gives zero"
    assert_allclose(bayes_posterior(0.01, 1.0, 1.0), 1.0)
    assert_allclose(bayes_posterior(0.0, 0.9, 0.9), 0.0)


@pytest.mark.parametrize(
    ("args", "match"),
    [((1.5, 0.9, 0.9), "prior must be a probability"),
     ((0.1, -0.1, 0.9), "sensitivity must be a probability"),
     ((0.1, 0.9, np.nan), "specificity must be a probability"),
     ((0.1, 0.9, "high"), "specificity must be a probability"),
     ((0.0, 0.9, 1.0), "never fires")],
)
def test_bayes_posterior_rejects_bad_input(args, match):
    "bayes_posterior: non-probabilities and an alert that never fires raise"
    with pytest.raises(ValueError, match=match):
        bayes_posterior(*args)


def test_bootstrap_ci_matches_scipy_percentile():
    "bootstrap_ci: same resamples and quantiles as scipy.stats.bootstrap(method='percentile')"
    x = np.random.default_rng(3).exponential(size=60)
    for statistic in (np.mean, np.median, np.std):
        ours = bootstrap_ci(x, statistic, confidence=0.8, n_resamples=500, seed=7)
        ref = stats.bootstrap((x,), statistic, confidence_level=0.8, n_resamples=500,
                              method="percentile", rng=np.random.default_rng(7))
        assert_allclose(ours, ref.confidence_interval, rtol=1e-12)


def test_bootstrap_ci_narrows_with_more_data():
    "bootstrap_ci: the interval for the mean shrinks roughly like 1/sqrt(n)"
    rng = np.random.default_rng(0)
    small = np.subtract(*bootstrap_ci(rng.normal(size=100))[::-1])
    large = np.subtract(*bootstrap_ci(rng.normal(size=10_000))[::-1])
    assert_allclose(small / large, 10, rtol=0.25)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [({"x": []}, ValueError, "x is empty"),
     ({"x": [1.0]}, ValueError, "at least two values"),
     ({"x": [[1.0, 2.0]]}, ValueError, "1-D"),
     ({"x": [1.0, np.nan]}, ValueError, "NaN"),
     ({"x": ["a", "b"]}, TypeError, "numeric array"),
     ({"statistic": "mean"}, TypeError, "callable"),
     ({"statistic": lambda s, axis: s}, ValueError, "one value per resample"),
     ({"confidence": 1.0}, ValueError, "strictly between 0 and 1"),
     ({"n_resamples": 1}, ValueError, "n_resamples must be at least 2"),
     ({"seed": 1.5}, TypeError, "seed must be an int")],
)
def test_bootstrap_ci_rejects_bad_input(kwargs, error, match):
    "bootstrap_ci: empty, short, 2-D, NaN or non-numeric data and bad settings raise"
    args = {"x": [1.0, 2.0, 3.0], **kwargs}
    with pytest.raises(error, match=match):
        bootstrap_ci(args.pop("x"), **args)


def test_bias_variance_known_parts():
    "bias_variance_decomposition: a constant offset is pure bias, spread is variance, draws are noise"
    f_test = np.zeros(3)
    y_pred = np.array([[0.5, 1.5]] * 3)  # mean 1 (bias^2 = 1), variance 0.25
    y_test = np.array([[-0.2, 0.2]] * 3)  # noise variance 0.04
    parts = bias_variance_decomposition(y_pred, y_test, f_test)
    assert_allclose([parts["bias2"], parts["variance"], parts["noise"]], [1.0, 0.25, 0.04])
    assert_allclose(parts["error"], 1.29)


def test_bias_variance_error_matches_pairwise_loop():
    "bias_variance_decomposition: the closed-form error equals the double loop over pairs"
    rng = np.random.default_rng(0)
    y_pred, y_test = rng.normal(size=(20, 7)), rng.normal(size=(20, 5))
    loop = np.mean([(y_test[:, j] - y_pred[:, i]) ** 2 for i in range(7) for j in range(5)])
    parts = bias_variance_decomposition(y_pred, y_test, rng.normal(size=20))
    assert_allclose(parts["error"], loop)
    pointwise = bias_variance_decomposition(y_pred, y_test, np.zeros(20), average=False)
    assert pointwise["variance"].shape == (20,)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [({"y_pred": np.ones(3)}, ValueError, "y_pred must be 2-D"),
     ({"y_test": np.ones((2, 2))}, ValueError, "one row per test point"),
     ({"f_test": np.array([0.0, np.nan, 0.0])}, ValueError, "f_test contains NaN"),
     ({"y_pred": np.ones((0, 2))}, ValueError, "y_pred is empty"),
     ({"average": "yes"}, TypeError, "average must be True or False")],
)
def test_bias_variance_rejects_bad_input(change, error, match):
    "bias_variance_decomposition: wrong shapes, NaNs, empty input and bad flags raise"
    args = {"y_pred": np.ones((3, 2)), "y_test": np.ones((3, 4)), "f_test": np.ones(3), **change}
    with pytest.raises(error, match=match):
        bias_variance_decomposition(**args)
