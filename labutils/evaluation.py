"""Evaluation helpers shared by the chapters.

``holdout_auc`` is introduced in the chapter "Data leakage" (``chapters/leakage.md``);
``cost_curve`` and ``best_threshold`` in "Problem framing and core definitions"
(``chapters/framing.md``); the calibration, bootstrap, slice and model-comparison
helpers from ``reliability_table`` on in "Model evaluation deep dive"
(``chapters/evaluation.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import clone
from scipy import stats as scipy_stats
from sklearn.metrics import roc_auc_score

from . import stats
from ._checks import check_1d, check_binary, check_groups, check_int

__all__ = [
    "MetricCI",
    "TTestResult",
    "best_threshold",
    "bootstrap_ci",
    "corrected_resampled_ttest",
    "cost_curve",
    "expected_calibration_error",
    "five_by_two_cv_ttest",
    "holdout_auc",
    "rank_auc",
    "reliability_table",
    "slice_report",
]


def holdout_auc(
    estimator: object,
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    features: Sequence[str],
    target: str,
) -> float:
    """Fit a fresh clone of ``estimator`` on ``train`` and return its test ROC-AUC.

    Parameters
    ----------
    estimator : scikit-learn classifier with ``predict_proba``
        Not modified; a clone is fitted.
    train, test : DataFrame
        Both hold the ``features`` and the binary ``target`` column.
    features : sequence of str
    target : str

    Returns
    -------
    float

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> df = pd.DataFrame({"x": [0, 1, 2, 3, 4, 5, 6, 7], "y": [0, 0, 1, 0, 1, 0, 1, 1]})
    >>> round(holdout_auc(LogisticRegression(), df[:4], df[4:], features=["x"], target="y"), 4)
    0.6667

    Two of the three (late, on-time) pairs in the test rows are ranked correctly.
    """
    if not hasattr(estimator, "fit") or not hasattr(estimator, "predict_proba"):
        raise TypeError(f"estimator must have fit and predict_proba, got {type(estimator).__name__}.")
    features = list(features)
    if not features:
        raise ValueError("features is empty; name at least one column.")
    for label, frame in (("train", train), ("test", test)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{label} must be a pandas DataFrame, got {type(frame).__name__}.")
        if frame.empty:
            raise ValueError(f"{label} is empty.")
        missing = [c for c in [*features, target] if c not in frame.columns]
        if missing:
            raise ValueError(f"{label} lacks column(s) {missing}; available: {list(frame.columns)}.")
        if frame[target].isna().any():
            raise ValueError(f"{label}[{target!r}] has missing labels; drop those rows first.")
    y_test = np.asarray(test[target], dtype=int)
    if len(np.unique(y_test)) < 2:
        raise ValueError("the test set holds a single class; ROC-AUC is undefined.")
    model = clone(estimator).fit(train[features], np.asarray(train[target], dtype=int))
    return float(roc_auc_score(y_test, model.predict_proba(test[features])[:, 1]))


def _cost(label: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{label} must be a number, got {value!r}.")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{label} must be a finite number >= 0, got {value!r}.")
    return float(value)


def cost_curve(
    y_true: Sequence[int] | np.ndarray | pd.Series,
    y_score: Sequence[float] | np.ndarray | pd.Series,
    *,
    cost_fp: float,
    cost_fn: float,
    thresholds: Sequence[float] | np.ndarray | None = None,
) -> pd.DataFrame:
    """Expected cost of alerting on every score at or above each threshold.

    The decision rule is "raise an alert when ``y_score >= threshold``". A false
    alarm (alert, negative label) costs ``cost_fp``, a miss (no alert, positive
    label) costs ``cost_fn``, and correct decisions cost nothing. Introduced in
    the chapter "Problem framing and core definitions" (``chapters/framing.md``).

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels, 0/1 or booleans (1 = positive, e.g. the flight is late).
    y_score : array-like of shape (n,)
        Scores, higher meaning more likely positive (e.g. ``predict_proba[:, 1]``).
    cost_fp, cost_fn : float
        Cost of one false alarm and of one missed positive, both >= 0 and not
        both 0, in any unit (euros, minutes).
    thresholds : array-like, optional
        Thresholds to evaluate. By default every distinct score plus ``inf``
        (never alert), which contains the exact minimum.

    Returns
    -------
    DataFrame
        One row per threshold, in increasing order, with columns
        ``threshold``, ``alert_rate`` (share of decisions that alert),
        ``false_alarms`` and ``misses`` (counts) and ``expected_cost``
        (average cost per decision).

    Examples
    --------
    A false alarm costs 1 and a miss 5. Alerting from 0.35 on costs one false
    alarm (the 0.4) over four decisions:

    >>> curve = cost_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], cost_fp=1, cost_fn=5)
    >>> curve
       threshold  alert_rate  false_alarms  misses  expected_cost
    0       0.10        1.00             2       0           0.50
    1       0.35        0.75             1       0           0.25
    2       0.40        0.50             1       1           1.50
    3       0.80        0.25             0       1           1.25
    4        inf        0.00             0       2           2.50
    """
    y = check_binary("y_true", y_true)
    score = check_1d("y_score", y_score)
    if len(score) != len(y):
        raise ValueError(f"y_true has {len(y)} values but y_score has {len(score)}; pass one score per label.")
    if not np.issubdtype(score.dtype, np.number) or score.dtype == bool:
        raise TypeError(f"y_score must be numeric, got dtype {score.dtype}.")
    score = score.astype(float)
    if not np.isfinite(score).all():
        raise ValueError("y_score has NaN or infinite values; every decision needs a finite score.")
    c_fp, c_fn = _cost("cost_fp", cost_fp), _cost("cost_fn", cost_fn)
    if c_fp == 0 and c_fn == 0:
        raise ValueError("cost_fp and cost_fn are both 0; every threshold would cost nothing.")
    if thresholds is None:
        cuts = np.append(np.unique(score), np.inf)
    else:
        cuts = check_1d("thresholds", thresholds)
        if not np.issubdtype(cuts.dtype, np.number) or cuts.dtype == bool:
            raise TypeError(f"thresholds must be numeric, got dtype {cuts.dtype}.")
        cuts = np.sort(cuts.astype(float))
        if np.isnan(cuts).any():
            raise ValueError("thresholds has NaN values.")
    negatives, positives = np.sort(score[y == 0]), np.sort(score[y == 1])
    false_alarms = len(negatives) - np.searchsorted(negatives, cuts, side="left")
    misses = np.searchsorted(positives, cuts, side="left")
    alerts = false_alarms + len(positives) - misses
    return pd.DataFrame({
        "threshold": cuts,
        "alert_rate": alerts / len(y),
        "false_alarms": false_alarms,
        "misses": misses,
        "expected_cost": (c_fp * false_alarms + c_fn * misses) / len(y),
    })


def best_threshold(
    y_true: Sequence[int] | np.ndarray | pd.Series,
    y_score: Sequence[float] | np.ndarray | pd.Series,
    *,
    cost_fp: float,
    cost_fn: float,
) -> pd.Series:
    """The threshold of lowest expected cost, with its row of :func:`cost_curve`.

    Every distinct score is tried; among equally cheap thresholds the highest
    (fewest alerts) wins. Choose it on validation data, not on the test set.
    Introduced in the chapter "Problem framing and core definitions".

    Parameters
    ----------
    y_true, y_score, cost_fp, cost_fn
        As in :func:`cost_curve`.

    Returns
    -------
    Series
        ``threshold``, ``alert_rate``, ``false_alarms``, ``misses`` and
        ``expected_cost`` at the best threshold.

    Examples
    --------
    >>> best = best_threshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], cost_fp=1, cost_fn=5)
    >>> float(best["threshold"]), float(best["expected_cost"])
    (0.35, 0.25)
    """
    curve = cost_curve(y_true, y_score, cost_fp=cost_fp, cost_fn=cost_fn)
    costs = curve["expected_cost"].to_numpy()
    best = np.flatnonzero(np.isclose(costs, costs.min(), rtol=0, atol=1e-12))[-1]
    return curve.iloc[best].rename(None)


# Chapter "Model evaluation deep dive" (chapters/evaluation.md)

ArrayLike = Sequence[float] | np.ndarray | pd.Series


def _labels_and_scores(y_true: object, y_score: object, *, score_name: str = "y_score",
                       probabilities: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Binary labels and finite numeric scores of the same length, or a clear error."""
    y = check_binary("y_true", y_true)
    score = check_1d(score_name, y_score)
    if len(score) != len(y):
        raise ValueError(
            f"y_true has {len(y)} values but {score_name} has {len(score)}; pass one per label."
        )
    if not np.issubdtype(score.dtype, np.number) or score.dtype == bool:
        raise TypeError(f"{score_name} must be numeric, got dtype {score.dtype}.")
    score = score.astype(float)
    if not np.isfinite(score).all():
        raise ValueError(f"{score_name} has NaN or infinite values; drop or fill them first.")
    if probabilities and ((score < 0).any() or (score > 1).any()):
        raise ValueError(
            f"{score_name} must hold probabilities in [0, 1], got values from "
            f"{score.min():.3g} to {score.max():.3g}; pass predict_proba(X)[:, 1]."
        )
    return y, score


