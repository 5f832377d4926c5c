"""Error analysis: per-row losses, the worst slices, honest gains and behavioural checks.

Introduced in the chapter "Error analysis and iteration" (``chapters/erroranalysis.md``).
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable

import numpy as np
import pandas as pd

from ._checks import check_1d, check_binary, check_int

__all__ = ["departed_delay", "paired_gain", "perturbation_shift", "row_log_loss", "worst_slices"]


def _finite(label: str, values: object) -> np.ndarray:
    array = check_1d(label, values)
    try:
        array = array.astype(float)
    except (TypeError, ValueError):
        raise TypeError(f"{label} must be numeric, got dtype {array.dtype}.") from None
    if not np.isfinite(array).all():
        raise ValueError(f"{label} contains NaN or infinite values; drop those rows first.")
    return array


def _confidence(confidence: object) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    return float(confidence)


def _resampled_means(sums: np.ndarray, counts: np.ndarray, n_resamples: int,
                     rng: np.random.Generator) -> np.ndarray:
    """``sum(sums[draw]) / sum(counts[draw])`` for bootstrap draws, in chunks of about 4 million values."""
    m = len(sums)
    chunk = max(1, 4_000_000 // m)
    out = []
    for start in range(0, n_resamples, chunk):
        draws = rng.integers(0, m, size=(min(chunk, n_resamples - start), m))
        out.append(sums[draws].sum(1) / counts[draws].sum(1))
    return np.concatenate(out)


def row_log_loss(y_true: object, y_prob: object, *, eps: float = 1e-15) -> np.ndarray:
    """The log loss of every row: ``-log p`` if the row is positive, ``-log(1 - p)`` if not.

    Its mean is :func:`sklearn.metrics.log_loss`; unlike that function it keeps
    one value per row, so it can be averaged over any slice.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n,)
    y_prob : array-like of float, shape (n,)
        Predicted probability of the positive class, in [0, 1].
    eps : float, default 1e-15
        Probabilities are clipped to ``[eps, 1 - eps]``.

    Examples
    --------
    >>> row_log_loss([1, 0], [0.5, 0.9]).round(3)
    array([0.693, 2.303])
    """
    y = check_binary("y_true", y_true)
    p = _finite("y_prob", y_prob)
    if len(p) != len(y):
        raise ValueError(f"y_true and y_prob must have the same length, got {len(y)} and {len(p)}.")
    if ((p < 0) | (p > 1)).any():
        raise ValueError("y_prob must hold probabilities in [0, 1]; pass predict_proba(X)[:, 1].")
    p = np.clip(p, eps, 1 - eps)
    return -np.where(y == 1, np.log(p), np.log1p(-p))


def worst_slices(
    errors: object, slices: pd.DataFrame, *, min_support: int = 200, max_order: int = 1,
    n_resamples: int = 200, confidence: float = 0.9, seed: int = 0,
) -> pd.DataFrame:
    """Rank the slices of the data by how much worse the model does there than overall.

    A slice is the set of rows where one column of ``slices`` takes one value
    (``max_order=1``), or where two columns take one value each
    (``max_order=2``). Its *lift* is the mean error in the slice divided by the
    mean error overall. The interval is a percentile bootstrap of the slice
    mean, resampling rows within the slice and holding the overall mean fixed.
    Slices are sorted by the interval's lower end, so a small, noisy slice
    does not top the list by luck.

    Parameters
    ----------
    errors : array-like of float, shape (n,)
        One non-negative error per row, e.g. :func:`row_log_loss`.
    slices : DataFrame with n rows
        Columns to slice by (categorical or binned); missing values form their own slice.
    min_support : int, default 200
        Slices with fewer rows are left out.
    max_order : {1, 2}, default 1
        1 for single columns, 2 to add every pair of columns.
    n_resamples : int, default 200
    confidence : float, default 0.9
    seed : int, default 0

    Returns
    -------
    DataFrame
        Columns ``slice``, ``support``, ``error``, ``lift``, ``lift_lo``, ``lift_hi``.

    Examples
    --------
    >>> frame = pd.DataFrame({"hour": ["am"] * 300 + ["pm"] * 300})
    >>> errors = np.r_[np.full(300, 1.0), np.full(300, 3.0)]
    >>> worst_slices(errors, frame)[["slice", "support", "lift"]]
           slice  support  lift
    0  hour = pm      300   1.5
    1  hour = am      300   0.5
    """
    e = _finite("errors", errors)
    if (e < 0).any():
        raise ValueError("errors must be non-negative (a loss per row), got negative values.")
    if not isinstance(slices, pd.DataFrame):
        raise TypeError(f"slices must be a pandas DataFrame, got {type(slices).__name__}.")
    if len(slices) != len(e) or slices.shape[1] == 0:
        raise ValueError(f"slices needs one row per error ({len(e)}) and at least one column, "
                         f"got shape {slices.shape}.")
    min_support = check_int("min_support", min_support, low=2)
    if max_order not in (1, 2):
        raise ValueError(f"max_order must be 1 (single columns) or 2 (pairs), got {max_order!r}.")
    n_resamples = check_int("n_resamples", n_resamples, low=10)
    alpha = (1 - _confidence(confidence)) / 2
    overall = e.mean()
    if overall == 0:
        raise ValueError("every error is zero, so no slice can be worse than overall.")
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    labels = slices.astype(str).where(slices.notna(), "missing").reset_index(drop=True)
    combos = [(c,) for c in labels] + (list(itertools.combinations(labels, 2)) if max_order == 2 else [])
    rows = []
    for cols in combos:
        for values, index in labels.groupby(list(cols), sort=True).indices.items():
            if len(index) < min_support:
                continue
            values = values if isinstance(values, tuple) else (values,)
            boot = _resampled_means(e[index], np.ones(len(index)), n_resamples, rng)
            lo, hi = np.quantile(boot, [alpha, 1 - alpha]) / overall
            name = " & ".join(f"{c} = {v}" for c, v in zip(cols, values))
            rows.append((name, len(index), e[index].mean(), e[index].mean() / overall, lo, hi))
    columns = ["slice", "support", "error", "lift", "lift_lo", "lift_hi"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["lift_lo", "lift"], ascending=False, kind="stable").reset_index(drop=True)


def paired_gain(
    loss_before: object, loss_after: object, *, groups: object = None, n_resamples: int = 999,
    confidence: float = 0.9, seed: int = 0,
) -> tuple[float, float, float]:
    """Mean loss reduction from one model to another on the same rows, with a paired bootstrap CI.

    Both models are scored on the same rows, so the bootstrap resamples rows
    (or whole groups of rows, such as days, when ``groups`` is given) and
    recomputes ``mean(loss_before) - mean(loss_after)`` on each resample. A
    positive gain means the second model is better. Resampling groups keeps the
    rows of one day together: flights on a stormy day are not independent.

    Parameters
    ----------
    loss_before, loss_after : array-like of float, shape (n,)
        Per-row losses of the two models, e.g. :func:`row_log_loss`.
    groups : array-like, shape (n,), optional
        Cluster labels; the bootstrap then draws whole clusters (at least two).
    n_resamples : int, default 999
    confidence : float, default 0.9
    seed : int, default 0

    Returns
    -------
    (gain, low, high) : tuple of float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> before = rng.exponential(1.0, 2000)
    >>> gain, low, high = paired_gain(before, before - 0.1)
    >>> round(gain, 3), round(low, 3), round(high, 3)
    (0.1, 0.1, 0.1)
    """
    a, b = _finite("loss_before", loss_before), _finite("loss_after", loss_after)
    if len(a) != len(b):
        raise ValueError(f"loss_before and loss_after must have the same length, got {len(a)} and {len(b)}.")
    n_resamples = check_int("n_resamples", n_resamples, low=10)
    alpha = (1 - _confidence(confidence)) / 2
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    diff = a - b
    if groups is None:
        sums, counts = diff, np.ones_like(diff)
    else:
        g = check_1d("groups", groups)
        if len(g) != len(diff):
            raise ValueError(f"groups needs one label per row ({len(diff)}), got {len(g)}.")
        if pd.isna(g).any():
            raise ValueError("groups has missing values; give every row a group.")
        codes = pd.factorize(g)[0]
        sums, counts = np.bincount(codes, weights=diff), np.bincount(codes).astype(float)
    if len(sums) < 2:
        raise ValueError("the bootstrap needs at least two rows (or two groups) to resample.")
    boot = _resampled_means(sums, counts, n_resamples, rng)
    low, high = np.quantile(boot, [alpha, 1 - alpha])
    return float(diff.mean()), float(low), float(high)


def perturbation_shift(
    predict: Callable[[pd.DataFrame], np.ndarray], X: pd.DataFrame, column: str,
    change: Callable[[pd.Series], pd.Series],
) -> float:
    """Mean change of a model's predictions when one input column is changed on every row.

    The building block of behavioural tests (Ribeiro et al., 2020): an
    *invariance* test expects a shift near zero, a *directional* test expects
    a shift of a known sign.

    Parameters
    ----------
    predict : callable
        Maps a DataFrame like ``X`` to one score per row (e.g. a positive-class probability).
    X : DataFrame
    column : str
        The column to change.
    change : callable
        Maps the column (a Series) to its changed values.

    Returns
    -------
    float
        ``mean(predict(X_changed) - predict(X))``.

    Examples
    --------
    >>> X = pd.DataFrame({"hour": [6, 12, 18]})
    >>> perturbation_shift(lambda d: d["hour"] / 24, X, "hour", lambda h: h + 6)
    0.25
    """
    if not callable(predict) or not callable(change):
        raise TypeError("predict and change must be callables (functions).")
    if not isinstance(X, pd.DataFrame) or X.empty:
        raise TypeError("X must be a non-empty pandas DataFrame.")
    if column not in X.columns:
        raise ValueError(f"unknown column {column!r}; X has {list(X.columns)}.")
    changed = X.copy()
    changed[column] = change(X[column])
    before, after = _finite("predict(X)", predict(X)), _finite("predict(X_changed)", predict(changed))
    if len(before) != len(X) or len(after) != len(X):
        raise ValueError("predict must return one score per row of X.")
    return float(np.mean(after - before))


def departed_delay(
    flights: pd.DataFrame, *, departures: pd.DataFrame | None = None, lead_hours: float = 2.0,
) -> pd.Series:
    """Mean departure delay at a flight's airport, among the flights that had left ``lead_hours`` before it.

    For a flight scheduled at time ``t`` from airport ``a``, average
    ``dep_delay`` over the ``departures`` from ``a`` scheduled on the same day
    whose actual departure (scheduled time plus delay) was at or before
    ``t - lead_hours``. With the default lead of two hours, the prediction point
    of the shared model (:data:`labutils.models.PREDICTION_LEAD`), those
    departures are known at the prediction point, and the flight's own delay
    never enters (no flight leaves that early). With ``lead_hours=0`` it can,
    which is a leak. Flights with no such departure that day get NaN. Only
    departures of the same day are used, so a split at midnight needs no
    information across it.

    Parameters
    ----------
    flights : DataFrame
        The flights to compute the feature for, with columns ``sched_dep``
        (datetime) and ``origin``.
    departures : DataFrame, optional
        The feed of departures, with ``sched_dep``, ``origin`` and ``dep_delay``
        (minutes; NaN for a flight that never left). By default ``flights``
        itself; pass every departure (``load_flights(keep_cancelled=True)``)
        when ``flights`` is a subsample, as a live feed would hold them all.
    lead_hours : float, default 2.0
        The prediction point, in hours before the scheduled departure (0 or more).

    Returns
    -------
    Series of float, aligned with ``flights``

    Raises
    ------
    TypeError, ValueError
        If a frame is not a DataFrame, lacks a column or has a non-datetime
        ``sched_dep``, or if ``lead_hours`` is negative.

    Examples
    --------
    >>> f = pd.DataFrame({"sched_dep": pd.to_datetime(["2013-01-01 06:00", "2013-01-01 07:00",
    ...                                                "2013-01-01 11:00"]),
    ...                   "origin": "JFK", "dep_delay": [10.0, 30.0, 0.0]})
    >>> departed_delay(f).tolist()
    [nan, nan, 20.0]
    >>> departed_delay(f.iloc[[2]], departures=f.iloc[[0]]).tolist()
    [10.0]
    """
    departures = flights if departures is None else departures
    for label, frame, needed in (("flights", flights, ("sched_dep", "origin")),
                                 ("departures", departures, ("sched_dep", "origin", "dep_delay"))):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{label} must be a pandas DataFrame, got {type(frame).__name__}.")
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise ValueError(f"{label} lacks the columns {missing}; load it with labutils.datasets.load_flights.")
        if not pd.api.types.is_datetime64_any_dtype(frame["sched_dep"]):
            raise TypeError(f"sched_dep of {label} must be a datetime column.")
    if isinstance(lead_hours, bool) or not isinstance(lead_hours, numbers.Real) or not lead_hours >= 0:
        raise ValueError(f"lead_hours must be a non-negative number of hours, got {lead_hours!r}.")
    left = pd.DataFrame({
        "origin": departures["origin"].astype(str).to_numpy(),
        "day": departures["sched_dep"].dt.normalize().to_numpy(),
        "dep": (departures["sched_dep"] + pd.to_timedelta(departures["dep_delay"], unit="min")).to_numpy(),
        "delay": departures["dep_delay"].to_numpy(float),
    }).dropna(subset=["dep"]).astype({"day": "datetime64[ns]", "dep": "datetime64[ns]"})  # fmt: skip
    left = left.sort_values("dep", kind="stable")
    left["total"] = left.groupby(["origin", "day"])["delay"].cumsum()
    left["count"] = left.groupby(["origin", "day"]).cumcount() + 1
    asked = pd.DataFrame({
        "origin": flights["origin"].astype(str).to_numpy(),
        "day": flights["sched_dep"].dt.normalize().to_numpy(),
        "dep": (flights["sched_dep"] - pd.Timedelta(hours=lead_hours)).to_numpy(),
        "row": np.arange(len(flights)),
    }).astype({"day": "datetime64[ns]", "dep": "datetime64[ns]"}).sort_values("dep", kind="stable")  # fmt: skip
    known = pd.merge_asof(asked, left[["origin", "day", "dep", "total", "count"]], on="dep",
                          by=["origin", "day"]).sort_values("row")
    return pd.Series((known["total"] / known["count"]).to_numpy(), index=flights.index, name="departed_delay")
