"""`make format`: reformat the chapters' code statements that are over 88 characters wide.

Each statement with a line over 88 characters goes through `ruff format
--line-length 88 --range` (only that statement: the rest of the cell stays as
its author wrote it), and the chapter's .md is written back by jupytext with
the project's settings (pyproject.toml). A trailing `;` that hides a cell's
result is kept. tests/data/test_chapters.py fails on any code line over 88
characters; ruff cannot split a long string, so such a line is left for the
author to shorten.

Usage: python .ci/format_chapters.py chapters/leakage.md [...]
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

WIDTH = 88
RUFF = Path(sys.executable).with_name("ruff")


def format_long_statements(source: str) -> str:
    """``source`` with every statement that has a line over :data:`WIDTH` reformatted by ruff."""
    quiet = source.rstrip().endswith(";")
    code = source.rstrip()[:-1] if quiet else source
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "cell.py")
        path.write_text(code + "\n")
        lines = code.splitlines()
        for number in reversed([i for i, line in enumerate(lines, 1) if len(line) > WIDTH]):
            subprocess.run([RUFF, "format", "--quiet", "--isolated", "--line-length", str(WIDTH),
                            "--range", f"{number}:1-{number}:{len(lines[number - 1]) + 1}", str(path)],
                           check=True)
        code = path.read_text().rstrip("\n")
    return code + ";" if quiet else code


def main(paths: list[str]) -> int:
    config = load_jupytext_configuration_file(find_jupytext_configuration_file("."))
    for md in map(Path, paths):
        notebook = jupytext.read(md)
        long = [c for c in notebook.cells
                if c.cell_type == "code" and any(len(line) > WIDTH for line in c.source.splitlines())]
        if not long:
            continue
        for cell in long:
            cell.source = format_long_statements(cell.source)
        jupytext.write(notebook, md, fmt="md:myst", config=config)
        still = sum(len(line) > WIDTH for c in long for line in c.source.splitlines())
        print(f"{md}: {len(long)} cell(s) reformatted" + (f", {still} line(s) still too long" if still else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
