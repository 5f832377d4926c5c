"""Small statistics from scratch: Bayes' rule, bootstrap intervals, bias and variance.

Introduced in the chapter "Mathematics for ML" (``chapters/math.md``).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from ._checks import check_int

__all__ = ["bayes_posterior", "bootstrap_ci", "bias_variance_decomposition"]


def _check_probability(label: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(f"{label} must be a probability in [0, 1], got {value!r}.")
    return float(value)


def _as_finite(label: str, value: object, ndim: int) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{label} must be a numeric array, got {type(value).__name__}.") from None
    if array.ndim != ndim:
        raise ValueError(f"{label} must be {ndim}-D, got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{label} is empty; pass at least one value.")
    if not np.isfinite(array).all():
        raise ValueError(f"{label} contains NaN or infinite values; drop them first.")
    return array


def bayes_posterior(prior: float, sensitivity: float, specificity: float) -> float:
    """P(event | alert) by Bayes' rule, from the base rate and the alert's error rates.

    Parameters
    ----------
    prior : float
        The base rate P(event).
    sensitivity : float
        P(alert | event), the true-positive rate.
    specificity : float
        P(no alert | no event), one minus the false-alarm rate.

    Returns
    -------
    float
        The positive predictive value P(event | alert).

    Raises
    ------
    ValueError
        If an argument is not a probability, or the alert can never fire.

    Examples
    --------
    A test that is right 90% of the time, for an event with a 10% base rate:

    >>> round(bayes_posterior(0.1, 0.9, 0.9), 6)
    0.5
    """
    prior = _check_probability("prior", prior)
    sensitivity = _check_probability("sensitivity", sensitivity)
    specificity = _check_probability("specificity", specificity)
    true_alerts = sensitivity * prior
    evidence = true_alerts + (1 - specificity) * (1 - prior)
    if evidence == 0:
        raise ValueError("the alert never fires (P(alert) = 0), so P(event | alert) is undefined.")
    return true_alerts / evidence


def bootstrap_ci(
    x: np.ndarray,
    statistic: Callable[..., np.ndarray] = np.mean,
    *,
    confidence: float = 0.9,
    n_resamples: int = 999,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of ``statistic(x)``.

    Draw ``n_resamples`` samples of ``len(x)`` values from ``x`` with
    replacement, compute the statistic on each, and return the central
    ``confidence`` share of those values (Efron and Tibshirani, 1993).

    Parameters
    ----------
    x : array of shape (n,)
        The sample (at least two values).
    statistic : callable, default numpy.mean
        Called as ``statistic(samples, axis=1)`` on a ``(n_resamples, n)``
        array; NumPy reductions such as ``np.mean``, ``np.median`` and
        ``np.std`` qualify.
    confidence : float, default 0.9
        The nominal coverage, strictly between 0 and 1.
    n_resamples : int, default 999
    seed : int, default 0

    Returns
    -------
    (low, high) : tuple of float

    Examples
    --------
    >>> low, high = bootstrap_ci(np.arange(100.0), seed=0)
    >>> bool(low < 49.5 < high), bool(high - low < 20)
    (True, True)
    """
    x = _as_finite("x", x, ndim=1)
    if len(x) < 2:
        raise ValueError(f"x needs at least two values to resample, got {len(x)}.")
    if not callable(statistic):
        raise TypeError(f"statistic must be callable, got {type(statistic).__name__}.")
    if (isinstance(confidence, bool) or not isinstance(confidence, numbers.Real)
            or not 0 < confidence < 1):
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    n_resamples = check_int("n_resamples", n_resamples, low=2)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    samples = x[rng.integers(0, len(x), size=(n_resamples, len(x)))]
    values = np.asarray(statistic(samples, axis=1), dtype=float)
    if values.shape != (n_resamples,):
        raise ValueError(
            "statistic(samples, axis=1) must return one value per resample, "
            f"got shape {values.shape}."
        )
    alpha = (1 - confidence) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return float(low), float(high)


def bias_variance_decomposition(
    y_pred: np.ndarray, y_test: np.ndarray, f_test: np.ndarray, *, average: bool = True
) -> dict[str, float] | dict[str, np.ndarray]:
    """Split the expected squared error into bias², variance and noise.

    Column ``i`` of ``y_pred`` holds the predictions of a model trained on the
    ``i``-th independent training set; column ``j`` of ``y_test`` holds the
    ``j``-th independent noisy draw of the targets at the same test points;
    ``f_test`` is the noise-free truth there. As in scikit-learn's
    ``plot_bias_variance`` example, the error averages the squared difference
    over every (model, draw) pair, and each part is averaged over test points.

    Parameters
    ----------
    y_pred : array of shape (n_test, n_models)
    y_test : array of shape (n_test, n_draws)
    f_test : array of shape (n_test,)
    average : bool, default True
        Average each part over the test points (floats); ``False`` returns one
        value per test point (arrays of shape ``(n_test,)``), for plotting.

    Returns
    -------
    dict
        ``error``, ``bias2``, ``variance`` and ``noise``. The parts add up to
        the error up to the sampling gap between ``f_test`` and the mean of
        ``y_test``.

    Examples
    --------
    >>> parts = bias_variance_decomposition([[1.0, 3.0]], [[0.0, 2.0]], [1.0])
    >>> parts
    {'error': 3.0, 'bias2': 1.0, 'variance': 1.0, 'noise': 1.0}
    """
    if not isinstance(average, bool):
        raise TypeError(f"average must be True or False, got {average!r}.")
    y_pred = _as_finite("y_pred", y_pred, ndim=2)
    y_test = _as_finite("y_test", y_test, ndim=2)
    f_test = _as_finite("f_test", f_test, ndim=1)
    if not len(y_pred) == len(y_test) == len(f_test):
        raise ValueError(
            "y_pred, y_test and f_test need one row per test point, got "
            f"{len(y_pred)}, {len(y_test)} and {len(f_test)} rows."
        )
    # mean over (i, j) of (t_j - p_i)² = mean(t²) - 2 mean(t) mean(p) + mean(p²), per point
    error = (y_test**2).mean(1) - 2 * y_test.mean(1) * y_pred.mean(1) + (y_pred**2).mean(1)
    parts = {
        "error": error,
        "bias2": (f_test - y_pred.mean(1)) ** 2,
        "variance": y_pred.var(1),
        "noise": y_test.var(1),
    }
    return {k: float(v.mean()) for k, v in parts.items()} if average else parts
