"""Drift detection: the population stability index, a per-feature drift report, Page-Hinkley.

:func:`psi` compares two samples of one feature on quantile bins of the
reference; :func:`drift_report` runs a two-sample test (KS for numeric columns,
chi-squared for categorical ones) and the PSI on every column of a batch, with a
Bonferroni correction, and :func:`ks_alarm_rate` simulates that procedure's
false-alarm rate and power; :func:`page_hinkley` watches a stream (an error
rate, a mean score) for a change in its mean.

Introduced in the chapter "Monitoring, drift and retraining" (``chapters/monitoring.md``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import check_int

__all__ = ["DRIFT_COLUMNS", "drift_report", "ks_alarm_rate", "page_hinkley", "psi"]

#: Columns of the table that :func:`drift_report` returns.
DRIFT_COLUMNS = ["kind", "test", "statistic", "p_value", "psi", "drifted"]
#: Smallest bin share used in the PSI, so that an empty bin gives a large, finite term.
_FLOOR = 1e-4


def _numeric_sample(label: str, values: object) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{label} must be one-dimensional, got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{label} is empty; pass at least one value.")
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{label} must hold numbers, got dtype {array.dtype}; "
                        "compare categories with drift_report instead.")
    array = array.astype(float)
    if np.isnan(array).any():
        raise ValueError(f"{label} has {int(np.isnan(array).sum())} NaN value(s); drop them first.")
    return array


def _psi_from_shares(p: np.ndarray, q: np.ndarray) -> float:
    p, q = np.maximum(p, _FLOOR), np.maximum(q, _FLOOR)
    return float(np.sum((q - p) * np.log(q / p)))


def psi(expected: object, actual: object, *, n_bins: int = 10) -> float:
    """Population stability index of ``actual`` against ``expected`` on quantile bins.

    The bins are the ``n_bins`` quantiles of ``expected`` (fewer when it has
    ties). With shares ``p_i`` and ``q_i`` per bin, the PSI is
    ``sum((q_i - p_i) * log(q_i / p_i))``, a symmetrised Kullback-Leibler
    divergence; empty bins are floored at a share of ``1e-4``. Without any
    shift its expected value is about ``(B - 1) * (1/N + 1/M)`` for ``B``
    bins and samples of sizes ``N`` and ``M``, so small samples look drifted.

    Parameters
    ----------
    expected : array-like of numbers, shape (N,)
        The reference sample (training data, a past month).
    actual : array-like of numbers, shape (M,)
        The sample to compare.
    n_bins : int, default 10
        Number of quantile bins, at least 2.

    Returns
    -------
    float
        0 for identical distributions; larger means more different.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(psi(rng.normal(size=5000), rng.normal(size=5000)), 3)
    0.005
    >>> round(psi(rng.normal(size=5000), rng.normal(1, size=5000)), 2)
    0.93
    """
    ref = _numeric_sample("expected", expected)
    cur = _numeric_sample("actual", actual)
    check_int("n_bins", n_bins, low=2)
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, n_bins + 1)[1:-1]))
    n = len(edges) + 1
    p = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=n) / len(ref)
    q = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=n) / len(cur)
    return _psi_from_shares(p, q)


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _compare(name: str, ref: pd.Series, cur: pd.Series, n_bins: int) -> dict[str, object]:
    ref, cur = ref.dropna(), cur.dropna()
    if ref.empty or cur.empty:
        side = "reference_df" if ref.empty else "current_df"
        raise ValueError(f"column {name!r} has no non-missing values in {side}; drop it first.")
    if _is_numeric(ref) and _is_numeric(cur):
        ks = stats.ks_2samp(ref.to_numpy(float), cur.to_numpy(float), method="asymp")
        return {"kind": "numeric", "test": "ks", "statistic": float(ks.statistic),
                "p_value": float(ks.pvalue), "psi": psi(ref.to_numpy(float), cur.to_numpy(float),
                                                        n_bins=n_bins)}
    counts = pd.concat([ref.astype(str).value_counts(), cur.astype(str).value_counts()],
                       axis=1).fillna(0).to_numpy().T
    shares = counts / counts.sum(axis=1, keepdims=True)
    if counts.shape[1] < 2:
        statistic, p_value = 0.0, 1.0
    else:
        result = stats.chi2_contingency(counts, correction=False)
        statistic, p_value = float(result.statistic), float(result.pvalue)
    return {"kind": "categorical", "test": "chi2", "statistic": statistic, "p_value": p_value,
            "psi": _psi_from_shares(shares[0], shares[1])}


def drift_report(
    reference_df: pd.DataFrame, current_df: pd.DataFrame, *, alpha: float = 0.05, n_bins: int = 10
) -> pd.DataFrame:
    """Compare every column of a batch with a reference: a two-sample test and the PSI.

    Numeric columns get the two-sample Kolmogorov-Smirnov test and :func:`psi`
    on quantile bins; other columns (categories, strings, booleans) get the
    chi-squared test of homogeneity and the PSI on category shares. Missing
    values are dropped column by column. A column is flagged as drifted when
    its p-value is below ``alpha / n_columns`` (Bonferroni), so that the
    chance of any false alarm on an unshifted batch stays below ``alpha``.

    Parameters
    ----------
    reference_df, current_df : DataFrame
        The same columns (in any order), at least one row each.
    alpha : float, default 0.05
        Family-wise false-alarm rate, in ``(0, 1)``.
    n_bins : int, default 10
        Quantile bins of the numeric PSI.

    Returns
    -------
    DataFrame
        One row per column of ``reference_df``, with :data:`DRIFT_COLUMNS`:
        ``kind``, ``test``, ``statistic``, ``p_value``, ``psi`` and ``drifted``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"x": rng.normal(size=2000), "c": rng.choice(["a", "b"], 2000)})
    >>> cur = pd.DataFrame({"x": rng.normal(0.5, size=2000), "c": rng.choice(["a", "b"], 2000)})
    >>> drift_report(ref, cur)["drifted"].to_dict()
    {'x': True, 'c': False}
    """
    for label, df in (("reference_df", reference_df), ("current_df", current_df)):
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"{label} must be a pandas DataFrame, got {type(df).__name__}.")
        if df.empty or df.shape[1] == 0:
            raise ValueError(f"{label} is empty; pass at least one row and one column.")
    missing = sorted(set(reference_df.columns) - set(current_df.columns), key=str)
    extra = sorted(set(current_df.columns) - set(reference_df.columns), key=str)
    if missing or extra:
        raise ValueError(f"the frames must have the same columns; current_df lacks {missing} "
                         f"and has extra {extra}. Select the model's features in both.")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a probability in (0, 1), got {alpha!r}.")
    check_int("n_bins", n_bins, low=2)
    rows = {c: _compare(c, reference_df[c], current_df[c], n_bins) for c in reference_df.columns}
    report = pd.DataFrame.from_dict(rows, orient="index")
    report["drifted"] = report["p_value"] < alpha / len(report)
    return report[DRIFT_COLUMNS]


def _ks_statistic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Two-sample KS statistics along the last axis (continuous data: no ties)."""
    n, m = x.shape[-1], y.shape[-1]
    from_x = np.argsort(np.concatenate([x, y], axis=-1), axis=-1) < n
    return np.abs(np.cumsum(np.where(from_x, 1 / n, -1 / m), axis=-1)).max(axis=-1)


