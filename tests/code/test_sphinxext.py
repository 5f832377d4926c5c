"""labutils.sphinxext on a throw-away book: ledger, cache invalidation, failing claims."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy
import pytest

from labutils.sphinxext import _unique_scripts, inputs_hash

BIN = Path(sys.executable).parent

CONFIG = """\
title: probe
only_build_toc_files: true
exclude_patterns: ["_build", "**.ipynb", ".*"]
execute:
  execute_notebooks: cache
  stderr_output: warn
sphinx:
  extra_extensions: [labutils.sphinxext]
  config:
    nb_execution_raise_on_error: true
    labutils_watch: [{watch}]
"""
PAGE = """\
---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
# Probe

```{code-cell} ipython3
import helper
from labutils.claims import claim
claim("probe.value", helper.VALUE, lo=0, hi=10, source="a test");
```

The helper says {glue:text}`probe.value:.1f`. Built with numpy {pkgversion}`numpy`.

```{claims-ledger}
```
"""


def _book(tmp_path: Path, watch: str) -> Path:
    (tmp_path / "_config.yml").write_text(CONFIG.format(watch=watch))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (tmp_path / "page.md").write_text(PAGE)
    return tmp_path


def _build(book: Path, value: float) -> subprocess.CompletedProcess:
    (book / "helper.py").write_text(f"VALUE = {value}\n")
    return subprocess.run([BIN / "jupyter-book", "build", str(book), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, timeout=300)


def _page_text(book: Path) -> str:
    html = (book / "_build" / "html" / "page.html").read_text()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_inputs_hash_changes_with_content_not_with_caches(tmp_path):
    "inputs_hash: editing a file changes it; __pycache__ does not"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("x = 1\n")
    before = inputs_hash(tmp_path, ["pkg"])
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "m.pyc").write_bytes(b"\0")
    assert inputs_hash(tmp_path, ["pkg"]) == before
    (tmp_path / "pkg" / "m.py").write_text("x = 2\n")
    assert inputs_hash(tmp_path, ["pkg"]) != before


@pytest.mark.slow
def test_helper_change_reaches_the_built_page_and_ledger(tmp_path):
    "sphinxext: a change to a watched helper re-executes the page; the ledger lists the claim"
    book = _book(tmp_path, '"helper.py"')
    first = _build(book, 1.0)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    text = _page_text(book)
    assert "The helper says 1.0" in text
    assert re.search(r"probe\.value range 1 \[0, 10\] a test", text), text
    assert f"Built with numpy {numpy.__version__}" in text
    second = _build(book, 2.0)  # page.md unchanged: only the watch can trigger re-execution
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "The helper says 2.0" in _page_text(book)


@pytest.mark.slow
def test_without_the_watch_the_cache_serves_stale_outputs(tmp_path):
    "sphinxext: the control experiment; without watching the helper, the old value stays on the page"
    book = _book(tmp_path, "")
    assert _build(book, 1.0).returncode == 0
    assert _build(book, 2.0).returncode == 0
    assert "The helper says 1.0" in _page_text(book)


@pytest.mark.slow
def test_a_claim_out_of_bounds_fails_the_build(tmp_path):
    "sphinxext: a claim that leaves its bounds makes the strict build fail, naming the claim"
    book = _book(tmp_path, '"helper.py"')
    result = _build(book, 11.0)
    assert result.returncode != 0
    assert "ClaimError" in result.stdout + result.stderr
    assert "'probe.value' = 11.0 is above its upper bound 10" in result.stdout + result.stderr


def test_repeated_scripts_are_dropped_from_a_page():
    "a script registered twice (sphinx-thebe's config: once with filename None, once '') appears once"
    from sphinx.builders.html._assets import _JavaScript

    body = 'const THEBE_JS_URL = "x";'
    context = {"script_files": [_JavaScript("a.js"), _JavaScript(None, body=body),
                                _JavaScript("", body=body), _JavaScript("b.js"), _JavaScript("a.js")]}
    _unique_scripts(None, "page", "page.html", context, None)
    assert [(js.filename, js.attributes) for js in context["script_files"]] == [
        ("a.js", {}), (None, {"body": body}), ("b.js", {})]


@pytest.mark.slow
def test_featured_figure_pastes_a_glued_chapter_figure_with_alt_text(tmp_path):
    "featured-figure: a figure glued in one page appears on another with its alt text and caption"
    (tmp_path / "_config.yml").write_text(CONFIG.format(watch=""))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: gallery\nchapters:\n  - file: page\n")
    (tmp_path / "page.md").write_text(PAGE.split("```{code-cell}")[0] + textwrap.dedent("""\
        ```{code-cell} ipython3
        import matplotlib.pyplot as plt
        from myst_nb import glue
        fig, ax = plt.subplots()
        ax.plot([1, 3, 2])
        glue("probe_fig", fig, display=False)
        plt.show()
        ```
        """))
    (tmp_path / "gallery.md").write_text(textwrap.dedent("""\
        # Gallery

        ```{featured-figure} probe_fig
        :doc: page.md
        :alt: A line that rises from one to three and falls to two.

        The probe's finding, with a link back to {doc}`page`.
        ```
        """))
    result = subprocess.run([BIN / "jupyter-book", "build", str(tmp_path), "-W", "-n", "--keep-going"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (tmp_path / "_build" / "html" / "gallery.html").read_text()
    img = re.search(r'<img alt="A line that rises from one to three and falls to two." src="([^"]+)"', html)
    assert img and (tmp_path / "_build" / "html" / img.group(1)).exists()
    assert 'href="page.html"' in html and "The probe’s finding" in html
