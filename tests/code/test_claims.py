"""labutils.claims: bounds logic and bad input."""

import math

import numpy as np
import pytest

from labutils.claims import ClaimError, _rounded, claim, claim_kind


def test_claim_inside_bounds_returns_value_unchanged():
    "claim: a value inside [lo, hi] comes back as it went in"
    assert claim("t.inside", 0.5, lo=0.0, hi=1.0) == 0.5


def test_claim_bounds_are_inclusive():
    "claim: values equal to lo or hi pass"
    assert claim("t.lo", 0.1, lo=0.1) == 0.1
    assert claim("t.hi", 0.9, hi=0.9) == 0.9


def test_claim_below_lo_raises_claim_error():
    "claim: a value below lo raises ClaimError, naming the claim and the bound"
    with pytest.raises(ClaimError, match=r"'t.low' = 0.05 is below its lower bound 0.1"):
        claim("t.low", 0.05, lo=0.1)


def test_claim_above_hi_raises_claim_error():
    "claim: a value above hi raises ClaimError"
    with pytest.raises(ClaimError, match="above its upper bound"):
        claim("t.high", 3, hi=2)


def test_claim_error_is_an_assertion_error():
    "claim: ClaimError subclasses AssertionError, so test runners report it as a failure"
    assert issubclass(ClaimError, AssertionError)


def test_claim_accepts_numpy_scalars_and_ints():
    "claim: numpy floats and ints are numbers"
    assert claim("t.np", np.float64(0.25), lo=0) == 0.25
    assert claim("t.int", np.int64(3), hi=3) == 3


def test_claim_open_side_accepts_infinity():
    "claim: an open side accepts an infinite value"
    assert claim("t.inf", math.inf, lo=0) == math.inf


def test_claim_without_a_bound_is_refused():
    "claim: a claim that cannot fail (no bound) is a ValueError that says to state it as a fact"
    with pytest.raises(ValueError, match="needs a bound"):
        claim("t.unbounded", 1.0)


@pytest.mark.parametrize(("lo", "hi", "kind", "expected"), [
    (0.6, 0.7, None, "range"), (0.6, None, None, "at least"), (None, 0.1, None, "at most"),
    (3, 3, None, "exact"), (0, 0, "identity", "identity"), (None, 1e-9, "identity", "identity"),
    (0.10, 0.11, "exact", "exact"),
])
def test_claim_kind_is_implied_or_checked(lo, hi, kind, expected):
    "claim_kind: bounds imply the kind; a given kind is kept when it fits the bounds"
    assert claim_kind(lo, hi, kind) == expected


@pytest.mark.parametrize(("lo", "hi", "kind", "match"), [
    (0.1, 0.9, "identity", "does not fit"), (0.1, None, "range", "does not fit"),
    (None, 0.1, "exact", "does not fit"), (0.1, 0.2, "roughly", "kind must be one of"),
])
def test_claim_kind_rejects_kinds_that_do_not_fit(lo, hi, kind, match):
    "claim: a kind that does not fit the bounds, or an unknown kind, is a ValueError naming the claim"
    with pytest.raises(ValueError, match=match):
        claim("t.kind", 0.15, lo=lo, hi=hi, kind=kind)


@pytest.mark.parametrize("value", [float("nan"), np.nan])
def test_claim_rejects_nan(value):
    "claim: NaN is an error, not a silent pass"
    with pytest.raises(ValueError, match="NaN"):
        claim("t.nan", value)


@pytest.mark.parametrize("value", ["0.5", None, [0.5], np.array([0.5, 0.6]), True])
def test_claim_rejects_non_numbers(value):
    "claim: strings, None, lists, arrays and booleans are not numbers"
    with pytest.raises(TypeError, match="must be a real number"):
        claim("t.type", value)


def test_claim_rejects_lo_greater_than_hi():
    "claim: lo > hi is a mistake in the chapter, reported as such"
    with pytest.raises(ValueError, match="greater than hi"):
        claim("t.order", 0.5, lo=0.9, hi=0.1)


def test_claim_rejects_nan_bound():
    "claim: a NaN bound would make every comparison pass; it is rejected"
    with pytest.raises(ValueError, match="NaN"):
        claim("t.nanbound", 0.5, lo=float("nan"))


@pytest.mark.parametrize("name", ["", "has space", "1starts_with_digit", None, "a/b"])
def test_claim_rejects_bad_names(name):
    "claim: names must be usable as glue keys"
    with pytest.raises(ValueError, match="not valid"):
        claim(name, 1.0)


def test_claim_rejects_non_string_source():
    "claim: source is a citation string"
    with pytest.raises(TypeError, match="source must be a string"):
        claim("t.src", 1.0, source=42)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.123456789, 0.123457), (3.0, 3), (0.0, 0), (-2.5e-9, -2.5e-9), (math.inf, math.inf)],
)
def test_rounded_keeps_six_significant_digits(value, expected):
    "_rounded: six significant digits, whole numbers as int"
    out = _rounded(value)
    assert out == expected
    assert isinstance(out, int) == float(expected).is_integer() if math.isfinite(value) else True
