"""Benchmarking classifiers on accuracy and cost: paired AUC differences, timings, size, Pareto fronts.

One model's AUC interval in general is :func:`labutils.evaluation.bootstrap_ci`; this module's
vectorised AUC bootstrap serves the paired comparisons and the benchmark table, where a
thousand resamples of several models must take well under a second.

Introduced in the chapter "Supervised models" (``chapters/supervised.md``).
"""

from __future__ import annotations

import numbers
import pickle
import time
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_binary, check_groups, check_int, resample_weights

__all__ = ["bootstrap_auc", "measure_model", "paired_bootstrap_diff", "pareto_front"]

_CHUNK = 200  # resamples per block, to bound memory on large test sets
_CELLS = 4_000_000  # at most this many (resample, row) weights in memory at once


def _check_scores(label: str, values: object, n: int) -> np.ndarray:
    try:
        scores = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{label} must be numeric scores, got {type(values).__name__}.") from None
    if scores.ndim != 1 or len(scores) != n:
        raise ValueError(f"{label} must be 1-D with one score per label ({n}), got shape {scores.shape}.")
    if not np.isfinite(scores).all():
        raise ValueError(f"{label} contains NaN or infinite values; score every row first.")
    return scores


def _check_options(confidence: object, n_resamples: object, seed: object) -> tuple[float, int, int]:
    if (isinstance(confidence, bool) or not isinstance(confidence, numbers.Real)
            or not 0 < confidence < 1):
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    return float(confidence), check_int("n_resamples", n_resamples, low=2), check_int("seed", seed, low=0)