def reliability_table(
    y_true: Sequence[int] | np.ndarray | pd.Series, y_prob: ArrayLike, *, n_bins: int = 15
) -> pd.DataFrame:
    """Reliability diagram as a table: predicted against observed frequency per bin.

    The probabilities are cut into ``n_bins`` equal-width bins
    ``[0, 1/M], (1/M, 2/M], ..., ((M-1)/M, 1]``; empty bins are left out.
    Introduced in the chapter "Model evaluation deep dive".

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels, 0/1 or booleans.
    y_prob : array-like of shape (n,)
        Predicted probabilities of the positive class, in [0, 1].
    n_bins : int, default 15

    Returns
    -------
    DataFrame
        One row per non-empty bin: ``bin_low``, ``bin_high``, ``count``,
        ``mean_prob`` (mean predicted probability) and ``frac_pos`` (observed
        share of positives).

    Examples
    --------
    >>> reliability_table([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
       bin_low  bin_high  count  mean_prob  frac_pos
    0      0.0       0.5      2       0.15       0.0
    1      0.5       1.0      2       0.80       1.0
    """
    y, prob = _labels_and_scores(y_true, y_prob, score_name="y_prob", probabilities=True)
    n_bins = check_int("n_bins", n_bins, low=1)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.searchsorted(edges, prob, side="left") - 1, 0, n_bins - 1)
    count = np.bincount(bins, minlength=n_bins)
    keep = count > 0
    with np.errstate(invalid="ignore"):
        mean_prob = np.bincount(bins, weights=prob, minlength=n_bins) / count
        frac_pos = np.bincount(bins, weights=y, minlength=n_bins) / count
    return pd.DataFrame({
        "bin_low": edges[:-1][keep], "bin_high": edges[1:][keep], "count": count[keep],
        "mean_prob": mean_prob[keep], "frac_pos": frac_pos[keep],
    })  # fmt: skip


