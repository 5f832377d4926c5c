"""Execute the chapters the book build would execute, two at a time, into the build's cache.

`make book` runs this before `jupyter-book build`. The build executes each
outdated chapter itself, one after the other; every chapter runs on one thread
(labutils.setup), so on two cores two chapters run side by side in about half
the time. Each chapter is read as myst-nb reads it and executed as myst-nb
executes it (jupyter-cache's `single_nb_execution`, in chapters/, with the
timeout of _config.yml), and only this process writes to the cache. The build
then finds every chapter in its cache and executes nothing.

Like labutils.sphinxext, this clears the cache first when a watched input
(`labutils_watch` in _config.yml) changed. A chapter that fails here is left
out of the cache: the build executes it again and reports the error in full.

Usage: python .ci/execute.py chapters/leakage.md [...]
"""

import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.read import read_myst_markdown_notebook
from nbformat import NotebookNode

from labutils.sphinxext import clear_cache_if_inputs_changed

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
WORKERS = 2


def read(md: Path) -> NotebookNode:
    """The chapter as myst-nb reads a MyST notebook (the cache matches on its code cells)."""
    return read_myst_markdown_notebook(md.read_text(encoding="utf8"), add_source_map=True, path=md)


def execute(md: Path, timeout: int) -> tuple[Path, NotebookNode | None, float, str | None]:
    """Execute one chapter in its folder; return it with its outputs, or the error."""
    notebook = read(md)
    result = single_nb_execution(notebook, cwd=str(md.parent), timeout=timeout, allow_errors=False)
    return md, notebook, result.time, None if result.err is None else result.exc_string


def main(paths: list[str]) -> int:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    watched = config["sphinx"]["config"]["labutils_watch"]
    if clear_cache_if_inputs_changed(CACHE, ROOT, watched):
        print("labutils, data or requirements changed: execution cache cleared")
    cache = get_cache(str(CACHE))
    outdated = []
    for md in map(Path.resolve, map(Path, paths)):
        try:
            cache.match_cache_notebook(read(md))
        except KeyError:
            outdated.append(md)
    print(f"executing {len(outdated)} of {len(paths)} chapters, {WORKERS} at a time", flush=True)
    start, failed = time.perf_counter(), []
    with ProcessPoolExecutor(WORKERS) as pool:
        jobs = [pool.submit(execute, md, config["execute"]["timeout"]) for md in outdated]
        for job in as_completed(jobs):
            md, notebook, seconds, error = job.result()
            if error is None:
                cache.cache_notebook_bundle(CacheBundleIn(notebook, str(md), data={"execution_seconds": seconds}),
                                            check_validity=False, overwrite=True)
                print(f"  {md.name}: {seconds:.1f} s", flush=True)
            else:
                failed.append(md.name)
                print(f"  {md.name}: FAILED (the build runs it again and shows the error)", flush=True)
    print(f"executed in {time.perf_counter() - start:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
