"""`make budgets`: execute each chapter alone and fail if any is over its CPU or memory budget.

Run it on an otherwise idle machine: the normal build records the same numbers
but never fails on time, since a busy machine slows every chapter.

Usage: python .ci/budgets.py chapters/leakage.md [chapters/other.md ...]
"""

import sys
import time
from pathlib import Path

import jupytext
from nbclient import NotebookClient

from labutils import BUDGET_CPU_SECONDS, BUDGET_MIB, over_budget
from labutils.claims import RECORD_KEY


def measure(md: Path) -> dict[str, float]:
    """Execute one chapter in a fresh kernel and return the resources its last cell recorded."""
    notebook = jupytext.read(md)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(md.parent)}}).execute()
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get(RECORD_KEY, {})
            if record.get("kind") == "resources":
                found[record["name"].removeprefix("_resources.")] = record["value"]
    if not {"cpu_seconds", "peak_mib"} <= found.keys():
        raise SystemExit(f"{md}: no resources recorded; its last cell must call labutils.report_resources().")
    return found


def main(paths: list[str]) -> int:
    if not paths:
        raise SystemExit("usage: python .ci/budgets.py CHAPTER.md [...]")
    print(f"budget per chapter: {BUDGET_CPU_SECONDS:.0f} s CPU, {BUDGET_MIB:.0f} MiB peak memory")
    print(f"{'chapter':<28}{'CPU s':>8}{'wall s':>8}{'MiB':>7}  verdict", flush=True)
    overruns, start = 0, time.perf_counter()
    for path in paths:
        res = measure(Path(path))
        found = over_budget(res)
        overruns += bool(found)
        print(f"{Path(path).stem:<28}{res['cpu_seconds']:>8.1f}{res['seconds']:>8.1f}{res['peak_mib']:>7.0f}  "
              f"{'; '.join(found) or 'within'}", flush=True)
    print(f"{len(paths)} chapters in {time.perf_counter() - start:.0f} s; {overruns} over budget")
    return 1 if overruns else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
