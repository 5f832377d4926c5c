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
