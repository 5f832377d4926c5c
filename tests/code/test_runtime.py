"""labutils.setup and labutils.report_resources."""

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


def test_report_resources_measures_time_and_memory():
    "report_resources: positive run time and peak memory"
    labutils.setup()
    out = labutils.report_resources()
    assert out["seconds"] >= 0 and out["peak_mib"] > 10


def test_report_resources_fails_over_budget(monkeypatch):
    "report_resources: a chapter over its memory budget raises ClaimError"
    labutils.setup()
    monkeypatch.setattr(_runtime, "BUDGET_MIB", 1.0)
    with pytest.raises(ClaimError, match="over its 1 MiB budget"):
        labutils.report_resources()


def test_setup_runs_blas_on_one_thread():
    "setup: BLAS is limited to one thread, so shared cores do not collapse run times"
    from threadpoolctl import threadpool_info

    labutils.setup()
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
