"""Deployment patterns: batch scoring, micro-batched streams, canary routing and judging, shadow comparison.

:func:`canary_judge` follows the semantics of Kayenta's NetflixACAJudge (Spinnaker's
automated canary analysis): for each metric, a Mann-Whitney (Wilcoxon rank-sum)
confidence interval of the canary-minus-control shift, classified High or Low only
when the whole interval lies outside a tolerance band of ``tolerance`` times the
Hodges-Lehmann estimate of the shift, and the means move the same way; the score
is the percentage of metrics that pass.

Introduced in the chapter "Deployment strategies" (``chapters/deployment.md``).
"""

from __future__ import annotations

import math
import numbers
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import check_1d, check_int

__all__ = ["CanaryJudgement", "canary_judge", "make_canary_metrics", "micro_batches", "route_canary",
           "score_file", "shadow_compare"]  # fmt: skip

#: Largest number of pairwise differences canary_judge computes for one metric.
MAX_PAIRS = 4_000_000


def _check_fraction(label: str, value: object, *, low_open: bool, high_open: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise TypeError(f"{label} must be a number, got {value!r}.")
    low_ok = value > 0 if low_open else value >= 0
    high_ok = value < 1 if high_open else value <= 1
    if not (low_ok and high_ok):
        interval = ("(" if low_open else "[") + "0, 1" + (")" if high_open else "]")
        raise ValueError(f"{label} must be in {interval}, got {value}.")
    return float(value)


def route_canary(keys: Sequence[Any], *, fraction: float, salt: str = "canary") -> np.ndarray:
    """Send a stable ``fraction`` of traffic to the canary by hashing each request's key.

    The same key always goes to the same side (a user does not flip between
    versions), and a new ``salt`` draws a new canary population.

    Examples
    --------
    >>> to_canary = route_canary([f"user{i}" for i in range(10_000)], fraction=0.1)
    >>> round(float(to_canary.mean()), 2)
    0.1
    >>> bool((route_canary(["a", "b"], fraction=0.5) == route_canary(["a", "b"], fraction=0.5)).all())
    True
    """
    fraction = _check_fraction("fraction", fraction, low_open=False, high_open=False)
    if not isinstance(salt, str):
        raise TypeError(f"salt must be a string, got {type(salt).__name__}.")
    keys = check_1d("keys", np.asarray(keys, dtype=object))
    hashes = np.array([zlib.crc32(f"{salt}:{k}".encode()) for k in keys], dtype=np.float64)
    return hashes / 2**32 < fraction


def make_canary_metrics(
    *, n: int = 60, latency_ms: float = 50.0, latency_increase: float = 0.0,
    error_rate: float = 0.002, requests: int = 1000, seed: int = 0,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Per-interval metrics of one server group with a known effect: latency and error rate.

    Each of ``n`` intervals (say minutes) reports its mean latency (log-normal
    around ``latency_ms * (1 + latency_increase)``, 10% spread) and the fraction
    of its ``requests`` that failed (binomial with ``error_rate``).

    Examples
    --------
    >>> m = make_canary_metrics(n=5, latency_increase=0.3, seed=1)
    >>> sorted(m), m["latency_ms"].shape
    (['error_rate', 'latency_ms'], (5,))
    """
    n = check_int("n", n, low=1)
    requests = check_int("requests", requests, low=1)
    seed = check_int("seed", seed, low=0)
    if not latency_ms > 0 or not latency_increase > -1:
        raise ValueError("latency_ms must be > 0 and latency_increase > -1 (a fraction, 0.3 = +30%).")
    error_rate = _check_fraction("error_rate", error_rate, low_open=False)
    rng = np.random.default_rng(seed)
    latency = latency_ms * (1 + latency_increase) * rng.lognormal(0.0, 0.1, n)
    return {"latency_ms": latency, "error_rate": rng.binomial(requests, error_rate, n) / requests}


def _shift_interval(canary: np.ndarray, control: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Hodges-Lehmann shift (canary - control) and its Mann-Whitney confidence interval."""
    diffs = np.sort(np.subtract.outer(canary, control).ravel())
    n, m, pairs = len(canary), len(control), diffs.size
    z = stats.norm.ppf(0.5 + confidence / 2)
    k = max(int(math.floor(pairs / 2 - z * math.sqrt(pairs * (n + m + 1) / 12))), 0)
    return float(np.median(diffs)), float(diffs[k]), float(diffs[pairs - 1 - k])


@dataclass(frozen=True)
class CanaryJudgement:
    """The result of :func:`canary_judge`: one row per metric, the score and the verdict."""

    metrics: pd.DataFrame
    score: float
    verdict: str


def _classify(name: str, ctl: np.ndarray, can: np.ndarray, tolerance: float, confidence: float) -> dict:
    row = {"metric": name, "control_mean": ctl.mean(), "canary_mean": can.mean()}
    if np.array_equal(np.sort(ctl), np.sort(can)) or np.ptp(np.concatenate([ctl, can])) == 0:
        return {**row, "shift": 0.0, "ci_low": 0.0, "ci_high": 0.0, "classification": "Pass"}
    shift, low, high = _shift_interval(can, ctl, confidence)
    band = tolerance * abs(shift)
    label = "Pass"
    if low > band and can.mean() > ctl.mean():
        label = "High"
    elif high < -band and can.mean() < ctl.mean():
        label = "Low"
    return {**row, "shift": shift, "ci_low": low, "ci_high": high, "classification": label}


def canary_judge(
    control: Mapping[str, Any], canary: Mapping[str, Any], *, tolerance: float = 0.25,
    confidence: float = 0.98, pass_score: float = 95.0, marginal_score: float = 75.0,
) -> CanaryJudgement:  # fmt: skip
    """Judge a canary against its control, metric by metric (Kayenta's NetflixACAJudge).

    For each metric the judge computes the Hodges-Lehmann estimate of the shift
    canary - control and its ``confidence`` Mann-Whitney interval. The metric is
    **High** when the whole interval lies above ``tolerance * |shift|`` and the
    canary's mean is higher, **Low** when it lies below ``-tolerance * |shift|``
    and the mean is lower, and **Pass** otherwise (identical or constant data
    pass). Either direction counts against the canary. The score is the
    percentage of metrics that pass; the verdict is ``"Pass"`` at or above
    ``pass_score``, ``"Marginal"`` at or above ``marginal_score``, else ``"Fail"``.

    Parameters
    ----------
    control, canary : mapping
        Metric name to a one-dimensional array of per-interval values (for
        example each minute's mean latency); both must name the same metrics.
    tolerance : float, default 0.25
        Half-width of the tolerance band as a fraction of the estimated shift, in [0, 1).
    confidence : float, default 0.98
        Confidence level of the interval, in (0, 1).
    pass_score, marginal_score : float
        Score thresholds, ``0 <= marginal_score <= pass_score <= 100``.

    Returns
    -------
    CanaryJudgement
        ``metrics`` (one row per metric: means, shift, interval, classification),
        ``score`` (0-100) and ``verdict``.

    Examples
    --------
    >>> base = {"latency_ms": [50, 52, 49, 51, 50, 53, 48, 51]}
    >>> slow = {"latency_ms": [65, 68, 64, 66, 65, 69, 62, 66]}
    >>> result = canary_judge(base, slow)
    >>> result.metrics["classification"].tolist(), result.score, result.verdict
    (['High'], 0.0, 'Fail')
    >>> canary_judge(base, base).verdict
    'Pass'
    """
    for label, value in (("control", control), ("canary", canary)):
        if not isinstance(value, Mapping) or not value:
            raise TypeError(f"{label} must be a non-empty dict of metric name -> values, got {value!r:.60}.")
    if set(control) != set(canary):
        raise ValueError(
            f"control and canary must name the same metrics; only in control: "
            f"{sorted(set(control) - set(canary))}, only in canary: {sorted(set(canary) - set(control))}."
        )
    tolerance = _check_fraction("tolerance", tolerance, low_open=False)
    confidence = _check_fraction("confidence", confidence, low_open=True)
    for label, value in (("pass_score", pass_score), ("marginal_score", marginal_score)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 100:
            raise ValueError(f"{label} must be a number in [0, 100], got {value!r}.")
    if marginal_score > pass_score:
        raise ValueError(f"marginal_score ({marginal_score}) must not exceed pass_score ({pass_score}).")
    rows = []
    for name in control:
        arrays = []
        for label, source in (("control", control), ("canary", canary)):
            values = check_1d(f"{label}[{name!r}]", source[name])
            if not np.issubdtype(values.dtype, np.number) or np.issubdtype(values.dtype, np.bool_):
                raise TypeError(f"{label}[{name!r}] must hold numbers, got dtype {values.dtype}.")
            values = values.astype(float)
            if not np.isfinite(values).all():
                raise ValueError(f"{label}[{name!r}] has {int((~np.isfinite(values)).sum())} NaN or "
                                 "infinite values; drop or fill them before judging.")  # fmt: skip
            arrays.append(values)
        if arrays[0].size * arrays[1].size > MAX_PAIRS:
            raise ValueError(f"metric {name!r} has too many values to compare pairwise; aggregate "
                             "them into intervals (e.g. one mean per minute) first.")  # fmt: skip
        rows.append(_classify(name, *arrays, tolerance, confidence))
    table = pd.DataFrame(rows)
    score = 100.0 * float((table["classification"] == "Pass").mean())
    verdict = "Pass" if score >= pass_score else "Marginal" if score >= marginal_score else "Fail"
    return CanaryJudgement(table, score, verdict)


def micro_batches(
    events: Iterable[tuple[float, Any]], *, max_size: int, max_wait: float | None = None
) -> Iterator[tuple[float, list[tuple[float, Any]]]]:
    """Group a time-ordered stream of ``(time, item)`` events into micro-batches.

    A batch closes when it holds ``max_size`` events, or when an event arrives
    more than ``max_wait`` after the batch's first event (that event starts the
    next batch; a real consumer would close on a timer at exactly ``max_wait``),
    or when the stream ends (at its last event, or at the timer if ``max_wait`` is set).

    Yields
    ------
    (close_time, batch)
        The time at which the batch was closed and its events.

    Examples
    --------
    >>> events = [(0.0, "a"), (1.0, "b"), (2.0, "c"), (9.0, "d")]
    >>> [(t, [x for _, x in b]) for t, b in micro_batches(events, max_size=2)]
    [(1.0, ['a', 'b']), (9.0, ['c', 'd'])]
    >>> [(t, len(b)) for t, b in micro_batches(events, max_size=10, max_wait=5.0)]
    [(5.0, 3), (14.0, 1)]
    """
    max_size = check_int("max_size", max_size, low=1)
    if max_wait is not None and (isinstance(max_wait, bool) or not isinstance(max_wait, numbers.Real)
                                 or not max_wait > 0):  # fmt: skip
        raise ValueError(f"max_wait must be a positive number or None, got {max_wait!r}.")
    batch: list[tuple[float, Any]] = []
    last = -math.inf
    for event in events:
        if not isinstance(event, tuple) or len(event) != 2:
            raise TypeError(f"each event must be a (time, item) tuple, got {event!r:.60}.")
        time = float(event[0])
        if time < last:
            raise ValueError(f"events must be in time order; {time} came after {last}.")
        last = time
        if batch and max_wait is not None and time - batch[0][0] > max_wait:
            yield batch[0][0] + max_wait, batch
            batch = []
        batch.append(event)
        if len(batch) == max_size:
            yield time, batch
            batch = []
    if batch:
        yield batch[-1][0] if max_wait is None else batch[0][0] + max_wait, batch


def score_file(model: Any, src: str | Path, dst: str | Path, *, schema: Mapping[str, Any],
               keep: Sequence[str] = ()) -> int:  # fmt: skip
    """Batch scoring: read a parquet file, validate it, predict, write a parquet file.

    Parameters
    ----------
    model : object
        A fitted classifier with ``predict_proba``.
    src, dst : path
        Input parquet file (the features plus any ``keep`` columns) and output file.
    schema : dict
        The serving contract from :func:`labutils.serving.feature_schema`; the
        batch job validates its input exactly as the online service does.
    keep : sequence of str
        Input columns copied to the output beside ``probability`` (e.g. an id).

    Returns
    -------
    int
        Number of rows scored.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn.dummy import DummyClassifier
    >>> from labutils.serving import feature_schema
    >>> X = pd.DataFrame({"hour": [5, 23]})
    >>> model = DummyClassifier(strategy="prior").fit(X, [0, 1])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     X.assign(id=[1, 2]).to_parquet(f"{tmp}/in.parquet")
    ...     n = score_file(model, f"{tmp}/in.parquet", f"{tmp}/out.parquet",
    ...                    schema=feature_schema(X), keep=["id"])
    ...     out = pd.read_parquet(f"{tmp}/out.parquet")
    >>> n, out.columns.tolist()
    (2, ['id', 'probability'])
    """
    from .serving import columns_to_frame

    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise FileNotFoundError(f"{src} does not exist; write the day's requests there first.")
    if not callable(getattr(model, "predict_proba", None)):
        raise TypeError(f"model must have a predict_proba method, got {type(model).__name__}.")
    data = pd.read_parquet(src)
    missing = [c for c in list(keep) if c not in data.columns]
    if missing:
        raise ValueError(f"keep names columns that {src.name} does not have: {missing}.")
    features = [c for c in data.columns if c in schema]
    raw = {c: data[c].astype(object).where(data[c].notna(), None).tolist() for c in features}
    X = columns_to_frame(raw, schema)
    out = data[list(keep)].assign(probability=model.predict_proba(X)[:, 1])
    out.to_parquet(dst, index=False)
    return len(out)


def shadow_compare(primary: Sequence[float], shadow: Sequence[float], *, threshold: float = 0.5) -> dict[str, float]:
    """Compare a shadow model's scores with the primary's on the same mirrored requests.

    Returns the mean absolute difference, the agreement of the decisions at
    ``threshold``, the largest absolute difference, the two-sample
    Kolmogorov-Smirnov statistic between the score distributions and the two
    mean scores.

    Examples
    --------
    >>> r = shadow_compare([0.1, 0.6, 0.8], [0.1, 0.4, 0.8])
    >>> round(r["agreement"], 3), round(r["mean_abs_diff"], 3)
    (0.667, 0.067)
    """
    a = check_1d("primary", primary).astype(float)
    b = check_1d("shadow", shadow).astype(float)
    if a.shape != b.shape:
        raise ValueError(f"primary and shadow must score the same requests; got {a.size} and {b.size} scores.")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("primary and shadow scores must be finite; a NaN means a failed request, count it apart.")
    threshold = _check_fraction("threshold", threshold, low_open=True)
    diff = np.abs(a - b)
    return {"mean_abs_diff": float(diff.mean()), "max_abs_diff": float(diff.max()),
            "agreement": float(((a >= threshold) == (b >= threshold)).mean()),
            "ks_statistic": float(stats.ks_2samp(a, b).statistic),
            "primary_mean": float(a.mean()), "shadow_mean": float(b.mean())}  # fmt: skip
