"""Evaluation helpers shared by the chapters.

``holdout_auc`` is introduced in the chapter "Data leakage" (``chapters/leakage.md``);
``cost_curve`` and ``best_threshold`` in "Problem framing and core definitions"
(``chapters/framing.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from ._checks import check_1d, check_binary

__all__ = ["best_threshold", "cost_curve", "holdout_auc"]


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
