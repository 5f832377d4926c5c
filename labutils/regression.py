"""Notebook regression checks that survive another CPU and still catch a real change.

An executed chapter is compared with its reference notebook cell by cell, as
nbval does: the same outputs, the same MIME types, the same text once the
sanitizers have replaced what legitimately varies (addresses, timings). Text is
then compared *token by token*:

* words, punctuation and integers (counts, identities, hashes, dates) must be
  equal;
* decimal numbers may differ by ``rtol * max(|a|, |b|) + atol`` plus one unit
  in the last digit printed (of the more precise of the two, since ``%g``
  formatting drops trailing zeros). Two CPUs round the same result to ``0.661`` and
  ``0.662``, or glue ``0.0038777`` and ``0.00387771``; a change of a few units
  in the third digit still fails.

Runs of white space count as one space, so a wider number that shifts a
table's padding is no mismatch. Images are not compared (as in nbval without
``--nbdime``); a cell tagged ``nbval-ignore-output`` is checked for errors only,
and one tagged ``nbval-skip`` not at all.

Used by ``make test`` on the chapters as the book build executed them (its
jupyter-cache, see :func:`executed_notebook`), so each chapter runs once per
test run, and by
``make nbval`` (as a pytest plugin: ``-p labutils.regression``) when a
maintainer re-executes chapters with nbval.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["RTOL", "ATOL", "compare_text", "compare_outputs", "compare_notebooks", "executed_notebook",
           "read_sanitizers"]

#: Relative tolerance for decimal numbers.
RTOL = 1e-3
#: Absolute tolerance for decimal numbers (round-off around zero).
ATOL = 1e-9
#: Output data that are not compared: images, widget ids.
SKIPPED_MIME = ("image/png", "image/jpeg", "image/svg+xml", "application/vnd.jupyter.widget-view+json")

# A number standing alone: not part of a word such as "p99", "x2" or a hex hash.
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def _tokens(text: str) -> list[str]:
    """Split ``text`` into alternating non-number and number tokens, white space folded."""
    out, last = [], 0
    for match in _NUMBER.finditer(text):
        out.extend([" ".join(text[last:match.start()].split()), match.group()])
        last = match.end()
    out.append(" ".join(text[last:].split()))
    return out


def _unit(token: str) -> float:
    """One unit in the last printed digit of a decimal token (``"0.661"`` -> 0.001)."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _is_decimal(token: str) -> bool:
    return "." in token or "e" in token.lower()


