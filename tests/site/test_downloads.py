"""The site's downloads in _build/html: the chapters as notebooks (a zip) and the book as one PDF.

Both are written by `.ci/downloads.py` after `make book`; these tests read the files only.
"""

import filecmp
import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
# The whole book printed to 14.0 MB (29 pages of the site, figures drawn for phones); the
# budget is 1.5x that.
PDF_BUDGET_MB = 21

pytestmark = pytest.mark.skipif(not (SITE / "index.html").exists(), reason="run make book first")


def _load_script():
    spec = importlib.util.spec_from_file_location("downloads", ROOT / ".ci" / "downloads.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


downloads = _load_script()
ZIP = SITE / downloads.ZIP_NAME
PDF = SITE / downloads.PDF_NAME
TOC_PAGES = downloads.reading_order(ROOT)


@pytest.fixture(scope="module")
def archive():
    assert ZIP.exists(), f"{ZIP.name} is missing: run python .ci/downloads.py after make book"
    with zipfile.ZipFile(ZIP) as opened:
        yield opened


@pytest.fixture(scope="module")
def pdf():
    from pypdf import PdfReader

    assert PDF.exists(), f"{PDF.name} is missing: run python .ci/downloads.py after make book"
    return PdfReader(PDF)


def test_zip_has_every_chapter_and_what_runs_it(archive):
    "zip: every chapter's reference notebook, labutils, requirements.txt and a README, in one folder"
    names = set(archive.namelist())
    expected = {f"{downloads.FOLDER}/chapters/{nb.name}" for nb in downloads.chapter_notebooks(ROOT)}
    expected |= {f"{downloads.FOLDER}/{name}" for name in
                 ("labutils/__init__.py", "requirements.txt", "pyproject.toml", "README.txt")}
    assert expected <= names, sorted(expected - names)
    assert all(name.startswith(f"{downloads.FOLDER}/") for name in names)
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    assert archive.testzip() is None


def test_zip_notebooks_are_valid_and_have_code(archive):
    "zip: every notebook parses as JSON (nbformat 4) and has at least one code cell"
    for name in (n for n in archive.namelist() if n.endswith(".ipynb")):
        notebook = json.loads(archive.read(name))
        assert notebook["nbformat"] == 4, name
        assert any(cell["cell_type"] == "code" for cell in notebook["cells"]), f"{name} has no code cell"


def test_zip_is_reproducible_from_the_sources(tmp_path):
    "zip: rebuilt from the current sources it is byte-identical (sorted entries, fixed time stamps)"
    assert ZIP.exists(), f"{ZIP.name} is missing: run python .ci/downloads.py after make book"
    rebuilt = downloads.write_zip(ROOT, tmp_path)
    assert filecmp.cmp(rebuilt, ZIP, shallow=False), "the site's zip is stale: rerun python .ci/downloads.py"


def test_pdf_has_every_page_of_the_toc(pdf):
    "PDF: at least one printed page per page of _toc.yml, and one bookmark per page, in reading order"
    assert len(pdf.pages) >= len(TOC_PAGES)
    outline = pdf.outline
    assert len(outline) == len(TOC_PAGES), [item.title for item in outline]
    starts = [pdf.get_destination_page_number(item) for item in outline]
    assert starts == sorted(set(starts)) and starts[0] == 0
    assert all(item.title.strip() for item in outline)


def test_pdf_is_titled_and_readable(pdf):
    "PDF: its metadata and its first pages carry the book's title; the site's chrome is not printed"
    assert pdf.metadata.title == "ML Engineering Lab"
    text = " ".join(page.extract_text() for page in pdf.pages[:3])
    assert "ML Engineering Lab" in text
    assert "Skip to main content" not in text and "Ctrl+K" not in text


def test_pdf_links_stay_inside_the_pdf(pdf):
    "PDF: no link points at a file:// path of the machine that built it"
    uris = [annot.get_object()["/A"]["/URI"] for page in pdf.pages for annot in page.get("/Annots", [])
            if "/URI" in annot.get_object().get("/A", {})]
    assert not [uri for uri in uris if uri.startswith("file:")], uris[:5]


def test_pdf_is_within_its_size_budget():
    "PDF: under PDF_BUDGET_MB, so that the site stays quick to publish and to download"
    assert PDF.exists(), f"{PDF.name} is missing: run python .ci/downloads.py after make book"
    size_mb = PDF.stat().st_size / 1e6
    assert size_mb < PDF_BUDGET_MB, f"{size_mb:.1f} MB: shrink figures or raise the budget with a reason"
