"""The Colab set-up cell installs what the chapters import, at the tested pins."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M))
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Build and test tooling that labutils imports only for the book's own build (sphinxext, regression).
TOOLING = {"docutils", "sphinx", "nbval", "jupyter_cache"}


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins() -> dict[str, str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return {_name(l): l.strip() for l in lines if "==" in l and not l.startswith("#")}


def _imports(sources: list[str]) -> set[str]:
    found = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"labutils"}


def test_every_chapter_installs_the_chapters_extra_on_colab():
    "chapters: the Colab branch of the set-up cell installs labutils[chapters]"
    for md in CHAPTERS:
        setup = next(c.source for c in jupytext.read(md).cells if c.cell_type == "code")
        assert "google.colab" in setup and "labutils[chapters] @ git+" in setup, md.name


def test_chapters_extra_uses_the_tested_pins():
    "pyproject: each package of the chapters extra is pinned exactly as in requirements.txt"
    pins = _pins()
    for requirement in PROJECT["optional-dependencies"]["chapters"]:
        assert pins.get(_name(requirement)) == requirement, f"{requirement} differs from requirements.txt"


@pytest.mark.parametrize("where", ["chapters", "labutils"])
def test_chapters_extra_provides_every_import(where):
    "pyproject: every third-party module the chapters and labutils import comes with labutils[chapters]"
    if where == "chapters":
        sources = [c.source for md in CHAPTERS for c in jupytext.read(md).cells if c.cell_type == "code"]
    else:
        # The Feast bridge runs in Feast's own venv (.venv-feast), never in the chapters' kernel.
        sources = [p.read_text() for p in (ROOT / "labutils").glob("*.py") if p.name != "_feast_bridge.py"]
    installed = {_name(r) for r in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["chapters"]}
    owners = packages_distributions()
    colab_ships = {"ipython", "ipykernel", "matplotlib-inline"}  # the notebook kernel itself
    for module in sorted(_imports(sources) - TOOLING):
        dists = {d.lower().replace("_", "-") for d in owners.get(module, [])}
        assert dists & (installed | colab_ships), f"{module} (from {sorted(dists)}) is not in labutils[chapters]"