def compare_text(reference: str, actual: str, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """Compare two output texts, decimal numbers with a tolerance and the rest exactly.

    Parameters
    ----------
    reference, actual : str
        The stored and the newly computed text (already sanitized).
    rtol, atol : float
        Relative and absolute tolerance for decimal numbers; one unit in the
        last printed digit is always allowed on top.

    Returns
    -------
    str or None
        ``None`` when the texts agree, otherwise a one-line description of the
        first difference.

    Raises
    ------
    TypeError
        If ``reference`` or ``actual`` is not a string.
    ValueError
        If a tolerance is negative or not finite.

    Examples
    --------
    >>> compare_text("AUC 0.661 on 1,204 rows", "AUC 0.662 on 1,204 rows") is None
    True
    >>> compare_text("AUC 0.661", "AUC 0.671")
    'number 0.661 became 0.671 (allowed difference 0.00167)'
    >>> compare_text("12 rows", "13 rows")
    'integer 12 became 13 (integers must match exactly)'
    """
    for label, value in (("reference", reference), ("actual", actual)):
        if not isinstance(value, str):
            raise TypeError(f"{label} must be a str, got {type(value).__name__}; join a list of lines first.")
    for label, value in (("rtol", rtol), ("atol", atol)):
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{label} must be a finite number >= 0, got {value!r}.")
    ref, new = _tokens(reference), _tokens(actual)
    if len(ref) != len(new):
        return f"different number of numbers: {len(ref) // 2} in the reference, {len(new) // 2} now"
    for i, (a, b) in enumerate(zip(ref, new)):
        if i % 2 == 0:
            if a != b:
                return f"text {a[-60:]!r} became {b[-60:]!r}"
        elif not (_is_decimal(a) and _is_decimal(b)):
            if a != b:
                return f"integer {a} became {b} (integers must match exactly)"
        else:
            allowed = rtol * max(abs(float(a)), abs(float(b))) + atol + min(_unit(a), _unit(b))
            if abs(float(a) - float(b)) > allowed:
                return f"number {a} became {b} (allowed difference {allowed:.3g})"
    return None


def read_sanitizers(path: str | Path) -> list[tuple[re.Pattern, str]]:
    """Read an nbval sanitizer file: ``regex:`` / ``replace:`` line pairs in ``[sections]``.

    Examples
    --------
    >>> import tempfile, os
    >>> cfg = os.path.join(tempfile.mkdtemp(), "s.cfg")
    >>> _ = open(cfg, "w").write("[addresses]\\nregex: 0x[0-9a-f]+\\nreplace: 0xADDR\\n")
    >>> [(p.pattern, r) for p, r in read_sanitizers(cfg)]
    [('0x[0-9a-f]+', '0xADDR')]
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"sanitizer file {str(path)!r} does not exist; pass tests/nbval_sanitize.cfg.")
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", path.read_text(encoding="utf8"), flags=re.MULTILINE)
    return [(re.compile(regex), replace) for regex, replace in pairs]


def _sanitize(text: str, sanitizers: Sequence[tuple[re.Pattern, str]]) -> str:
    for pattern, replace in sanitizers:
        text = pattern.sub(replace, text)
    return text


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(value)
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _comparable(outputs: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Flatten outputs to ``{key: [text, ...]}`` like nbval: a key per stream and per MIME type.

    Consecutive writes to a stream are joined, since the book build merges them.
    """
    flat: dict[str, list[str]] = {}
    last_stream = None
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            key = f"stream:{out.get('name')}"
            if last_stream == key:
                flat[key][-1] += _as_text(out.get("text", ""))
            else:
                flat.setdefault(key, []).append(_as_text(out.get("text", "")))
            last_stream = key
            continue
        last_stream = None
        if kind == "error":
            flat.setdefault("error", []).append(f"{out.get('ename')}: {out.get('evalue')}")
        for mime, data in out.get("data", {}).items():
            if not mime.endswith(SKIPPED_MIME):  # also glued images (application/papermill.record/image/png)
                flat.setdefault(mime, []).append(_as_text(data))
    return flat


def _diff(reference: str, actual: str, limit: int = 12) -> str:
    lines = difflib.unified_diff(reference.splitlines(), actual.splitlines(), "reference", "now", lineterm="", n=1)
    shown = list(lines)[2:limit + 2]
    return "\n".join("    " + line[:160] for line in shown)


def compare_outputs(reference: Sequence[dict[str, Any]], actual: Sequence[dict[str, Any]], *,
                    sanitizers: Sequence[tuple[re.Pattern, str]] = (), rtol: float = RTOL,
                    atol: float = ATOL) -> list[str]:
    """Compare one cell's outputs with its reference outputs.

    Parameters
    ----------
    reference, actual : sequence of dict
        The cell's outputs in nbformat's JSON form (``output_type``, ``data``,
        ``name``/``text``, ...).
    sanitizers : sequence of (compiled regex, replacement)
        Applied to both sides first (see :func:`read_sanitizers`).
    rtol, atol : float
        Tolerances for decimal numbers (see :func:`compare_text`).

    Returns
    -------
    list of str
        Readable differences; empty when the outputs agree.

    Examples
    --------
    >>> ref = [{"output_type": "stream", "name": "stdout", "text": "AUC 0.7412\\n"}]
    >>> compare_outputs(ref, [{"output_type": "stream", "name": "stdout", "text": "AUC 0.7413\\n"}])
    []
    >>> print(compare_outputs(ref, [{"output_type": "stream", "name": "stdout", "text": "AUC 0.7500\\n"}])[0])
    stream:stdout: number 0.7412 became 0.7500 (allowed difference 0.00085)
        @@ -1 +1 @@
        -AUC 0.7412
        +AUC 0.7500
    """
    for label, value in (("reference", reference), ("actual", actual)):
        if isinstance(value, str | bytes | dict) or not isinstance(value, Sequence):
            raise TypeError(f"{label} must be a list of output dicts, got {type(value).__name__}.")
    ref, new = _comparable(reference), _comparable(actual)
    problems = []
    if ref.keys() != new.keys():
        missing, extra = sorted(ref.keys() - new.keys()), sorted(new.keys() - ref.keys())
        problems.append(f"outputs differ in kind: missing {missing}, unexpected {extra}")
    for key in sorted(ref.keys() & new.keys()):
        if len(ref[key]) != len(new[key]):
            problems.append(f"{key}: {len(ref[key])} output(s) in the reference, {len(new[key])} now")
            continue
        for old, now in zip(ref[key], new[key]):
            old, now = _sanitize(old, sanitizers), _sanitize(now, sanitizers)
            found = compare_text(old, now, rtol=rtol, atol=atol)
            if found:
                problems.append(f"{key}: {found}\n{_diff(old, now)}")
    return problems


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read {what} {str(path)!r}: {exc}") from exc


def executed_notebook(chapter: str | Path, cache: str | Path) -> dict[str, Any]:
    """A MyST chapter with the outputs that the book build's jupyter-cache holds for its code.

    The build (myst-nb in ``cache`` mode) renders exactly these outputs. Its
    ``_build/jupyter_execute`` copy of a chapter served from the cache has none,
    so the regression check reads the cache.

    Parameters
    ----------
    chapter : str or Path
        The chapter's ``.md`` source.
    cache : str or Path
        The build's jupyter-cache folder (``_build/.jupyter_cache``).

    Returns
    -------
    dict
        The notebook, in nbformat's JSON form.

    Raises
    ------
    ValueError
        If the cache holds no execution of the chapter's current code.
    """
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    chapter, cache = Path(chapter), Path(cache)
    if not cache.is_dir():
        raise ValueError(f"no jupyter-cache at {str(cache)!r}: run make book first.")
    notebook = read_myst_markdown_notebook(chapter.read_text(encoding="utf8"), add_source_map=True, path=chapter)
    try:
        return get_cache(str(cache)).merge_match_into_notebook(notebook)[1]
    except KeyError:
        raise ValueError(f"the build's cache has no execution of {chapter.name} as it is now: "
                         "run make book.") from None


def compare_notebooks(reference: str | Path, actual: str | Path | Mapping[str, Any], *,
                      sanitizers: Sequence[tuple[re.Pattern, str]] = (), rtol: float = RTOL,
                      atol: float = ATOL) -> list[str]:
    """Compare an executed notebook with its reference, code cell by code cell.

    A cell fails when its outputs differ (see :func:`compare_outputs`) or when
    it raised an error that the reference did not. Cells are paired by
    position, and their sources must be equal (``make sync-check`` keeps the
    reference's inputs in step with the chapter).

    Parameters
    ----------
    reference : str or Path
        The reference ``.ipynb``.
    actual : str, Path or mapping
        The newly executed notebook: a file, or a notebook such as
        :func:`executed_notebook` returns.
    sanitizers, rtol, atol
        As for :func:`compare_outputs`.

    Returns
    -------
    list of str
        One readable entry per failing cell, naming the cell by its number and
        first line; empty when the notebooks agree.

    Raises
    ------
    ValueError
        If a notebook cannot be read.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> cell = {"cell_type": "code", "source": "print(1/3)", "metadata": {},
    ...         "outputs": [{"output_type": "stream", "name": "stdout", "text": "0.3333\\n"}]}
    >>> for name in ("ref.ipynb", "new.ipynb"):
    ...     _ = open(os.path.join(folder, name), "w").write(json.dumps({"cells": [cell]}))
    >>> compare_notebooks(os.path.join(folder, "ref.ipynb"), os.path.join(folder, "new.ipynb"))
    []
    """
    notebooks = [n if isinstance(n, Mapping) else _read_json(Path(n), "notebook") for n in (reference, actual)]
    ref_cells, new_cells = ([c for c in n.get("cells", []) if c.get("cell_type") == "code"] for n in notebooks)
    if len(ref_cells) != len(new_cells):
        return [f"{len(ref_cells)} code cells in the reference, {len(new_cells)} executed: run make references"]
    problems = []
    for number, (ref, new) in enumerate(zip(ref_cells, new_cells), start=1):
        source = _as_text(ref.get("source", ""))
        label = f"code cell {number} ({source.strip().splitlines()[0][:60] if source.strip() else 'empty'})"
        if source != _as_text(new.get("source", "")):
            problems.append(f"{label}: its source differs from the executed notebook's: run make references")
            continue
        tags = set(ref.get("metadata", {}).get("tags", []))
        if "nbval-skip" in tags:
            continue
        errors = [o for o in new.get("outputs", []) if o.get("output_type") == "error"]
        if errors and "raises-exception" not in tags:
            problems.append(f"{label}: raised {errors[0].get('ename')}: {errors[0].get('evalue')}")
            continue
        if "nbval-ignore-output" in tags:
            continue
        found = compare_outputs(ref.get("outputs", []), new.get("outputs", []), sanitizers=sanitizers,
                                rtol=rtol, atol=atol)
        problems.extend(f"{label}: {problem}" for problem in found)
    return problems


def pytest_configure(config: Any) -> None:
    """As a pytest plugin (``-p labutils.regression``), make nbval compare with :func:`compare_outputs`."""
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # pragma: no cover - nbval is pinned
        return

    def tolerant(self: Any, test: list, ref: list, skip_compare: Any = None) -> bool:
        patterns = [(re.compile(regex), replace) for regex, replace in self.parent.sanitize_patterns.items()]
        self.comparison_traceback = compare_outputs(ref, test, sanitizers=patterns)
        return not self.comparison_traceback

    IPyNbCell.compare_outputs = tolerant
