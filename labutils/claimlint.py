"""The claims lint: claims that cannot fail, and result numbers typed by hand.

Every number the prose states must come from a :func:`labutils.claims.claim`
that can fail. This module finds the two ways a chapter breaks that promise:

* :func:`claim_problems` reads the claim records of an executed chapter and
  reports claims without a bound, ranges too wide to inform, and exact claims
  without a source;
* :func:`typed_numbers` reads a chapter's MyST source and reports result-like
  numbers typed into its prose, figure captions and alt text, where no claim
  checks them.

``tests/book/test_claims_lint.py`` runs both over the book in ``make test``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

__all__ = ["MAX_RANGE_RATIO", "Finding", "claim_problems", "typed_numbers"]

#: A positive range claim with ``hi / lo`` above this says little.
MAX_RANGE_RATIO = 10.0

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
#: Words that announce an approximate *result*: "about 0.6", "near 180 rows".
_APPROXIMATE = re.compile(rf"\b(?:about|near|around|roughly|approximately|nearly|almost|close to)\s+(?:±\s*)?"
                          rf"{_NUMBER}", re.I)
#: A decimal number; in prose it is a result unless a set-up word precedes it (below).
_DECIMAL = re.compile(r"(?<![\w.±/§])\d+\.\d+(?![\w.])")
#: A ratio stated as "2.2 times".
_TIMES = re.compile(rf"(?<![\w.]){_NUMBER}\s*(?:times|×)\s+(?:as|too|more|less|larger|smaller|wider|faster|slower)",
                    re.I)
#: Words that, within the 30 characters before a decimal, make it a set-up value (a parameter,
#: a rule-of-thumb band, a version), not a result: "a threshold of 0.5", "from its default 0.95".
_SETUP_BEFORE = re.compile(
    r"\b(?:threshold|thresholds|steps?|bands?|default|trigger|release|version|folklore|gate|rule|"
    r"deviation|probability|learning rate|shift of|set to|allowed|limit|within|tolerance|fairlearn|pandas|python)\b"
    r"|[=≤≥<>]",
    re.I)
#: Words after which a decimal is a set-up value: "a 0.3 threshold", "the 0.1 band", "1.5 GiB".
_SETUP_AFTER = re.compile(r"^\s*(?:/|(?:threshold|band|GiB|MiB|GB|MB|IQR|quantile)\b)", re.I)


class Finding(NamedTuple):
    """One lint finding: where, what kind of problem, and the text or claim."""

    where: str
    problem: str
    text: str


def _range_problem(lo: float, hi: float) -> str | None:
    if 0 <= lo and hi <= 1 and hi - lo > 0.5:
        return f"range [{lo:g}, {hi:g}] spans more than half of [0, 1]"
    if -1 <= lo < 0 and hi <= 1 and hi - lo > 1:
        return f"range [{lo:g}, {hi:g}] spans more than half of [-1, 1]"
    if lo > 0 and hi / lo > MAX_RANGE_RATIO:
        return f"range [{lo:g}, {hi:g}] has hi/lo = {hi / lo:.0f} > {MAX_RANGE_RATIO:g}"
    return None


def claim_problems(records: Iterable[dict[str, Any]], *, where: str = "") -> list[Finding]:
    """Claims that cannot fail or say too little, from claim records of an executed chapter.

    A record is the ``labutils`` metadata that :func:`labutils.claims.claim`
    attaches to its output (``name``, ``value``, ``lo``, ``hi``, ``source``,
    ``claim_kind``); records of other kinds are ignored.

    Parameters
    ----------
    records : iterable of dict
    where : str, default ""
        The chapter, for the findings.

    Returns
    -------
    list of Finding
        ``problem`` is ``"unbounded"``, ``"uninformative range"`` or ``"unsourced exact"``.

    Examples
    --------
    >>> claim_problems([{"kind": "claim", "name": "a.auc", "value": 0.7, "lo": 0.1, "hi": 0.99},
    ...                 {"kind": "claim", "name": "a.rows", "value": 5, "lo": 5, "hi": 5}])
    ... # doctest: +NORMALIZE_WHITESPACE
    [Finding(where='', problem='uninformative range', text='a.auc: range [0.1, 0.99] spans more than half of [0, 1]'),
     Finding(where='', problem='unsourced exact', text='a.rows: lo == hi == 5 without source=; glue a fact
     without a claim, or mark an identity')]
    """
    findings = []
    for r in records:
        if not isinstance(r, dict):
            raise TypeError(f"each record must be a dict of claim metadata, got {type(r).__name__}.")
        if r.get("kind") != "claim":
            continue
        name, lo, hi, kind = r.get("name", "?"), r.get("lo"), r.get("hi"), r.get("claim_kind")
        if lo is None and hi is None:
            findings.append(Finding(where, "unbounded", f"{name}: no bound, so it cannot fail"))
        elif kind == "identity":
            continue
        elif kind == "exact" or lo == hi:
            if not r.get("source"):
                findings.append(Finding(where, "unsourced exact", f"{name}: lo == hi == {lo:g} without source=; "
                                        "glue a fact without a claim, or mark an identity"))
        elif lo is not None and hi is not None and (problem := _range_problem(lo, hi)):
            findings.append(Finding(where, "uninformative range", f"{name}: {problem}"))
    return findings


#: Directives whose body is prose the reader sees.
_PROSE_DIRECTIVES = ("exercise", "solution", "solution-start", "note", "tip", "warning", "important",
                     "admonition", "seealso", "attention", "caution", "hint", "margin", "sidebar")


def _texts(markdown: str) -> list[tuple[str, str]]:
    """The reader-visible text of a MyST chapter: its prose, and each code cell's YAML metadata."""
    parts, prose, lines = [], [], markdown.split("\n")
    i = 0
    if lines and lines[0] == "---":  # front matter
        i = lines.index("---", 1) + 1
    while i < len(lines):
        line = lines[i]
        fence = re.match(r"^(`{3,})\s*(\{([\w-]+)\})?", line)
        if not fence:
            prose.append(line)
            i += 1
            continue
        ticks, directive = fence.group(1), fence.group(3)
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == ticks), len(lines))
        body = lines[i + 1:end]
        if directive == "code-cell" and body[:1] == ["---"] and "---" in body[1:]:
            parts.append(("caption or alt text", "\n".join(body[1:body.index("---", 1)])))
        elif directive in _PROSE_DIRECTIVES:
            prose += [b for b in body if not b.startswith(":")]
        i = end + 1
    parts.append(("prose", "\n".join(prose)))
    return parts


