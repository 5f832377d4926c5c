"""Regression check: each chapter, as the book build executed it, reproduces its reference notebook.

The build executes every chapter once (into its jupyter-cache, _build/.jupyter_cache) and renders
those outputs; this compares them with the committed chapters/<name>.ipynb using
labutils.regression (numbers with a tolerance, everything else exactly, the sanitizers in
tests/nbval_sanitize.cfg).
"""

import re
from pathlib import Path

import pytest

from labutils.regression import RTOL, compare_notebooks, executed_notebook, read_sanitizers

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "_build" / ".jupyter_cache"
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M))

pytestmark = pytest.mark.skipif(not (ROOT / "_build" / "html" / "index.html").exists(),
                                reason="build the site first: make book")


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_reproduces_its_reference(md):
    "chapter: the build's outputs equal the reference's (numbers within rtol plus one unit in the last digit)"
    problems = compare_notebooks(md.with_suffix(".ipynb"), executed_notebook(md, CACHE),
                                 sanitizers=read_sanitizers(ROOT / "tests" / "nbval_sanitize.cfg"))
    assert not problems, (f"{md.name} no longer reproduces {md.stem}.ipynb (rtol {RTOL}); if the change is "
                          f"intended, run make references CHAPTER=chapters/{md.name} and review the diff:\n"
                          + "\n".join(problems))