def ks_alarm_rate(
    n: int,
    *,
    n_features: int = 10,
    shift: float = 0.0,
    alpha: float = 0.05,
    n_reps: int = 500,
    seed: int = 0,
) -> float:
    """How often the KS test with a Bonferroni correction raises a drift alarm, by simulation.

    Each repetition draws a reference and a current batch of ``n`` rows with
    ``n_features`` independent standard-normal features; in the current batch
    the first feature's mean moves by ``shift`` standard deviations. An alarm
    is raised when any feature's asymptotic KS p-value is below
    ``alpha / n_features``, as in :func:`drift_report`. With ``shift=0`` the
    rate is the false-alarm rate (at most ``alpha``); otherwise it is the power.

    Parameters
    ----------
    n : int
        Rows per batch (at least 2).
    n_features : int, default 10
    shift : float, default 0.0
        Mean shift of the first feature, in standard deviations.
    alpha : float, default 0.05
        Family-wise false-alarm rate, in ``(0, 1)``.
    n_reps : int, default 500
    seed : int, default 0

    Returns
    -------
    float
        Share of repetitions with an alarm.

    Examples
    --------
    >>> ks_alarm_rate(200, shift=0.0, n_reps=400) <= 0.07
    True
    >>> ks_alarm_rate(2000, shift=0.3, n_reps=100)
    1.0
    """
    check_int("n", n, low=2)
    check_int("n_features", n_features, low=1)
    check_int("n_reps", n_reps, low=1)
    check_int("seed", seed, low=0)
    if isinstance(shift, bool) or not isinstance(shift, numbers.Real) or not math.isfinite(shift):
        raise TypeError(f"shift must be a finite number of standard deviations, got {shift!r}.")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a probability in (0, 1), got {alpha!r}.")
    rng = np.random.default_rng(seed)
    ref = rng.standard_normal((n_reps, n_features, n))
    cur = rng.standard_normal((n_reps, n_features, n))
    cur[:, 0] += shift
    # p < alpha / k exactly when the statistic exceeds the asymptotic critical value.
    critical = stats.kstwo.isf(alpha / n_features, round(n / 2))
    return float((_ks_statistic(ref, cur) > critical).any(axis=1).mean())