def expected_calibration_error(
    y_true: Sequence[int] | np.ndarray | pd.Series, y_prob: ArrayLike, *, n_bins: int = 15
) -> float:
    """Expected calibration error (ECE) with equal-width bins.

    ``ECE = sum_m (n_m / n) * |frac_pos_m - mean_prob_m|`` over the bins of
    :func:`reliability_table`, the measure of Guo et al. (2017, "On calibration
    of modern neural networks"), whose default is 15 bins. Guo et al. bin the
    confidence of the predicted class; for a binary problem we bin the
    probability of the positive class, which is what a reliability diagram
    shows. 0 means perfectly calibrated; the value depends on ``n_bins``.
    Introduced in the chapter "Model evaluation deep dive".

    Parameters
    ----------
    y_true, y_prob, n_bins
        As in :func:`reliability_table`.

    Returns
    -------
    float

    Examples
    --------
    Two bins: 0.15 predicted where 0 happened and 0.8 where 1 happened.

    >>> expected_calibration_error([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    0.175
    """
    table = reliability_table(y_true, y_prob, n_bins=n_bins)
    weights = table["count"] / table["count"].sum()
    return round(float((weights * (table["frac_pos"] - table["mean_prob"]).abs()).sum()), 12)


def rank_auc(y_true: Sequence[int] | np.ndarray | pd.Series, y_score: ArrayLike) -> float:
    """ROC-AUC from the ranks of the scores (the Mann-Whitney U statistic).

    Equal to :func:`sklearn.metrics.roc_auc_score` for binary labels, ties
    included (they get average ranks, i.e. count one half), and several times
    faster, which matters inside a bootstrap. Introduced in the chapter "Model
    evaluation deep dive".

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels with both classes present.
    y_score : array-like of shape (n,)

    Returns
    -------
    float

    Examples
    --------
    Three of the four (positive, negative) pairs are ordered correctly:

    >>> rank_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y, score = _labels_and_scores(y_true, y_score)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("y_true holds a single class; ROC-AUC is undefined.")
    ranks = scipy_stats.rankdata(score)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


class MetricCI(NamedTuple):
    """A metric's point estimate and its bootstrap confidence interval."""

    estimate: float
    low: float
    high: float


