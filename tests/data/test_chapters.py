"""Contracts every chapter keeps: pairing, set-up and budget cells, claims, exercises, offline data."""

import json
import re
from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M))


def _code_cells(md: Path) -> list[str]:
    return re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", md.read_text(), re.S)


def _toc_files() -> set[str]:
    files = set()

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.add(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files.add(toc["root"])
    walk(toc)
    return files


def test_there_are_chapters():
    "chapters: at least the model chapter exists"
    assert any(p.stem == "leakage" for p in CHAPTERS)


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_contract(md):
    "chapter: paired reference notebook with outputs, set-up first, budget last, claims, exercises, in the toc"
    text = md.read_text()
    nb = md.with_suffix(".ipynb")
    assert nb.exists(), f"{nb.name} missing: run `make references`"
    cells = [c for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
    assert any(c["outputs"] for c in cells), f"{nb.name} has no stored outputs: run `make references`"
    code = _code_cells(md)
    assert "labutils.setup(" in code[0], "the first code cell must call labutils.setup()"
    assert "labutils.report_resources()" in code[-1], "the last code cell must call labutils.report_resources()"
    last = re.findall(r"```\{code-cell\}[^\n]*\n:tags: \[(.*?)\]", text)[-1]
    assert "remove-cell" in last and "nbval-ignore-output" in last
    assert re.search(r"^\(\w[\w-]*\)=\n# ", text, re.M), "a chapter opens with a label and a title"
    assert "claim(" in text and "{glue:text}" in text
    assert re.search(r"^## Summary", text, re.M) and re.search(r"^## Exercises", text, re.M)
    assert "{solution-start}" in text and "{cite}" in text
    exercises = len(re.findall(r"^```\{exercise\}", text, re.M))
    assert exercises >= 2, "a chapter ends with at least two exercises"
    assert len(re.findall(r"^:class: dropdown", text, re.M)) >= exercises, "every solution is a dropdown"
    assert "{bibliography}" not in text, "cite from the shared References page; no per-chapter bibliography"
    assert f"chapters/{md.stem}" in _toc_files(), "add the chapter to _toc.yml"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_code_fits_88_columns(md):
    "chapter: no code line is over 88 characters (cut off on a 1366 px screen and on paper); make format fixes most"
    cells = [c.source for c in jupytext.read(md).cells if c.cell_type == "code"]
    long = [line for cell in cells for line in cell.splitlines() if len(line) > 88]
    assert not long, f"{len(long)} code line(s) over 88 characters, e.g. {long[0]!r}"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_is_offline(md):
    "chapter: no network loaders"
    text = md.read_text()
    for pattern in (r"fetch_openml", r"load_dataset\(", r"datasets\.fetch_", r"urlopen", r"requests\.get",
                    r"read_csv\(['\"]https?:"):
        assert not re.search(pattern, text), f"{md.name} uses a network loader ({pattern})"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_glued_names_are_claimed(md):
    "chapter: every {glue:text} the prose cites is a claim, or a set-up fact glued, in the same chapter"
    text = md.read_text()
    cited = set(re.findall(r"\{glue:text\}`([\w.\-]+)", text))
    claimed = set(re.findall(r"claim\(\s*\"([\w.\-]+)\"", text))
    facts = set(re.findall(r"\bglue\(\s*\"([\w.\-]+)\"", text))
    assert cited <= claimed | facts, f"cited but never claimed or glued: {sorted(cited - claimed - facts)}"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_glued_values_are_plain_numbers_or_text(md):
    "chapter: no glued value is a numpy scalar's repr (np.float64(...)), which {glue:text} cannot format"
    cells = json.loads(md.with_suffix(".ipynb").read_text())["cells"]
    reprs = [(o["metadata"]["scrapbook"]["name"], o["data"]["application/papermill.record/text/plain"])
             for c in cells for o in c.get("outputs", [])
             if "scrapbook" in o.get("metadata", {}) and "application/papermill.record/text/plain" in o.get("data", {})
             and re.match(r"np\.\w+\(", o["data"]["application/papermill.record/text/plain"])]
    assert not reprs, f"glue these as float() or int(): {reprs}"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_currency_before_a_glued_number_is_escaped(md):
    "chapter: a dollar sign before {glue:text} is written \\$, or dollarmath reads the glue as math"
    prose = re.sub(r"```\{code-cell\}.*?```", "", md.read_text(), flags=re.S)
    bare = re.findall(r"(?<![\\$])\$\{glue:", prose)
    assert not bare, f"{len(bare)} unescaped '$' before a glued number: write \\${{glue:text}}`...`"


def test_requirements_are_exact_pins():
    "requirements.txt: every line is an exact pin, and never plain xgboost"
    lines = [l.strip() for l in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [l for l in lines if l and not l.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[\w,\-]+\])?==[\w.\-+]+", p) for p in pins), [p for p in pins if "==" not in p]
    assert not any(p.lower().startswith("xgboost==") for p in pins)


def test_data_folder_documents_provenance():
    "data/: every file made by the project is described in data/README.md"
    readme = (ROOT / "data" / "README.md").read_text()
    for path in (ROOT / "data").iterdir():
        if path.name != "README.md":
            assert path.name in readme, f"describe {path.name} in data/README.md"


PAGES = sorted((ROOT / "chapters").glob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_pasted_numbers_and_figures_come_from_the_named_chapter(page):
    "pages: a {glue:text} from another chapter is a claim or a glued fact there; a featured figure is stored there"
    text = page.read_text()
    for doc, name in re.findall(r"\{glue:text\}`([\w\-]+\.md)::([\w.\-]+)", text):
        source = (page.parent / doc).read_text()
        assert re.search(r"\b(?:claim|glue)\(\s*\"" + re.escape(name) + '"', source), f"{name} is not claimed in {doc}"
    for key, doc in re.findall(r"```\{featured-figure\} ([\w.\-]+)\n:doc: ([\w\-]+\.md)", text):
        source = (page.parent / doc).read_text()
        assert f'feature_figure("{key}"' in source, f"{doc} does not store the figure {key}"