def page_hinkley(
    stream: Iterable[float],
    *,
    delta: float = 0.005,
    threshold: float = 50.0,
    min_instances: int = 30,
    alpha: float = 1 - 1e-4,
    mode: str = "both",
) -> list[int]:
    """Page-Hinkley change detection on a stream: the indices where it signals.

    Follows ``river.drift.PageHinkley`` (E. S. Page, 1954). For each value the
    running mean is updated, and two faded cumulative sums of the deviations
    from it, ``alpha * sum + (x - mean) - delta`` (for increases) and
    ``alpha * sum + (x - mean) + delta`` (for decreases), are compared with
    their running minimum and maximum. Once ``min_instances`` values have been
    seen since the last reset, a gap above ``threshold`` signals a change and
    the detector starts afresh from the next value.

    Parameters
    ----------
    stream : iterable of numbers
        The monitored values, e.g. a per-prediction error or a daily mean score.
    delta : float, default 0.005
        Tolerated change of the mean (non-negative).
    threshold : float, default 50.0
        The detection threshold lambda (positive), in units of the stream times samples.
    min_instances : int, default 30
        Values to see after a (re)start before a change may be signalled.
    alpha : float, default 0.9999
        Forgetting factor of the sums, in ``(0, 1]``.
    mode : {"both", "up", "down"}, default "both"
        Which direction of change to detect.

    Returns
    -------
    list of int
        Zero-based positions at which a change was signalled.

    Examples
    --------
    >>> import random
    >>> rng = random.Random(12345)
    >>> stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    >>> page_hinkley(stream)
    [1006]
    """
    values = np.asarray(list(stream) if not isinstance(stream, np.ndarray) else stream)
    values = _numeric_sample("stream", values)
    for label, value, ok in (("delta", delta, lambda v: v >= 0), ("threshold", threshold, lambda v: v > 0),
                             ("alpha", alpha, lambda v: 0 < v <= 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise TypeError(f"{label} must be a finite number, got {value!r}.")
        if not ok(value):
            raise ValueError(f"{label} is out of range: got {value!r} (delta >= 0, threshold > 0, "
                             "0 < alpha <= 1).")
    check_int("min_instances", min_instances, low=1)
    if mode not in ("both", "up", "down"):
        raise ValueError(f"mode must be 'both', 'up' or 'down', got {mode!r}.")
    detections, n = [], 0
    for i, x in enumerate(values.tolist()):
        if n == 0:
            mean, up, down, up_min, down_max = 0.0, 0.0, 0.0, math.inf, -math.inf
        n += 1
        mean += (x - mean) / n
        up = alpha * up + (x - mean) - delta
        down = alpha * down + (x - mean) + delta
        up_min, down_max = min(up_min, up), max(down_max, down)
        if n >= min_instances:
            rise, fall = up - up_min > threshold, down_max - down > threshold
            if (rise and mode != "down") or (fall and mode != "up"):
                detections.append(i)
                n = 0
    return detections