def bootstrap_ci(
    y_true: Sequence[int] | np.ndarray | pd.Series,
    y_score: ArrayLike,
    metric: Callable[[np.ndarray, np.ndarray], float],
    *,
    groups: Sequence | np.ndarray | pd.Series | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> MetricCI:
    """Percentile bootstrap interval of a classification metric such as ROC-AUC.

    Resamples (label, score) pairs with replacement and evaluates
    ``metric(y_true, y_score)`` on each resample; the resampling and the
    percentiles are those of :func:`labutils.stats.bootstrap_ci`, applied to
    row indices. If the rows were sampled in clusters (flights of the same day
    share their weather and congestion), pass ``groups``: each resample then
    draws as many whole clusters as there are, with replacement (the cluster
    bootstrap), and the interval widens to what the data can support.
    Both classes must occur in the sample and in every resample,
    as ranking metrics are undefined otherwise: if a resample holds a single
    class, a ``ValueError`` says so (the sample is too small for an interval).
    Introduced in the chapter "Model evaluation deep dive".

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels, 0/1 or booleans.
    y_score : array-like of shape (n,)
        Scores or probabilities of the positive class.
    metric : callable
        ``metric(y_true, y_score) -> float``, e.g. ``sklearn.metrics.roc_auc_score``.
    groups : array-like of shape (n,), optional
        The cluster of each row (e.g. the day of each flight); at least two.
    n_resamples : int, default 1000
    confidence : float, default 0.95
        Nominal coverage, strictly between 0 and 1.
    seed : int, default 0

    Returns
    -------
    MetricCI
        ``(estimate, low, high)``: the metric on the full sample and the interval.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 300)
    >>> ci = bootstrap_ci(y, y + rng.normal(size=300), roc_auc_score, n_resamples=200)
    >>> bool(ci.low < ci.estimate < ci.high), bool(ci.high - ci.low < 0.15)
    (True, True)
    >>> days = np.arange(300) // 10
    >>> bool(bootstrap_ci(y, y + rng.normal(size=300), roc_auc_score, groups=days).low > 0.5)
    True
    """
    y, score = _labels_and_scores(y_true, y_score)
    if not callable(metric):
        raise TypeError(f"metric must be callable as metric(y_true, y_score), got {metric!r}.")
    if len(np.unique(y)) < 2:
        raise ValueError("y_true holds a single class; the metric is undefined, so is its interval.")
    estimate = float(metric(y, score))

    def on_rows(rows: np.ndarray, axis: int) -> np.ndarray:
        values = np.full(len(rows), np.nan)
        for i, idx in enumerate(rows.astype(int)):
            if 0 < y[idx].sum() < len(idx):
                values[i] = metric(y[idx], score[idx])
        return values

    if groups is None:
        low, high = stats.bootstrap_ci(np.arange(len(y), dtype=float), on_rows, confidence=confidence,
                                       n_resamples=n_resamples, seed=seed)
    else:
        low, high = _cluster_interval(check_groups(groups, len(y)), on_rows, n_resamples=n_resamples,
                                      confidence=confidence, seed=seed)
    if np.isnan(low) or np.isnan(high):
        raise ValueError(
            f"some of the {n_resamples} resamples of {len(y)} rows ({int(y.sum())} positive) "
            "held a single class; the sample is too small for a bootstrap interval."
        )
    return MetricCI(estimate, low, high)


def _cluster_interval(codes: np.ndarray, on_rows: Callable[[np.ndarray, int], np.ndarray], *,
                      n_resamples: object, confidence: object, seed: object) -> tuple[float, float]:
    """Percentile interval of ``on_rows`` over cluster-bootstrap resamples of row indices."""
    n_resamples = check_int("n_resamples", n_resamples, low=2)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    order = np.argsort(codes, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(codes))]
    members = [order[bounds[g]:bounds[g + 1]] for g in range(len(bounds) - 1)]
    draws = rng.integers(0, len(members), size=(n_resamples, len(members)))
    values = np.array([on_rows(np.concatenate([members[g] for g in row])[None], 1)[0] for row in draws])
    alpha = (1 - confidence) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return float(low), float(high)


