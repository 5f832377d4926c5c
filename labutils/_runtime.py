"""Chapter set-up, and the resource budget every chapter is measured against."""

from __future__ import annotations

import os
import random
import resource
import sys
import time
import tokenize
import warnings
from collections.abc import Mapping
from typing import Any

from .claims import ClaimError, record

__all__ = ["setup", "report_resources", "over_budget", "BUDGET_CPU_SECONDS", "BUDGET_MIB", "THREAD_VARIABLES"]

#: Each chapter should execute within this much CPU time (user + system, in
#: seconds) so that it also runs on Binder's free tier. A benchmark, checked by
#: ``make budgets``, never by the normal build: CPU time on a shared machine is
#: still noisy, and wall time even more so.
BUDGET_CPU_SECONDS = 45.0
#: ... and with at most this peak resident memory, in MiB. Memory is
#: deterministic enough to fail the normal build.
BUDGET_MIB = 1536.0
#: Environment variables that fix the thread count of OpenMP, OpenBLAS, MKL,
#: Accelerate and numexpr when those libraries load.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")

_started: tuple[float, float] | None = None


def _cpu_seconds() -> float:
    """User plus system CPU time of this process and of its waited-for children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def setup(seed: int = 0) -> None:
    """Prepare a chapter's kernel: threads, seeds, plot style, sharp figures, quiet warnings, a start time.

    Call it once in the first (hidden) cell of every chapter, before any other
    import. Every thread pool runs one thread: the book's data are small, and
    extra threads cost more than they save, badly so when the cores are shared
    (Binder, CI, a busy laptop), where OpenMP threads spin-waiting for each
    other made chapters five to ten times slower. The environment variables in
    :data:`THREAD_VARIABLES` are set before any numerical library is imported,
    so they also hold for pools that load later (scikit-learn's, XGBoost's and
    LightGBM's OpenMP); pools already loaded are limited with threadpoolctl.

    Parameters
    ----------
    seed : int, default 0
        Seeds Python's and NumPy's global generators. Code in the book still
        passes ``random_state``/``seed`` explicitly; this is a safety net.

    Examples
    --------
    >>> setup(seed=0)
    >>> import os; os.environ["OMP_NUM_THREADS"]
    '1'
    """
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))  # before numpy, scipy or sklearn load
    import numpy as np
    import pandas as pd
    from threadpoolctl import threadpool_limits

    from ._checks import check_int
    from .plotting import use_style

    check_int("seed", seed, low=0)
    global _started
    _started = (time.perf_counter(), _cpu_seconds())
    random.seed(seed)
    np.random.seed(seed)
    threadpool_limits(limits=1)
    # Progress bars without ipywidgets print a machine path to stderr.
    warnings.filterwarnings("ignore", message="IProgress not found")
    use_style()
    pd.set_option("display.precision", 3)
    pd.set_option("display.width", 88)
    pd.set_option("display.max_colwidth", 200)  # messages in reports are read whole
    _honour_trailing_semicolons()
    _sharp_figures()


#: Device pixels across that a figure needs to be sharp on a phone: about 350 CSS px of
#: page width times 3 device pixels per CSS pixel, with room for the tight bounding box.
PHONE_PIXELS = 1200


def _sharp_figures() -> None:
    """Draw inline figures with two to three times their pixels, shown at their normal size.

    At matplotlib's density a figure shown 360 px wide on a phone with three
    device pixels per CSS pixel is blurred. Each figure is drawn with enough
    pixels for :data:`PHONE_PIXELS` (at least twice, at most three times its
    normal density: a wide figure is shrunk on a phone anyway), and the PNG
    keeps the figure's usual width and height in its display metadata, so
    pages lay out as before.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    import io

    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure
    from PIL import Image

    def dense_png(fig: Figure) -> tuple[bytes, dict[str, int]] | None:
        density = min(3.0, max(2.0, PHONE_PIXELS / (fig.get_figwidth() * fig.dpi)))
        data = print_figure(fig, fmt="png", bbox_inches="tight", dpi=fig.dpi * density)
        if data is None:  # an empty figure
            return None
        width, height = Image.open(io.BytesIO(data)).size
        return data, {"width": round(width / density), "height": round(height / density)}

    def register(*_: Any) -> None:
        shell.display_formatter.formatters["image/png"].for_type(Figure, dense_png)

    # The inline backend resets the figure formats when it activates, sometimes only after
    # the cell that first draws: activate it now, and register again after every cell.
    import matplotlib.pyplot as plt

    plt.close(plt.figure())
    register()
    shell.events.register("post_run_cell", register)


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


def over_budget(resources: Mapping[str, float]) -> list[str]:
    """Which budgets a chapter's measured resources exceed, in words.

    Parameters
    ----------
    resources : mapping
        ``cpu_seconds`` and ``peak_mib``, as returned by :func:`report_resources`
        (other keys are ignored).

    Returns
    -------
    list of str
        Empty when the chapter is within budget.

    Raises
    ------
    ValueError
        If ``cpu_seconds`` or ``peak_mib`` is missing.

    Examples
    --------
    >>> over_budget({"cpu_seconds": 12.0, "peak_mib": 600})
    []
    >>> over_budget({"cpu_seconds": 50.0, "peak_mib": 600})
    ['CPU 50 s > 45 s']
    """
    missing = [key for key in ("cpu_seconds", "peak_mib") if key not in resources]
    if missing:
        raise ValueError(f"resources lack {missing}; pass the dict that report_resources() returns.")
    found = []
    if resources["cpu_seconds"] > BUDGET_CPU_SECONDS:
        found.append(f"CPU {resources['cpu_seconds']:.0f} s > {BUDGET_CPU_SECONDS:.0f} s")
    if resources["peak_mib"] > BUDGET_MIB:
        found.append(f"memory {resources['peak_mib']:.0f} MiB > {BUDGET_MIB:.0f} MiB")
    return found


def report_resources() -> dict[str, float]:
    """Record this kernel's CPU time, wall time and peak memory since :func:`setup`.

    Call it in the last (hidden) cell of every chapter. The values feed the
    Runtime report page, which flags chapters over budget, and ``make
    budgets``, which runs each chapter alone and fails on any overrun. Time is
    never a build failure, since a busy machine slows every chapter; only
    peak memory over :data:`BUDGET_MIB` raises here.

    Returns
    -------
    dict
        ``{"cpu_seconds": ..., "seconds": ..., "peak_mib": ...}``; ``seconds``
        is wall time.

    Raises
    ------
    RuntimeError
        If :func:`setup` was not called first.
    ClaimError
        If peak memory is over :data:`BUDGET_MIB`.

    Examples
    --------
    >>> setup(); report_resources()["peak_mib"] > 0
    True
    """
    if _started is None:
        raise RuntimeError("call labutils.setup() in the chapter's first cell first.")
    wall0, cpu0 = _started
    out = {"cpu_seconds": _cpu_seconds() - cpu0, "seconds": time.perf_counter() - wall0, "peak_mib": _peak_mib()}
    record("_resources.cpu_seconds", round(out["cpu_seconds"], 1), kind="resources")
    record("_resources.seconds", round(out["seconds"], 1), kind="resources")
    record("_resources.peak_mib", round(out["peak_mib"]), kind="resources")
    if out["peak_mib"] > BUDGET_MIB:
        raise ClaimError(f"chapter peaked at {out['peak_mib']:.0f} MiB, over its {BUDGET_MIB:.0f} MiB budget")
    return out
