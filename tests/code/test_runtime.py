"""labutils.setup, labutils.report_resources and labutils.over_budget."""

import json
import os
import subprocess
import sys

import matplotlib as mpl
import pytest

import labutils
from labutils import _runtime
from labutils.claims import ClaimError
from labutils.plotting import PALETTE


def test_setup_applies_the_book_style():
    "setup: the palette becomes matplotlib's colour cycle"
    labutils.setup(seed=0)
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE[0]


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_setup_rejects_bad_seed(seed, error):
    "setup: the seed is a non-negative int"
    with pytest.raises(error, match="seed"):
        labutils.setup(seed=seed)


def test_report_resources_needs_setup(monkeypatch):
    "report_resources: calling it without setup() says what to do"
    monkeypatch.setattr(_runtime, "_started", None)
    with pytest.raises(RuntimeError, match=r"labutils.setup\(\)"):
        labutils.report_resources()


def test_report_resources_measures_cpu_wall_and_memory():
    "report_resources: CPU time, wall time and peak memory, all positive"
    labutils.setup()
    sum(i * i for i in range(200_000))
    out = labutils.report_resources()
    assert out["cpu_seconds"] > 0 and out["seconds"] > 0 and out["peak_mib"] > 10


def test_report_resources_fails_over_memory_budget(monkeypatch):
    "report_resources: a chapter over its memory budget raises ClaimError"
    labutils.setup()
    monkeypatch.setattr(_runtime, "BUDGET_MIB", 1.0)
    with pytest.raises(ClaimError, match="over its 1 MiB budget"):
        labutils.report_resources()


def test_report_resources_never_fails_on_time(monkeypatch):
    "report_resources: a chapter over its CPU budget is reported, not failed (a busy machine is no error)"
    labutils.setup()
    monkeypatch.setattr(_runtime, "BUDGET_CPU_SECONDS", 0.0)
    out = labutils.report_resources()
    assert labutils.over_budget(out)[0].startswith("CPU")


@pytest.mark.parametrize(("resources", "expected"), [
    ({"cpu_seconds": 44.9, "peak_mib": 1536}, []),
    ({"cpu_seconds": 46, "peak_mib": 100}, ["CPU 46 s > 45 s"]),
    ({"cpu_seconds": 1, "peak_mib": 2000}, ["memory 2000 MiB > 1536 MiB"]),
])
def test_over_budget_names_each_overrun(resources, expected):
    "over_budget: lists the CPU and memory overruns in words"
    assert labutils.over_budget(resources) == expected


def test_over_budget_rejects_incomplete_resources():
    "over_budget: a dict without the measured keys says which are missing"
    with pytest.raises(ValueError, match="cpu_seconds"):
        labutils.over_budget({"peak_mib": 10})


def test_every_thread_pool_has_one_thread_after_heavy_imports():
    "setup: thread pools that load after it (sklearn, xgboost, lightgbm OpenMP and BLAS) run one thread"
    code = (
        "import labutils; labutils.setup()\n"
        "import json, lightgbm, xgboost\n"
        "from sklearn.ensemble import HistGradientBoostingClassifier\n"
        "from threadpoolctl import threadpool_info\n"
        "print(json.dumps([(p['internal_api'], p['num_threads']) for p in threadpool_info()]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in _runtime.THREAD_VARIABLES}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    pools = json.loads(out.stdout)
    assert {api for api, _ in pools} >= {"openmp", "openblas"}
    assert all(n == 1 for _, n in pools), pools
