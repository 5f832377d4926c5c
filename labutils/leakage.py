"""Detecting data leakage between a training and a test set.

Introduced in the chapter "Data leakage" (``chapters/leakage.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

__all__ = ["leakage_report", "time_split"]

REPORT_COLUMNS = ["check", "column", "value", "message"]


def _check_frame(label: str, frame: object) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{label} must be a pandas DataFrame, got {type(frame).__name__}.")
    if frame.empty:
        raise ValueError(f"{label} is empty; pass at least one row.")
    return frame


def _binary_target(y_train: object, n_rows: int) -> np.ndarray:
    y = pd.Series(y_train) if not isinstance(y_train, pd.Series) else y_train
    if len(y) != n_rows:
        raise ValueError(f"y_train has {len(y)} values but X_train has {n_rows} rows.")
    if y.isna().any():
        raise ValueError("y_train has missing values; drop those rows first.")
    levels = pd.unique(y)
    if len(levels) != 2:
        raise ValueError(
            f"y_train must have exactly two classes to screen for target proxies, got {len(levels)}."
        )
    return (y.to_numpy() == np.sort(levels)[1]).astype(int)


def _duplicates(X_train: pd.DataFrame, X_test: pd.DataFrame, exclude: Sequence[str]) -> list[dict]:
    cols = [c for c in X_train.columns if c not in exclude]
    if not cols:
        return []
    train_keys = set(pd.util.hash_pandas_object(X_train[cols], index=False))
    test_keys = pd.util.hash_pandas_object(X_test[cols], index=False)
    n = int(test_keys.isin(train_keys).sum())
    if n == 0:
        return []
    return [dict(check="duplicate_rows", column="all columns", value=n / len(X_test),
                 message=f"{n} of {len(X_test)} test rows also appear in the training set")]


def _proxies(X_train: pd.DataFrame, y: np.ndarray, threshold: float, exclude: Sequence[str]) -> list[dict]:
    found = []
    for col in X_train.columns:
        if col in exclude or not pd.api.types.is_numeric_dtype(X_train[col]):
            continue
        x = X_train[col].astype(float).to_numpy()
        keep = ~np.isnan(x)
        if keep.sum() < 2 or len(np.unique(y[keep])) < 2:
            continue
        auc = roc_auc_score(y[keep], x[keep])
        strength = max(auc, 1 - auc)
        if strength >= threshold:
            found.append(dict(check="target_proxy", column=col, value=strength,
                              message=f"{col!r} alone separates the classes with ROC-AUC {strength:.3f}"))
    return found


def _time_overlap(X_train: pd.DataFrame, X_test: pd.DataFrame, time_col: str) -> list[dict]:
    latest = X_train[time_col].max()
    n = int((X_test[time_col] <= latest).sum())
    if n == 0:
        return []
    return [dict(check="time_overlap", column=time_col, value=n / len(X_test),
                 message=f"{n} of {len(X_test)} test rows are not later than the last training row ({latest})")]


def _shared_groups(X_train: pd.DataFrame, X_test: pd.DataFrame, group_col: str) -> list[dict]:
    test_groups = pd.unique(X_test[group_col].dropna())
    shared = np.isin(test_groups, pd.unique(X_train[group_col].dropna()))
    if not shared.any():
        return []
    return [dict(check="shared_groups", column=group_col, value=float(shared.mean()),
                 message=f"{int(shared.sum())} of {len(test_groups)} {group_col} groups in the test set "
                         "also appear in the training set")]


def leakage_report(
    X_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_train: pd.Series | np.ndarray,
    *,
    time_col: str | None = None,
    group_col: str | None = None,
    proxy_auc: float = 0.95,
) -> pd.DataFrame:
    """Screen a train/test split for four common kinds of leakage.

    The checks are:

    * ``duplicate_rows``: test rows identical to a training row (on every
      column except ``time_col`` and ``group_col``); ``value`` is their share.
    * ``target_proxy``: a numeric training column that alone separates the
      classes with ROC-AUC ≥ ``proxy_auc`` in either direction; ``value`` is
      that AUC. Often a post-outcome column.
    * ``time_overlap``: test rows not later than the last training row;
      ``value`` is their share.
    * ``shared_groups``: test groups (e.g. aircraft, patients) also seen in
      training; ``value`` is their share.

    Parameters
    ----------
    X_train, X_test : DataFrame
        Features of the two sets, with the same columns.
    y_train : Series or array
        Binary labels of ``X_train``.
    time_col, group_col : str, optional
        Columns holding the time stamp and the group id, if any.
    proxy_auc : float, default 0.95
        Threshold of the target-proxy check, in (0.5, 1].

    Returns
    -------
    DataFrame
        One row per finding with columns ``check``, ``column``, ``value``
        and ``message``; empty when nothing was found.

    Examples
    --------
    >>> train = pd.DataFrame({"x": [0.1, 0.2, 0.9, 1.0], "t": [1, 2, 3, 4]})
    >>> test = pd.DataFrame({"x": [0.25, 0.5], "t": [3, 5]})
    >>> leakage_report(train, test, [0, 0, 1, 1], time_col="t")[["check", "column", "value"]]
              check column  value
    0  target_proxy      x    1.0
    1  time_overlap      t    0.5
    """
    X_train = _check_frame("X_train", X_train)
    X_test = _check_frame("X_test", X_test)
    if list(X_train.columns) != list(X_test.columns):
        raise ValueError(
            "X_train and X_test must have the same columns in the same order; "
            f"only in train: {sorted(set(X_train.columns) - set(X_test.columns))}, "
            f"only in test: {sorted(set(X_test.columns) - set(X_train.columns))}."
        )
    for label, col in (("time_col", time_col), ("group_col", group_col)):
        if col is not None and col not in X_train.columns:
            raise ValueError(f"{label}={col!r} is not a column; available: {list(X_train.columns)}.")
    if isinstance(proxy_auc, bool) or not isinstance(proxy_auc, (int, float)) or not 0.5 < proxy_auc <= 1:
        raise ValueError(f"proxy_auc must be a number in (0.5, 1], got {proxy_auc!r}.")
    y = _binary_target(y_train, len(X_train))
    keys = [c for c in (time_col, group_col) if c is not None]
    findings = _duplicates(X_train, X_test, keys) + _proxies(X_train, y, proxy_auc, keys)
    if time_col is not None:
        findings += _time_overlap(X_train, X_test, time_col)
    if group_col is not None:
        findings += _shared_groups(X_train, X_test, group_col)
    return pd.DataFrame(findings, columns=REPORT_COLUMNS)


def time_split(
    df: pd.DataFrame, *, time_col: str, cutoff: str | pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows into those before ``cutoff`` (train) and from ``cutoff`` on (test).

    Parameters
    ----------
    df : DataFrame
    time_col : str
        A datetime column.
    cutoff : str or Timestamp
        First instant of the test period, e.g. ``"2013-10-01"``.

    Returns
    -------
    train, test : DataFrame

    Examples
    --------
    >>> df = pd.DataFrame({"t": pd.to_datetime(["2013-01-05", "2013-11-02"])})
    >>> [len(part) for part in time_split(df, time_col="t", cutoff="2013-10-01")]
    [1, 1]
    """
    df = _check_frame("df", df)
    if time_col not in df.columns:
        raise ValueError(f"time_col={time_col!r} is not a column; available: {list(df.columns)}.")
    if not pd.api.types.is_datetime64_any_dtype(df[time_col]):
        raise TypeError(f"column {time_col!r} must be datetime, got {df[time_col].dtype}; use pd.to_datetime.")
    try:
        cut = pd.Timestamp(cutoff)
    except (TypeError, ValueError) as err:
        raise ValueError(f"cutoff {cutoff!r} is not a date; use e.g. '2013-10-01'.") from err
    before = df[time_col] < cut
    if before.all() or not before.any():
        raise ValueError(f"cutoff {cut} leaves one side empty; choose a date inside the data's range.")
    return df[before], df[~before]