def slice_report(
    y_true: Sequence[int] | np.ndarray | pd.Series,
    y_score: ArrayLike,
    slices: pd.DataFrame,
    metric: Callable[[np.ndarray, np.ndarray], float] = roc_auc_score,
    *,
    groups: Sequence | np.ndarray | pd.Series | None = None,
    n_resamples: int = 200,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """A metric with its bootstrap interval and support for every slice of the data.

    Each column of ``slices`` is one way of slicing (e.g. carrier, month) and
    each of its values one slice. A slice with a single class gets a NaN
    metric and the note ``"single class"``; a slice whose resamples sometimes
    hold a single class gets its metric, NaN bounds and the note ``"too few
    for interval"``. With ``groups`` each slice's interval resamples whole
    clusters (the cluster bootstrap of :func:`bootstrap_ci`); a slice that
    falls in a single cluster gets the note ``"one cluster"`` and no bounds.
    Introduced in the chapter "Model evaluation deep dive".

    Parameters
    ----------
    y_true, y_score
        As in :func:`bootstrap_ci`.
    slices : DataFrame
        One row per label (matched by position), one column per slicing; no
        missing values (fill them with a label such as ``"unknown"``).
    metric : callable, default sklearn.metrics.roc_auc_score
    groups : array-like of shape (n,), optional
        The cluster of each row, e.g. the day of each flight.
    n_resamples, confidence, seed
        As in :func:`bootstrap_ci`.

    Returns
    -------
    DataFrame
        One row per slice: ``column``, ``value``, ``support`` (rows),
        ``positives``, ``metric``, ``low``, ``high`` and ``note``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> group = pd.DataFrame({"group": np.repeat(["a", "b"], 200)})
    >>> report = slice_report(y, y + rng.normal(size=400), group, n_resamples=50)
    >>> report[["column", "value", "support"]]
      column value  support
    0  group     a      200
    1  group     b      200
    """
    y, score = _labels_and_scores(y_true, y_score)
    if not isinstance(slices, pd.DataFrame):
        raise TypeError(f"slices must be a pandas DataFrame, got {type(slices).__name__}.")
    if slices.shape[1] == 0:
        raise ValueError("slices has no columns; pass one column per way of slicing.")
    if len(slices) != len(y):
        raise ValueError(f"slices has {len(slices)} rows but y_true has {len(y)}; pass one per label.")
    if slices.isna().any().any():
        bad = slices.columns[slices.isna().any()].tolist()
        raise ValueError(f"slices column(s) {bad} have missing values; fill them with a label first.")
    codes = None if groups is None else check_groups(groups, len(y))
    rows = []
    for column in slices.columns:
        values = slices[column].to_numpy()
        for value in pd.Series(pd.unique(values)).sort_values():
            mask = values == value
            ys, ss = y[mask], score[mask]
            row = {"column": column, "value": value, "support": int(mask.sum()),
                   "positives": int(ys.sum()), "metric": np.nan, "low": np.nan,
                   "high": np.nan, "note": ""}
            if 0 < ys.sum() < len(ys) and codes is not None and len(np.unique(codes[mask])) < 2:
                row.update(metric=float(metric(ys, ss)), note="one cluster")
            elif 0 < ys.sum() < len(ys):
                try:
                    row.update(zip(("metric", "low", "high"), bootstrap_ci(
                        ys, ss, metric, groups=None if codes is None else codes[mask],
                        n_resamples=n_resamples, confidence=confidence, seed=seed)))
                except ValueError as err:
                    if "too small" not in str(err):
                        raise
                    row.update(metric=float(metric(ys, ss)), note="too few for interval")
            else:
                row["note"] = "single class"
            rows.append(row)
    return pd.DataFrame(rows)


class TTestResult(NamedTuple):
    """A t statistic and its p-value."""

    statistic: float
    pvalue: float


_ALTERNATIVES = ("two-sided", "greater", "less")


def _paired_differences(scores_a: ArrayLike, scores_b: ArrayLike) -> np.ndarray:
    a, b = check_1d("scores_a", scores_a), check_1d("scores_b", scores_b)
    if len(a) != len(b):
        raise ValueError(
            f"scores_a has {len(a)} values but scores_b has {len(b)}; pass one pair per split."
        )
    for label, values in (("scores_a", a), ("scores_b", b)):
        if not np.issubdtype(values.dtype, np.number) or values.dtype == bool:
            raise TypeError(f"{label} must be numeric, got dtype {values.dtype}.")
        if not np.isfinite(values.astype(float)).all():
            raise ValueError(f"{label} has NaN or infinite values; every split needs a score.")
    return a.astype(float) - b.astype(float)


def _t_pvalue(t: float, df: int, alternative: str) -> float:
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"alternative must be one of {_ALTERNATIVES}, got {alternative!r}.")
    if alternative == "greater":
        return float(scipy_stats.t.sf(t, df))
    if alternative == "less":
        return float(scipy_stats.t.cdf(t, df))
    return float(2 * scipy_stats.t.sf(abs(t), df))


