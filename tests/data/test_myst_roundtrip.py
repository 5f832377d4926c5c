"""Chapters are written as jupytext writes them: md -> notebook -> md with the project's jupytext
settings (pyproject.toml) gives back the same bytes, so saving a chapter from JupyterLab rewrites nothing."""

import difflib
import re
from pathlib import Path

import jupytext
import pytest
from jupytext.config import JupytextConfiguration, find_jupytext_configuration_file, load_jupytext_configuration_file

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M))


def _project_config() -> JupytextConfiguration:
    """The jupytext settings that apply to the chapters, as jupytext itself finds them.

    Returns
    -------
    JupytextConfiguration
        The ``[tool.jupytext]`` section of ``pyproject.toml``.
    """
    path = find_jupytext_configuration_file(ROOT / "chapters")
    assert path == str(ROOT / "pyproject.toml"), f"jupytext reads the chapters' settings from {path}"
    return load_jupytext_configuration_file(path)


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_is_unchanged_by_a_notebook_round_trip(md):
    "chapter: read as a notebook and written back as MyST with the project's jupytext settings, it keeps its bytes"
    config = _project_config()
    text = md.read_bytes().decode("utf-8")
    again = jupytext.writes(jupytext.reads(text, fmt="md:myst", config=config), fmt="md:myst", config=config)
    diff = "\n".join(list(difflib.unified_diff(text.splitlines(), again.splitlines(), lineterm="", n=1))[:40])
    rel = md.relative_to(ROOT)
    assert again == text, (f"jupytext rewrites {rel} when it is saved from JupyterLab; write it once as jupytext "
                           f"does (.venv/bin/jupytext --to md:myst -o {rel} {rel}) and review the diff:\n{diff}")
