"""labutils.claimlint: one planted defect of each kind is caught; honest claims and set-up numbers pass."""

import pytest

from labutils.claimlint import claim_problems, typed_numbers


def _claim(name, value, lo=None, hi=None, **extra):
    return {"kind": "claim", "name": name, "value": value, "lo": lo, "hi": hi, **extra}


@pytest.mark.parametrize(("record", "problem"), [
    (_claim("t.unbounded", 3), "unbounded"),
    (_claim("t.auc", 0.7, 0.1, 0.99), "uninformative range"),
    (_claim("t.corr", 0.2, -0.6, 0.6), "uninformative range"),
    (_claim("t.latency_ms", 86, 0.1, 1000), "uninformative range"),
    (_claim("t.rows", 60_000, 60_000, 60_000), "unsourced exact"),
    (_claim("t.brier", 0.104, 0.099, 0.109, claim_kind="exact"), "unsourced exact"),
])
def test_each_planted_claim_defect_is_caught(record, problem):
    "claim_problems: unbounded, vacuous (shares, correlations, hi/lo > 10) and unsourced exact claims"
    findings = claim_problems([record], where="fixture")
    assert [f.problem for f in findings] == [problem]
    assert record["name"] in findings[0].text and findings[0].where == "fixture"


def test_honest_claims_pass():
    "claim_problems: tight ranges, one-sided bounds, sourced exact claims and identities pass"
    records = [_claim("t.auc", 0.69, 0.65, 0.72), _claim("t.gain", 0.01, lo=0.0), _claim("t.err", 1e-13, hi=1e-12),
               _claim("t.brier", 0.104, 0.099, 0.109, source="sklearn example: 0.104", claim_kind="exact"),
               _claim("t.status", 422, 422, 422, claim_kind="identity"), {"kind": "resources", "name": "x"}]
    assert claim_problems(records) == []


CHAPTER = """---
jupytext:
  text_representation:
    format_name: myst
---
# A chapter

The model's AUC is {glue:text}`t.auc:.3f`, with 5 folds, n=1000 and a 90% interval; we set `alpha=0.35`
and use a threshold of 0.5.

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: The curve dips lowest near 0.61.
  image:
    alt: Line chart; AUC is flat while average precision falls.
---
x = 0.61  # code is not prose
```

```{exercise} Try it
:label: ex

Here the gain was about 0.02 and the new model 2.2 times as fast.
```
"""


def test_each_planted_typed_number_is_caught():
    "typed_numbers: a number after 'near' in a caption, 'about' in an exercise and 'N times as' in prose"
    findings = typed_numbers(CHAPTER, where="fixture")
    assert [f.problem for f in findings] == ["typed number in caption or alt text", "typed number in prose"]
    assert "near 0.61" in findings[0].text
    assert "about 0.02" in findings[1].text and "2.2 times as" in findings[1].text
    assert "threshold of 0.5" not in findings[1].text and "alpha" not in findings[1].text


def test_a_decimal_result_in_prose_is_caught_and_an_allowed_phrase_passes():
    "typed_numbers: a bare decimal result is flagged; an explained allow-list phrase is not"
    text = "# T\n\nThe AUC reached 0.713 on validation.\n"
    assert len(typed_numbers(text)) == 1
    assert typed_numbers(text, allowed=["reached 0.713"]) == []


def test_bad_input_is_rejected():
    "claimlint: non-dict records and non-text chapters raise a TypeError"
    with pytest.raises(TypeError, match="dict"):
        claim_problems([("t.x", 1)])
    with pytest.raises(TypeError, match="source text"):
        typed_numbers(b"bytes")
