"""Claims: numbers that the prose states, checked every time the book is built.

A chapter never types a result into its text. It computes the number, passes it
to :func:`claim` with the bounds the text relies on, and cites it with
``{glue:text}`name:.3f```. If a later change moves the number outside its
bounds, :func:`claim` raises :class:`ClaimError` and both the book build and
the nbval regression tests fail. The Claims ledger page lists every claim.

Introduced in the chapter "Data leakage" (``chapters/leakage.md``).
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

__all__ = ["CLAIM_KINDS", "ClaimError", "claim", "claim_kind", "record"]

#: What a claim states: a two-sided range, a one-sided bound, a published number
#: reproduced to a tolerance (``source=`` required) or an identity that holds by
#: construction (served scores equal in-process ones, a count of zero mismatches).
CLAIM_KINDS = ("range", "at least", "at most", "exact", "identity")

#: Metadata key under which a claim's record travels in the notebook output.
RECORD_KEY = "labutils"
#: The mime prefix myst-nb uses for glued values that are not displayed.
GLUE_PREFIX = "application/papermill.record/"

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


class ClaimError(AssertionError):
    """A claimed value left the bounds that the chapter's prose relies on."""


def _check_number(label: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{label} must be a real number, got {type(value).__name__} {value!r}; "
            "pass a float or int (use float(x) for a numpy scalar array or a Series)."
        )
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{label} is NaN; compute a finite number before claiming it.")
    return value


def _rounded(value: float, digits: int = 6) -> float | int:
    """Round to ``digits`` significant digits so stored outputs stay portable."""
    if math.isinf(value):
        return value
    if value.is_integer() and abs(value) < 1e15:
        return int(value)
    return float(f"{value:.{digits}g}")


def record(name: str, value: float | int, *, kind: str, **fields: Any) -> None:
    """Glue ``value`` under ``name`` and attach a machine-readable record.

    The output is a hidden myst-nb glue record, so ``{glue:text}`` can cite it;
    ``labutils.sphinxext`` reads the attached record to build the Claims ledger
    and the Runtime report. Outside a Jupyter kernel this does nothing.

    Parameters
    ----------
    name : str
        The glue key.
    value : float or int
        The number to glue (rounded to six significant digits).
    kind : str
        ``"claim"`` or ``"resources"``.
    **fields
        Extra JSON-serialisable fields stored in the record.

    Examples
    --------
    >>> record("demo.n_rows", 50, kind="claim", lo=None, hi=None, source=None)
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with every pin
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return
    from IPython.display import display

    shown = _rounded(float(value))
    payload = {"name": name, "value": shown, "kind": kind, **fields}
    display(
        {GLUE_PREFIX + "text/plain": repr(shown)},
        raw=True,
        metadata={
            "scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX},
            RECORD_KEY: payload,
        },
    )


def claim_kind(lo: float | None, hi: float | None, kind: str | None = None) -> str:
    """The kind of a claim with bounds ``lo`` and ``hi``: the one given, checked, or the one they imply.

    Without ``kind``: both bounds make a ``"range"`` (``"exact"`` if they are
    equal), one makes ``"at least"`` or ``"at most"``.

    Raises
    ------
    ValueError
        If there is no bound, ``kind`` is unknown or does not fit the bounds.

    Examples
    --------
    >>> claim_kind(0.6, 0.7), claim_kind(0.6, None), claim_kind(None, 0), claim_kind(1, 1)
    ('range', 'at least', 'at most', 'exact')
    >>> claim_kind(0, 0, "identity")
    'identity'
    """
    if lo is None and hi is None:
        raise ValueError("a claim needs a bound (lo=, hi= or both) so that it can fail; a number that needs "
                         "no check is a plain fact: print it or glue it with myst_nb.glue instead.")
    implied = ("at least" if hi is None else "at most" if lo is None else "exact" if lo == hi else "range")
    if kind is None:
        return implied
    if kind not in CLAIM_KINDS:
        raise ValueError(f"kind must be one of {CLAIM_KINDS}, got {kind!r}.")
    fits = {"range": implied == "range", "at least": implied == "at least", "at most": implied == "at most",
            "exact": lo is not None and hi is not None, "identity": implied != "range"}[kind]
    if not fits:
        raise ValueError(f"kind={kind!r} does not fit the bounds lo={lo}, hi={hi}: a range needs lo < hi, "
                         "'at least' only lo, 'at most' only hi, 'exact' both (a tolerance around a published "
                         "number), 'identity' equal bounds or one bound.")
    return kind


def claim(
    name: str,
    value: float | int,
    *,
    lo: float | None = None,
    hi: float | None = None,
    kind: str | None = None,
    source: str | None = None,
) -> float | int:
    """Record a computed number, glue it for the prose and check its bounds.

    Parameters
    ----------
    name : str
        A unique key such as ``"leak.esl_wrong_cv_error"``; the prose cites it
        with ``{glue:text}`leak.esl_wrong_cv_error:.1%```. Letters, digits,
        ``_``, ``.`` and ``-`` only.
    value : float or int
        The computed number. NaN and non-numbers are rejected.
    lo, hi : float, optional
        Inclusive bounds the prose relies on. ``None`` leaves a side open; at
        least one is required.
    kind : str, optional
        One of :data:`CLAIM_KINDS`; by default implied by the bounds (see
        :func:`claim_kind`). A one-sided claim's prose says "at least" or
        "under"; an ``"exact"`` claim needs ``source``; an ``"identity"``
        holds by construction.
    source : str, optional
        The published result this reproduces, e.g. ``"ESL 2nd ed. §7.10.2"``.

    Returns
    -------
    float or int
        ``value`` unchanged, so a claim can wrap an expression.

    Raises
    ------
    ClaimError
        If ``value`` is outside ``[lo, hi]``.
    TypeError, ValueError
        On a bad name, a non-numeric or NaN value, no bound, ``lo > hi``, a
        ``kind`` that does not fit the bounds, or an exact claim without ``source``.

    Examples
    --------
    >>> claim("demo.accuracy", 0.91, lo=0.8, hi=1.0)
    0.91
    >>> claim("demo.accuracy", 0.5, lo=0.8)
    Traceback (most recent call last):
    ...
    labutils.claims.ClaimError: claim 'demo.accuracy' = 0.5 is below its lower bound 0.8
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"claim name {name!r} is not valid; use letters, digits, '_', '.' or '-', "
            "starting with a letter, e.g. 'leak.wrong_cv_error'."
        )
    number = _check_number(f"claim {name!r} value", value)
    low = None if lo is None else _check_number(f"claim {name!r} lo", lo)
    high = None if hi is None else _check_number(f"claim {name!r} hi", hi)
    if low is not None and high is not None and low > high:
        raise ValueError(f"claim {name!r}: lo={lo} is greater than hi={hi}; swap them.")
    if source is not None and not isinstance(source, str):
        raise TypeError(f"claim {name!r}: source must be a string, got {type(source).__name__}.")
    try:
        stated = claim_kind(low, high, kind)
    except ValueError as err:
        raise ValueError(f"claim {name!r}: {err}") from None
    if low is not None and number < low:
        raise ClaimError(f"claim {name!r} = {value} is below its lower bound {lo}")
    if high is not None and number > high:
        raise ClaimError(f"claim {name!r} = {value} is above its upper bound {hi}")
    record(name, number, kind="claim", lo=low, hi=high, source=source, claim_kind=stated)
    return value