def corrected_resampled_ttest(
    scores_a: ArrayLike,
    scores_b: ArrayLike,
    *,
    n_train: int,
    n_test: int,
    alternative: str = "two-sided",
) -> TTestResult:
    """Nadeau and Bengio's corrected resampled t-test of two models' CV scores.

    The scores come from the same ``J`` train/test splits (e.g. 10 times
    repeated 10-fold cross-validation). Because training sets overlap, the
    differences ``d_j = a_j - b_j`` are correlated and the naive paired t-test
    is far too confident. Nadeau and Bengio (2003) inflate the variance:
    ``t = mean(d) / sqrt((1/J + n_test/n_train) * var(d))`` with ``J - 1``
    degrees of freedom. Introduced in the chapter "Model evaluation deep dive".

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (J,)
        Scores of the two models on the same splits, in the same order.
    n_train, n_test : int
        Rows in each training and test set of a split.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        ``"greater"`` tests whether model A scores higher than model B.

    Returns
    -------
    TTestResult
        ``(statistic, pvalue)``.

    Examples
    --------
    >>> a = [0.82, 0.85, 0.80, 0.86, 0.84, 0.83]
    >>> b = [0.80, 0.84, 0.80, 0.83, 0.82, 0.81]
    >>> t, p = corrected_resampled_ttest(a, b, n_train=90, n_test=10)
    >>> round(t, 3), round(p, 3)
    (3.062, 0.028)
    """
    d = _paired_differences(scores_a, scores_b)
    if len(d) < 2:
        raise ValueError(f"need scores from at least two splits, got {len(d)}.")
    n_train = check_int("n_train", n_train, low=1)
    n_test = check_int("n_test", n_test, low=1)
    var = d.var(ddof=1)
    if var == 0:
        raise ValueError("the score differences do not vary across splits; the t-test is undefined.")
    t = float(d.mean() / np.sqrt((1 / len(d) + n_test / n_train) * var))
    return TTestResult(t, _t_pvalue(t, len(d) - 1, alternative))


def five_by_two_cv_ttest(
    scores_a: ArrayLike, scores_b: ArrayLike, *, alternative: str = "two-sided"
) -> TTestResult:
    """Dietterich's 5x2cv paired t-test of two models.

    Run 2-fold cross-validation five times with different shuffles (e.g.
    ``RepeatedStratifiedKFold(n_splits=2, n_repeats=5)``) and score both
    models on each of the 10 test halves. With ``d_ij`` the difference in
    repetition ``i``, fold ``j``, and ``s_i^2`` the variance estimate
    ``sum_j (d_ij - mean_i)^2`` of repetition ``i``, the statistic is
    ``t = d_11 / sqrt(mean_i s_i^2)`` with 5 degrees of freedom (Dietterich,
    1998). Introduced in the chapter "Model evaluation deep dive".

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (10,)
        Scores in the order the splitter yields them: repetition 1 fold 1,
        repetition 1 fold 2, repetition 2 fold 1, and so on.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"

    Returns
    -------
    TTestResult
        ``(statistic, pvalue)``.

    Examples
    --------
    >>> a = [0.90, 0.88, 0.91, 0.87, 0.89, 0.90, 0.88, 0.90, 0.91, 0.89]
    >>> b = [0.86, 0.87, 0.88, 0.86, 0.87, 0.86, 0.87, 0.85, 0.88, 0.86]
    >>> t, p = five_by_two_cv_ttest(a, b)
    >>> round(t, 3), round(p, 3)
    (2.202, 0.079)
    """
    d = _paired_differences(scores_a, scores_b)
    if len(d) != 10:
        raise ValueError(f"need 10 scores per model (5 repetitions x 2 folds), got {len(d)}.")
    d = d.reshape(5, 2)
    s2 = ((d - d.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    if s2.sum() == 0:
        raise ValueError("the score differences do not vary within repetitions; the test is undefined.")
    t = float(d[0, 0] / np.sqrt(s2.mean()))
    return TTestResult(t, _t_pvalue(t, 5, alternative))