def _strip(text: str) -> str:
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", text)  # roles: glue, cite, ref, ...
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\([^()]*\d{4}[a-z]?\)", " ", text)  # (Author, 2017) and years in parentheses
    return re.sub(r"\s+", " ", text)


def _covers(text: str, phrase: str, start: int, end: int) -> bool:
    """Whether ``phrase`` contains the span or ends at most 100 characters before it."""
    return any(p <= end and p + len(phrase) + 100 >= start for p in (m.start() for m in re.finditer(
        re.escape(phrase), text)))


def typed_numbers(markdown: str, *, where: str = "", allowed: Iterable[str] = ()) -> list[Finding]:
    """Result-like numbers typed into a chapter's prose, captions and alt text.

    Flagged: a number after "about", "near", "around", "roughly",
    "approximately", "nearly", "almost" or "close to"; a ratio such as "2.2
    times as"; and any decimal number that no set-up word (threshold, step,
    band, default, version, a comparison sign, ...) introduces. Code, math,
    glued values (``{glue:text}``) and citations are not prose. Set-up numbers
    written as integers (n = 1000, 2 hours, 5 folds, a 90% interval) pass.

    Parameters
    ----------
    markdown : str
        A chapter's MyST source.
    where : str, default ""
        The chapter, for the findings.
    allowed : iterable of str
        Exact phrases (as they appear after stripping, e.g. ``"the folklore
        band"``) that are not results; a phrase covers numbers inside it or
        within 100 characters after it. Explain each where it is listed.

    Returns
    -------
    list of Finding
        ``problem`` is ``"typed number in prose"`` or ``"typed number in caption or alt text"``.

    Examples
    --------
    >>> typed_numbers("The AUC moves between about 0.6 and 0.7. We use a threshold of 0.5.")
    ... # doctest: +NORMALIZE_WHITESPACE
    [Finding(where='', problem='typed number in prose', text='…The AUC moves between about 0.6 and 0.7. We us…')]
    """
    if not isinstance(markdown, str):
        raise TypeError(f"markdown must be the chapter's source text, got {type(markdown).__name__}.")
    allowed = tuple(allowed)
    findings = []
    for label, raw in _texts(markdown):
        text = _strip(raw)
        spans: list[tuple[int, int]] = []
        for pattern in (_APPROXIMATE, _TIMES):
            spans += [m.span() for m in pattern.finditer(text)]
        for m in _DECIMAL.finditer(text):
            if not (_SETUP_BEFORE.search(text[max(0, m.start() - 30):m.start()])
                    or _SETUP_AFTER.match(text[m.end():m.end() + 12])):
                spans.append(m.span())
        merged: list[list[int]] = []
        for start, end in sorted(spans):  # numbers of one phrase ("between about 0.6 and 0.7") go together
            if merged and start <= merged[-1][1] + 20:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            if any(_covers(text, phrase, start, end) for phrase in allowed):
                continue
            findings.append(Finding(where, f"typed number in {label}",
                                    f"…{text[max(0, start - 25):end + 15].strip()}…"))
    return findings
