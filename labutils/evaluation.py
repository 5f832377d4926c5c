"""Evaluation helpers shared by the chapters.

Introduced in the chapter "Data leakage" (``chapters/leakage.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

__all__ = ["holdout_auc"]


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