def _resampled_auc(y: np.ndarray, score: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """ROC-AUC of ``score`` with each row of ``weights`` as row counts, ties counted as half."""
    levels, group = np.unique(score, return_inverse=True)
    size, n_groups = len(weights), len(levels)
    key = (np.arange(size)[:, None] * n_groups + group[None, :]).ravel()
    total = np.bincount(key, weights=weights.ravel(), minlength=size * n_groups).reshape(size, n_groups)
    pos = np.bincount(key, weights=(weights * y).ravel(), minlength=size * n_groups)
    pos = pos.reshape(size, n_groups)
    neg = total - pos
    below = np.cumsum(neg, axis=1) - neg
    with np.errstate(invalid="ignore", divide="ignore"):
        return (pos * (below + neg / 2)).sum(1) / (pos.sum(1) * neg.sum(1))


def _bootstrap(y: np.ndarray, scores: list[np.ndarray], n_resamples: int, seed: int,
               codes: np.ndarray | None = None) -> np.ndarray:
    """AUC of each score on the same ``n_resamples`` resamples: shape (n_resamples, len(scores)).

    With ``codes`` (cluster labels), each resample draws whole clusters.
    """
    rng = np.random.default_rng(seed)
    chunk = max(1, min(_CHUNK, _CELLS // len(y)))
    out = []
    for size in np.diff(np.r_[0:n_resamples:chunk, n_resamples]):
        weights = resample_weights(rng, size, len(y), codes)
        out.append(np.column_stack([_resampled_auc(y, s, weights) for s in scores]))
    return np.vstack(out)


def _interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    alpha = (1 - confidence) / 2
    low, high = np.nanquantile(values, [alpha, 1 - alpha])
    return float(low), float(high)


def bootstrap_auc(
    y_true: np.ndarray,
    y_score: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    confidence: float = 0.9,
    n_resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """ROC-AUC with a percentile bootstrap confidence interval (clustered with ``groups``).

    Each resample draws ``len(y_true)`` rows with replacement; the AUC is
    computed from one sort of the scores, with ties counted as half, so a
    thousand resamples of ten thousand rows take well under a second.
    Resamples that happen to contain a single class are skipped.

    Parameters
    ----------
    y_true : array of shape (n,)
        Binary labels, 1 = positive; both classes must be present.
    y_score : array of shape (n,)
        Scores, higher = more likely positive.
    groups : array of shape (n,), optional
        The cluster of each row; resample whole clusters.
    confidence : float, default 0.9
    n_resamples : int, default 1000
    seed : int, default 0

    Returns
    -------
    (auc, low, high) : tuple of float
        The AUC on all rows and the interval.

    Examples
    --------
    >>> y = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    >>> auc, low, high = bootstrap_auc(y, [0.1, 0.2, 0.8, 0.9, 0.3, 0.4, 0.6, 0.7])
    >>> round(auc, 4), bool(low <= auc <= high)
    (0.9375, True)
    """
    y = check_binary("y_true", y_true)
    if y.min() == y.max():
        raise ValueError("y_true holds a single class; the AUC needs positives and negatives.")
    score = _check_scores("y_score", y_score, len(y))
    codes = None if groups is None else check_groups(groups, len(y))
    confidence, n_resamples, seed = _check_options(confidence, n_resamples, seed)
    auc = float(_resampled_auc(y, score, np.ones((1, len(y))))[0])
    return (auc, *_interval(_bootstrap(y, [score], n_resamples, seed, codes)[:, 0], confidence))


def paired_bootstrap_diff(
    y_true: np.ndarray,
    score_a: np.ndarray,
    score_b: np.ndarray,
    *,
    groups: np.ndarray | pd.Series | None = None,
    confidence: float = 0.9,
    n_resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """AUC(a) − AUC(b) on the same test rows, with a paired bootstrap interval.

    Both models are scored on the *same* resamples, so the variation that the
    two share (hard rows, easy rows) cancels and the interval of the
    difference is much narrower than the two separate intervals suggest.
    When rows were sampled in clusters (flights on the same day share their
    weather), pass ``groups``: each resample then draws whole clusters (a
    cluster bootstrap), which keeps the interval honest.

    Parameters
    ----------
    y_true : array of shape (n,)
        Binary labels, 1 = positive.
    score_a, score_b : array of shape (n,)
        The two models' scores for the same rows.
    groups : array of shape (n,), optional
        The cluster of each row, e.g. the day of each flight; at least two.
    confidence : float, default 0.9
    n_resamples : int, default 1000
    seed : int, default 0

    Returns
    -------
    (diff, low, high) : tuple of float

    Raises
    ------
    ValueError
        On bad labels or scores, or ``groups`` of the wrong length, with
        missing labels or a single group.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 500)
    >>> good, weak = y + rng.normal(0, 1, 500), y + rng.normal(0, 2, 500)
    >>> diff, low, high = paired_bootstrap_diff(y, good, weak)
    >>> bool(0 < low < diff < high)
    True
    >>> bool(paired_bootstrap_diff(y, good, weak, groups=np.arange(500) // 10)[1] > 0)
    True
    """
    y = check_binary("y_true", y_true)
    if y.min() == y.max():
        raise ValueError("y_true holds a single class; the AUC needs positives and negatives.")
    a = _check_scores("score_a", score_a, len(y))
    b = _check_scores("score_b", score_b, len(y))
    codes = None if groups is None else check_groups(groups, len(y))
    confidence, n_resamples, seed = _check_options(confidence, n_resamples, seed)
    ones = np.ones((1, len(y)))
    diff = float(_resampled_auc(y, a, ones)[0] - _resampled_auc(y, b, ones)[0])
    aucs = _bootstrap(y, [a, b], n_resamples, seed, codes)
    return (diff, *_interval(aucs[:, 0] - aucs[:, 1], confidence))


def _rows(X: Any, index: int) -> Any:
    return X.iloc[[index]] if isinstance(X, pd.DataFrame) else X[[index]]


def measure_model(
    model: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    groups: Any = None,
    n_latency: int = 50,
    seed: int = 0,
) -> dict[str, float]:
    """Fit a classifier and measure what it costs and how well it ranks the test rows.

    The model is fitted in place. Timings are CPU seconds of this process
    (:func:`time.process_time`, every thread included): the work done, which a
    busy machine inflates far less than wall-clock time. They still depend on
    the machine: compare them as ratios between models measured in the same
    session, never across machines.

    Parameters
    ----------
    model : estimator
        Anything with ``fit(X, y)`` and ``predict_proba(X)``, such as a Pipeline.
    X_train, y_train : DataFrame or array, array of shape (n_train,)
    X_test, y_test : DataFrame or array, array of shape (n_test,)
        Binary labels, 1 = positive.
    groups : array of shape (n_test,), optional
        The cluster of each test row (the day, for flights): the AUC interval
        then resamples whole clusters.
    n_latency : int, default 50
        How many single-row predictions to time (random test rows).
    seed : int, default 0
        Seed of the latency rows and of the AUC bootstrap.

    Returns
    -------
    dict
        ``auc``, ``auc_low``, ``auc_high`` (90% bootstrap interval), ``fit_s``,
        ``single_row_s`` (median over ``n_latency`` calls), ``batch_row_s``
        (seconds per row when the whole test set is scored at once) and
        ``size_bytes`` (the pickled fitted model).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> stats = measure_model(DecisionTreeClassifier(max_depth=2, random_state=0),
    ...                       X[::2], y[::2], X[1::2], y[1::2], n_latency=5)
    >>> round(stats["auc"], 3), stats["size_bytes"] > 0, sorted(stats)[:3]
    (0.915, True, ['auc', 'auc_high', 'auc_low'])
    """
    if not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
        raise TypeError(f"model needs fit() and predict_proba(); got {type(model).__name__}.")
    n_latency = check_int("n_latency", n_latency, low=1)
    seed = check_int("seed", seed, low=0)
    y_train = check_binary("y_train", y_train)
    y_test = check_binary("y_test", y_test)
    for label, X, y in [("X_train", X_train, y_train), ("X_test", X_test, y_test)]:
        if not hasattr(X, "shape") or X.shape[0] != len(y):
            raise ValueError(f"{label} must be a DataFrame or array with one row per label ({len(y)}).")
    start = time.process_time()
    model.fit(X_train, y_train)
    fit_s = time.process_time() - start
    start = time.process_time()
    score = np.asarray(model.predict_proba(X_test))[:, 1]
    batch_s = time.process_time() - start
    single = []
    for index in np.random.default_rng(seed).integers(0, len(y_test), size=n_latency):
        row = _rows(X_test, int(index))
        start = time.process_time()
        model.predict_proba(row)
        single.append(time.process_time() - start)
    auc, low, high = bootstrap_auc(y_test, score, groups=groups, seed=seed)
    return {"auc": auc, "auc_low": low, "auc_high": high, "fit_s": fit_s,
            "single_row_s": float(np.median(single)), "batch_row_s": batch_s / len(y_test),
            "size_bytes": float(len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)))}


def pareto_front(df: pd.DataFrame, *, maximize: str | list[str], minimize: str | list[str]) -> np.ndarray:
    """Which rows are not dominated: no other row is as good on every column and better on one.

    Parameters
    ----------
    df : DataFrame
        One row per candidate (for example, per model).
    maximize, minimize : str or list of str
        Columns where larger (``maximize``) or smaller (``minimize``) is better.

    Returns
    -------
    ndarray of bool, shape (len(df),)
        True for the rows on the Pareto front.

    Examples
    --------
    >>> models = pd.DataFrame({"auc": [0.70, 0.68, 0.65, 0.66],
    ...                        "latency": [10.0, 1.0, 0.5, 2.0]})
    >>> pareto_front(models, maximize="auc", minimize="latency")
    array([ True,  True,  True, False])
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}.")
    if df.empty:
        raise ValueError("df is empty; pass at least one row.")
    up = [maximize] if isinstance(maximize, str) else list(maximize)
    down = [minimize] if isinstance(minimize, str) else list(minimize)
    if not up and not down:
        raise ValueError("name at least one column to maximize or minimize.")
    missing = [c for c in up + down if c not in df.columns]
    if missing:
        raise ValueError(f"unknown column(s) {missing}; df has {list(df.columns)}.")
    try:
        values = np.column_stack([df[up].to_numpy(float), -df[down].to_numpy(float)])
    except (TypeError, ValueError):
        raise TypeError("the maximize/minimize columns must be numeric.") from None
    if not np.isfinite(values).all():
        raise ValueError("the maximize/minimize columns contain NaN or infinite values.")
    at_least = (values[:, None, :] >= values[None, :, :]).all(axis=2)
    better = (values[:, None, :] > values[None, :, :]).any(axis=2)
    dominated = (at_least & better).any(axis=0)
    return ~dominated
