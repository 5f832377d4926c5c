"""Chapter set-up and the runtime budget every chapter must meet."""

from __future__ import annotations

import random
import resource
import sys
import time
import tokenize
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from ._checks import check_int
from .claims import ClaimError, record

__all__ = ["setup", "report_resources", "BUDGET_SECONDS", "BUDGET_MIB"]

#: Each chapter must execute within this many seconds (Binder's free tier).
BUDGET_SECONDS = 45.0
#: ... and with at most this peak resident memory, in MiB.
BUDGET_MIB = 1536.0

_started: float | None = None


def setup(seed: int = 0) -> None:
    """Prepare a chapter's kernel: seeds, threads, plot style, quiet warnings, a start time.

    Call it once in the first (hidden) cell of every chapter. BLAS and OpenMP
    run on one thread: the book's data are small, and extra threads cost more
    than they save, badly so when the cores are shared (Binder, CI, a busy
    laptop), where OpenMP threads waiting for each other made k-means and
    XGBoost fits ten times slower.

    Parameters
    ----------
    seed : int, default 0
        Seeds Python's and NumPy's global generators. Code in the book still
        passes ``random_state``/``seed`` explicitly; this is a safety net.

    Examples
    --------
    >>> setup(seed=0)
    """
    check_int("seed", seed, low=0)
    global _started
    _started = time.perf_counter()
    random.seed(seed)
    np.random.seed(seed)
    threadpool_limits(limits=1)
    # Progress bars without ipywidgets print a machine path to stderr.
    warnings.filterwarnings("ignore", message="IProgress not found")
    from .plotting import use_style

    use_style()
    import pandas as pd

    pd.set_option("display.precision", 3)
    pd.set_option("display.width", 100)
    _honour_trailing_semicolons()


def _honour_trailing_semicolons() -> None:
    """Make a trailing ``;`` hide a cell's result under nbval too.

    IPython decides whether ``;`` silences a result by reading the last cell
    in its history, but nbval executes cells with ``store_history=False``, so
    it reads the previous cell and shows results that Jupyter hides. Reading
    the running cell instead gives the same outputs in both.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    hook = shell.displayhook
    history_quiet = hook.quiet

    def quiet() -> bool:
        running = hook.exec_result
        if running is None or running.info is None or running.info.raw_cell is None:
            return history_quiet()
        try:
            return hook.semicolon_at_end_of_expression(running.info.raw_cell)
        except (SyntaxError, tokenize.TokenError):  # unusual cells: keep IPython's answer
            return history_quiet()

    hook.quiet = quiet


def _peak_mib() -> float:
    """Peak resident memory of this process in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def report_resources() -> dict[str, float]:
    """Record this kernel's run time and peak memory, and enforce the budget.

    Call it in the last (hidden) cell of every chapter. The values feed the
    Runtime report page; exceeding :data:`BUDGET_SECONDS` or
    :data:`BUDGET_MIB` raises :class:`~labutils.claims.ClaimError`, which
    fails the book build and the regression tests.

    Returns
    -------
    dict
        ``{"seconds": ..., "peak_mib": ...}``.

    Raises
    ------
    RuntimeError
        If :func:`setup` was not called first.

    Examples
    --------
    >>> setup(); report_resources()["peak_mib"] > 0
    True
    """
    if _started is None:
        raise RuntimeError("call labutils.setup() in the chapter's first cell first.")
    seconds = time.perf_counter() - _started
    peak = _peak_mib()
    record("_resources.seconds", round(seconds, 1), kind="resources")
    record("_resources.peak_mib", round(peak), kind="resources")
    if seconds > BUDGET_SECONDS:
        raise ClaimError(f"chapter ran {seconds:.0f} s, over its {BUDGET_SECONDS:.0f} s budget")
    if peak > BUDGET_MIB:
        raise ClaimError(f"chapter peaked at {peak:.0f} MiB, over its {BUDGET_MIB:.0f} MiB budget")
    return {"seconds": seconds, "peak_mib": peak}
