"""The site's downloads: every chapter as a notebook (a zip) and the whole book as one PDF.

Run from the repository root after the HTML build (`make book`):

    python .ci/downloads.py [--only zip|pdf] [--out DIR] [--root BOOK] [--html SITE]

Both files land in _build/html (or DIR), beside index.html:

- ml-engineering-lab-notebooks.zip: the reference notebook of every chapter, the labutils
  package and what installs it, under one folder; byte-identical for the same sources.
- ml-engineering-lab.pdf: every page of the table of contents printed by headless Chromium
  (Debian's `chromium`, driven by Playwright, offline) and merged by pypdf, one bookmark a page.
"""

import argparse
import io
import re
import shutil
import sys
import time
import zipfile
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urldefrag, urlparse

import yaml
from playwright.sync_api import Route, sync_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NullObject, TextStringObject

ROOT = Path(__file__).resolve().parents[1]
TITLE = "ML Engineering Lab"
FOLDER = "ml-engineering-lab"
ZIP_NAME = f"{FOLDER}-notebooks.zip"
PDF_NAME = f"{FOLDER}.pdf"
# Every entry gets the same time stamp and mode, so the zip depends on the sources alone.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o644 << 16
# Files that install labutils (pyproject.toml names README.md as the package's readme).
PROJECT_FILES = ("requirements.txt", "pyproject.toml", "README.md")
README = """\
{title}: every chapter as a Jupyter notebook, with the outputs of its reference run.

Python 3.11. In this folder:

    python3.11 -m venv .venv && . .venv/bin/activate
    pip install -r requirements.txt && pip install -e .
    jupyter lab chapters/

then open the notebooks in chapters/. Their data comes from files that the pinned
packages bundle; nothing is downloaded. The chapter mlops.ipynb checks the book's own
Makefile, CI and tests, so it runs only in a clone of the whole repository:
{url}
"""

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")  # Debian's; GitHub's runners have Chrome
# The offline flags of tests/site and shared/TOOLCHAIN-NOTES.md (Chromium's own pings stay off).
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_SCHEMES = ("file", "data", "blob", "about")
MARGIN_MM = {"top": 15, "bottom": 15, "left": 12, "right": 12}
MARGIN = {side: f"{mm}mm" for side, mm in MARGIN_MM.items()}
# Lay pages out as wide as A4's printable width (210 mm less the margins, at 96 px per inch)
# so that FIT_WIDE measures what will be printed.
PRINT_WIDTH_PX = round((210 - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96)
# The theme's print CSS already hides the sidebars; this hides what is left of the site's
# chrome and wraps code and outputs instead of cutting them at the right margin.
PRINT_CSS = """@media print {
  .bd-header, .bd-header-article, .header-article, .bd-sidebar-primary, .bd-sidebar-secondary,
  .bd-footer, .bd-footer-article, .bd-footer-content, .prev-next-area, #pst-back-to-top,
  .skip-link, .copybtn, .toggle-button { display: none !important; }
  pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
  .cell_output, .output, div.highlight, .bd-article-container { overflow: visible !important; }
  .cell_input, img, figure { break-inside: avoid; }
  .bd-main .bd-content table { break-inside: auto !important; }  /* a long table may split */
  img { max-width: 100% !important; }
}"""
# MathJax typesets after the load event; its startup promise settles when the page is done.
MATHJAX_DONE = """() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
  ? MathJax.startup.promise.then(() => true) : true"""
# A table or display equation wider than the page would be cut off, and would make Chromium
# print the whole page smaller; zoom each one out to the width it has instead.
FIT_WIDE = """() => document.querySelectorAll('article table, article mjx-container[display="true"]')
  .forEach(e => { const room = e.parentElement.clientWidth;
                  if (e.scrollWidth > room) e.style.zoom = room / e.scrollWidth; })"""
HEADING = """() => { const h = document.querySelector('article h1');
  if (!h) return document.title;
  const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(e => e.remove());
  return c.textContent.trim(); }"""


def chapter_notebooks(root: Path) -> list[Path]:
    """Return the reference notebook of every chapter, sorted.

    Parameters
    ----------
    root : Path
        The repository root.

    Returns
    -------
    list of Path
        ``chapters/<name>.ipynb`` for each ``chapters/<name>.md`` with a ``kernelspec:`` line
        (the Makefile's CHAPTERS).

    Raises
    ------
    SystemExit
        If a chapter has no reference notebook.
    """
    chapters = [md for md in sorted((root / "chapters").glob("*.md"))
                if re.search(r"^kernelspec:", md.read_text(), re.MULTILINE)]
    missing = [md.with_suffix(".ipynb").name for md in chapters if not md.with_suffix(".ipynb").exists()]
    if missing:
        raise SystemExit(f"no reference notebook for {', '.join(missing)}: run make references")
    return [md.with_suffix(".ipynb") for md in chapters]


def zip_members(root: Path) -> dict[str, bytes]:
    """Collect the zip's files, keyed by their path inside the zip.

    Parameters
    ----------
    root : Path
        The repository root.

    Returns
    -------
    dict of str to bytes
        The chapter notebooks, the labutils sources (no caches), the project files and a
        README.txt, each under ``ml-engineering-lab/``.
    """
    package = [p for p in (root / "labutils").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    files = [*chapter_notebooks(root), *package, *(root / name for name in PROJECT_FILES)]
    members = {f"{FOLDER}/{p.relative_to(root).as_posix()}": p.read_bytes() for p in files}
    url = yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"]
    members[f"{FOLDER}/README.txt"] = README.format(title=TITLE, url=url).encode()
    return members


def write_zip(root: Path, out: Path) -> Path:
    """Write the notebooks zip with sorted entries and fixed time stamps.

    Parameters
    ----------
    root : Path
        The repository root.
    out : Path
        The folder to write ``ml-engineering-lab-notebooks.zip`` into.

    Returns
    -------
    Path
        The zip written.
    """
    path = out / ZIP_NAME
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in sorted(zip_members(root).items()):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = ZIP_MODE
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def reading_order(root: Path) -> list[str]:
    """List the book's pages in reading order, as _toc.yml gives them.

    Parameters
    ----------
    root : Path
        The book's root, which holds ``_toc.yml``.

    Returns
    -------
    list of str
        Document names without suffix: the root page, then every file of the parts,
        chapters and sections, depth first (``url`` entries are left out).
    """
    def walk(entries: list[dict]) -> list[str]:
        found = []
        for entry in entries:
            found += [entry["file"]] if "file" in entry else []
            for key in ("parts", "chapters", "sections"):
                found += walk(entry.get(key, []))
        return found

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [Path(name).with_suffix("").as_posix() for name in [toc["root"], *walk([toc])]]


def find_browser() -> str:
    """Return the path of the system's Chromium.

    Returns
    -------
    str
        The first of chromium, chromium-browser and google-chrome on PATH.

    Raises
    ------
    SystemExit
        If none is installed.
    """
    path = next(filter(None, map(shutil.which, BROWSER_NAMES)), None)
    if path is None:
        raise SystemExit("chromium not found: install Debian's package `chromium` "
                         "(make browser, or apt-get install chromium)")
    return path


class Printed(NamedTuple):
    """One page of the site printed to PDF."""

    name: str     #: its document name, e.g. ``chapters/math``
    heading: str  #: its ``<h1>`` text, else its document title
    pdf: bytes


def print_pages(browser_path: str, html: Path, pages: list[str]) -> list[Printed]:
    """Print each page of the site to PDF in headless Chromium, offline.

    Parameters
    ----------
    browser_path : str
        The Chromium to drive (see `find_browser`).
    html : Path
        The built site (``_build/html``).
    pages : list of str
        Document names in reading order; ``<name>.html`` must exist under `html`.

    Returns
    -------
    list of Printed
        The pages in the same order.
    """
    def offline(route: Route) -> None:
        if urlparse(route.request.url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            route.abort()

    printed = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, headless=True, args=BROWSER_ARGS)
        context = browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
        context.route("**/*", offline)
        page = context.new_page()
        page.emulate_media(media="print")
        for number, name in enumerate(pages, 1):
            start = time.perf_counter()
            page.goto((html / f"{name}.html").as_uri(), wait_until="networkidle")
            page.evaluate(MATHJAX_DONE)
            page.add_style_tag(content=PRINT_CSS)
            page.evaluate(FIT_WIDE)
            pdf = page.pdf(format="A4", print_background=True, margin=MARGIN)
            printed.append(Printed(name, page.evaluate(HEADING), pdf))
            print(f"[{number:>2}/{len(pages)}] {name}: {len(pdf) / 1e6:.1f} MB in "
                  f"{time.perf_counter() - start:.1f} s", flush=True)
        browser.close()
    return printed


def site_path(uri: str, html: Path) -> tuple[str, str] | None:
    """Read a link that Chromium printed as a ``file://`` URI of the built site.

    Parameters
    ----------
    uri : str
        The link's URI.
    html : Path
        The built site the pages were printed from.

    Returns
    -------
    (str, str) or None
        The target's path relative to the site's root and its anchor (possibly empty);
        None for a link that leaves the site.
    """
    url, anchor = urldefrag(uri)
    parsed = urlparse(url)
    target = Path(unquote(parsed.path)).resolve()
    if parsed.scheme != "file" or not target.is_relative_to(html.resolve()):
        return None
    return target.relative_to(html.resolve()).as_posix(), unquote(anchor)


Anchors = dict[tuple[str, str], tuple[int, float | None]]  # (page, anchor) -> (PDF page, top)


def write_pdf(printed: list[Printed], html: Path, out: Path) -> Path:
    """Merge the printed pages into one PDF with a bookmark per page and working links.

    Parameters
    ----------
    printed : list of Printed
        The pages in reading order.
    html : Path
        The built site the pages were printed from.
    out : Path
        The folder to write ``ml-engineering-lab.pdf`` into.

    Returns
    -------
    Path
        The PDF written.
    """
    writer = PdfWriter()
    links: list[tuple[DictionaryObject, tuple[str, str] | None]] = []
    anchors: Anchors = {}
    for page in printed:
        reader = PdfReader(io.BytesIO(page.pdf))
        first = len(writer.pages)
        anchors[page.name, ""] = (first, None)
        for key, dest in reader.named_destinations.items():
            at = first + reader.get_destination_page_number(dest)
            anchors[page.name, key.removeprefix("/")] = (at, dest.top)
        writer.append(reader, import_outline=False)
        writer.add_outline_item(title=page.heading, page_number=first)
        for annotation in (a.get_object() for p in writer.pages[first:] for a in p.get("/Annots", [])):
            if "/Dest" in annotation:  # an anchor on the same page of the site
                links.append((annotation, (f"{page.name}.html", str(annotation["/Dest"]).removeprefix("/"))))
            elif "/URI" in annotation.get("/A", {}):
                links.append((annotation, site_path(str(annotation["/A"]["/URI"]), html)))
    for annotation, target in links:
        if target is not None:
            retarget(writer, annotation, *target, anchors)
    writer.add_metadata({"/Title": TITLE})
    writer.page_mode = "/UseOutlines"
    path = out / PDF_NAME
    with path.open("wb") as file:
        writer.write(file)
    return path


def retarget(writer: PdfWriter, annotation: DictionaryObject, path: str, anchor: str, anchors: Anchors) -> None:
    """Point a link of the merged PDF at its place in the PDF, or relative to it.

    Chromium prints a link to another page as a ``file://`` URI of the build machine, and an
    anchor as a named destination whose name other pages reuse (``main-content``,
    ``exercises``...). A link to a printed page becomes an explicit destination in the PDF;
    a link to another file of the site becomes a path relative to the PDF, which sits at
    the site's root.

    Parameters
    ----------
    writer : pypdf.PdfWriter
        The merged PDF.
    annotation : pypdf.generic.DictionaryObject
        The link annotation, changed in place.
    path, anchor : str
        Where the link leads: a path relative to the site's root and an anchor (or "").
    anchors : dict
        ``(document, anchor) -> (PDF page index, top)`` of every printed page; ``""`` is
        the top of the page.
    """
    document = path.removesuffix(".html")
    if (document, "") not in anchors:
        annotation["/A"][NameObject("/URI")] = TextStringObject(path + (f"#{anchor}" if anchor else ""))
        return
    at, top = anchors.get((document, anchor), anchors[document, ""])
    annotation.pop("/A", None)
    annotation[NameObject("/Dest")] = ArrayObject([
        writer.pages[at].indirect_reference, NameObject("/XYZ"), NullObject(),
        NullObject() if top is None else FloatObject(top), NullObject()])


def main(argv: list[str]) -> int:
    """Build the downloads named on the command line (both by default).

    Parameters
    ----------
    argv : list of str
        Command-line arguments; ``--help`` lists them.

    Returns
    -------
    int
        The exit status, 0 on success.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's repository (default: this one)")
    parser.add_argument("--html", type=Path, help="the built site (default: ROOT/_build/html)")
    parser.add_argument("--out", type=Path, help="where to write the downloads (default: the built site)")
    parser.add_argument("--only", choices=("zip", "pdf"), help="build one of the two downloads")
    args = parser.parse_args(argv)
    html = args.html or args.root / "_build" / "html"
    out = args.out or html
    if not (html / "index.html").exists():
        raise SystemExit(f"no HTML build in {html}: run make book first")
    make_zip, make_pdf = args.only in (None, "zip"), args.only in (None, "pdf")
    if make_pdf:  # check everything the PDF needs before spending time on anything
        pages = reading_order(args.root)
        missing = [name for name in pages if not (html / f"{name}.html").exists()]
        if missing:
            raise SystemExit(f"{html} lacks pages of _toc.yml ({', '.join(missing)}): run make book first")
        browser_path = find_browser()
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if make_zip:
        path = write_zip(args.root, out)
        print(f"{path}: {len(zipfile.ZipFile(path).namelist())} files, {path.stat().st_size / 1e6:.1f} MB")
    if make_pdf:
        path = write_pdf(print_pages(browser_path, html, pages), html, out)
        print(f"{path}: {len(pages)} pages of the site, {path.stat().st_size / 1e6:.1f} MB")
    print(f"downloads written to {out} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
