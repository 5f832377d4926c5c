"""Argument checks shared by the public labutils functions."""

from __future__ import annotations

import numbers


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
