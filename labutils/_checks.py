"""Argument checks shared by the public labutils functions."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd


def check_int(label: str, value: object, *, low: int | None = None) -> int:
    """Return ``value`` as an int, or raise a clear error.

    Booleans are rejected even though Python treats them as ints.

    Examples
    --------
    >>> check_int("n", 5, low=1)
    5
    >>> check_int("n", 0, low=1)
    Traceback (most recent call last):
    ...
    ValueError: n must be at least 1, got 0.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{label} must be an int, got {value!r}.")
    if low is not None and value < low:
        raise ValueError(f"{label} must be at least {low}, got {value}.")
    return int(value)


def check_1d(label: str, values: object) -> np.ndarray:
    """Return ``values`` as a non-empty one-dimensional array, or raise a clear error.

    Examples
    --------
    >>> check_1d("y", [[1, 2]])
    Traceback (most recent call last):
    ...
    ValueError: y must be one-dimensional, got shape (1, 2).
    """
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{label} must be one-dimensional, got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{label} is empty; pass at least one value.")
    return array


def check_binary(label: str, values: object) -> np.ndarray:
    """Return binary labels (0/1 or booleans) as an int array, or raise a clear error.

    Examples
    --------
    >>> check_binary("y_true", [True, False, True])
    array([1, 0, 1])
    >>> check_binary("y_true", [0, 2])
    Traceback (most recent call last):
    ...
    ValueError: y_true must hold only 0 and 1 (1 = positive), got values [0, 2].
    """
    array = check_1d(label, values)
    if pd.isna(array).any():
        raise ValueError(f"{label} has missing values; drop those rows first.")
    if array.dtype == bool:
        return array.astype(int)
    if not np.issubdtype(array.dtype, np.number):
        try:
            array = array.astype(float)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{label} must hold 0/1 or booleans, got dtype {array.dtype}.") from err
    levels = np.unique(array)
    if not np.isin(levels, [0, 1]).all():
        raise ValueError(f"{label} must hold only 0 and 1 (1 = positive), got values {levels[:5].tolist()}.")
    return array.astype(int)


def check_groups(groups: object, n: int) -> np.ndarray:
    """Return cluster labels as integer codes 0..G-1 for ``n`` rows, or raise a clear error.

    Used by the cluster bootstrap: ``groups`` says which rows were sampled
    together (the day, for flights). At least two groups are needed.

    Examples
    --------
    >>> check_groups(["mon", "mon", "tue"], 3)
    array([0, 0, 1])
    >>> check_groups(["mon", "mon"], 2)
    Traceback (most recent call last):
    ...
    ValueError: groups holds a single group; a cluster bootstrap needs at least 2 (e.g. the day of each row).
    """
    array = np.asarray(groups.to_numpy() if isinstance(groups, pd.Series) else groups)
    if array.ndim != 1 or len(array) != n:
        raise ValueError(f"groups must be 1-D with one label per row ({n}), got shape {array.shape}.")
    if pd.isna(array).any():
        raise ValueError(f"groups has {int(pd.isna(array).sum())} missing label(s); give every row its group.")
    codes, levels = pd.factorize(array, sort=True)
    if len(levels) < 2:
        raise ValueError("groups holds a single group; a cluster bootstrap needs at least 2 "
                         "(e.g. the day of each row).")
    return codes.astype(np.intp)


def resample_weights(rng: np.random.Generator, size: int, n: int, codes: np.ndarray | None) -> np.ndarray:
    """How often each of ``n`` rows appears in each of ``size`` bootstrap resamples: shape (size, n).

    Without ``codes`` the rows are drawn with replacement (the i.i.d.
    bootstrap); with ``codes`` (from :func:`check_groups`) whole groups are
    drawn with replacement, as many as there are groups (the cluster bootstrap).

    Examples
    --------
    >>> w = resample_weights(np.random.default_rng(0), 4, 6, np.array([0, 0, 0, 1, 1, 1]))
    >>> bool((w[:, :3] == w[:, [0]]).all()), w.sum(axis=1).tolist()
    (True, [6, 6, 6, 6])
    """
    units = n if codes is None else int(codes.max()) + 1
    draws = rng.integers(0, units, size=(size, units))
    counts = np.bincount((np.arange(size)[:, None] * units + draws).ravel(),
                         minlength=size * units).reshape(size, units)
    return counts if codes is None else counts[:, codes]
