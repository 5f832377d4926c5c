"""Checks of the built site's content in _build/html (run after `make book`); tests/site opens it in a browser."""

import html
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M))

pytestmark = pytest.mark.skipif(not (SITE / "index.html").exists(), reason="build the site first: make book")


def _text(page: Path) -> str:
    body = page.read_text()
    body = body[body.find("<article"):body.find("</article>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_ledger_lists_every_claim_in_the_sources():
    "ledger: every claim(...) written in a chapter appears in the built Claims ledger"
    ledger = _text(SITE / "chapters" / "claims_ledger.html")
    for md in CHAPTERS:
        for name in re.findall(r"claim\(\s*\"([\w.\-]+)\"", md.read_text()):
            assert name in ledger, f"{name} from {md.name} is missing from the ledger"


def test_runtime_report_has_every_chapter_within_memory_budget():
    "runtime report: each chapter has a row of CPU time, wall time and memory, memory under 1536 MiB"
    page = _text(SITE / "chapters" / "runtime.html")
    for md in CHAPTERS:
        title = re.search(r"^# (.+)$", md.read_text(), re.M).group(1)
        row = re.search(re.escape(title) + r" (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+) ", page)
        assert row, f"no resources row for {title}"
        assert float(row.group(3)) <= 1536, f"{title} peaked at {row.group(3)} MiB"


def test_ledger_has_a_summary_and_a_section_per_chapter():
    "ledger: a summary row and a section per chapter that has claims"
    page = (SITE / "chapters" / "claims_ledger.html").read_text()
    with_claims = [md for md in CHAPTERS if "claim(" in md.read_text()]
    for md in with_claims:
        assert f'id="ledger-chapters-{md.stem.replace("_", "-")}"' in page, f"no ledger section for {md.name}"
    assert "Published" in page and "At least / at most" in page and "Identity" in page


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_glued_numbers_and_figures_render(md):
    "chapter page: glued numbers are filled in, and every figure cell shows an image with its alt text"
    source = (SITE / "chapters" / f"{md.stem}.html").read_text()
    article = source[source.find("<article"):source.find("</article>")]
    assert "{glue:text}" not in article
    images = re.findall(r"<img [^>]*>", article)
    expected = md.read_text().count("mystnb:\n  figure:")
    assert len(images) >= expected, f"{len(images)} images for {expected} figure cells"
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, f"figure without a real alt text: {img[:120]}"


#: What one chapter page may weigh, HTML and its figures together (the heaviest, eda, measured 1.1 MiB).
PAGE_BUDGET_MIB = 2.0


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_page_is_within_its_size_budget(md):
    "chapter page: the HTML and every image it shows weigh at most PAGE_BUDGET_MIB (figures are drawn for phones)"
    page = SITE / "chapters" / f"{md.stem}.html"
    source = page.read_text()
    images = {page.parent / src for src in re.findall(r'<img [^>]*src="([^"]+)"', source) if "://" not in src}
    size = (page.stat().st_size + sum(p.stat().st_size for p in images)) / 2**20
    assert size <= PAGE_BUDGET_MIB, f"{page.name} weighs {size:.1f} MiB with its figures"


def test_protocol_report_shows_every_shared_model_chapter_and_no_repeated_test_read():
    "protocol report: each chapter that records a choice or a test read has a row; no model is read twice"
    page = _text(SITE / "chapters" / "protocol.html")
    assert "Every reported model was scored on the test period once." in page, page[:600]
    for md in CHAPTERS:
        text = md.read_text()
        if re.search(r"\b(?:select|score_test)\(", text):
            title = re.search(r"^# (.+)$", text, re.M).group(1)
            assert title in page, f"{md.name} records choices or test reads, but the protocol report lacks it"
