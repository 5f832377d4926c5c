"""labutils.drift: PSI, the per-feature drift report and Page-Hinkley."""

import random

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from labutils.drift import DRIFT_COLUMNS, drift_report, ks_alarm_rate, page_hinkley, psi


def test_psi_identical_samples_is_zero():
    "psi: a sample compared with itself scores 0"
    x = np.random.default_rng(0).normal(size=1000)
    assert_allclose(psi(x, x), 0.0, atol=1e-12)


def test_psi_hand_computed():
    "psi: two bins with shares (0.5, 0.5) against (0.25, 0.75) give the textbook sum"
    expected = [0, 0, 1, 1]
    actual = [0, 1, 1, 1]
    want = (0.25 - 0.5) * np.log(0.25 / 0.5) + (0.75 - 0.5) * np.log(0.75 / 0.5)
    assert_allclose(psi(expected, actual, n_bins=2), want)


def test_psi_null_mean_matches_theory():
    "psi: without a shift the mean over simulations is close to (B-1)(1/N+1/M)"
    rng = np.random.default_rng(1)
    values = [psi(rng.normal(size=500), rng.normal(size=800)) for _ in range(300)]
    assert_allclose(np.mean(values), 9 * (1 / 500 + 1 / 800), rtol=0.15)


def test_psi_grows_with_the_shift():
    "psi: a larger mean shift gives a larger index"
    rng = np.random.default_rng(2)
    ref = rng.normal(size=3000)
    scores = [psi(ref, rng.normal(shift, size=3000)) for shift in (0.0, 0.3, 1.0)]
    assert scores[0] < scores[1] < scores[2]


def test_psi_empty_bin_is_finite():
    "psi: an actual sample that leaves bins empty gives a large but finite index"
    value = psi(np.arange(100.0), np.full(50, 1000.0))
    assert np.isfinite(value) and value > 5


def test_psi_constant_reference():
    "psi: a constant reference gives one cut; the same constant scores 0, another value does not"
    assert_allclose(psi(np.ones(50), np.ones(20)), 0.0, atol=1e-12)
    assert psi(np.ones(50), np.full(20, 2.0)) > 1


@pytest.mark.parametrize(("expected", "actual", "kwargs", "error"), [
    ([], [1.0], {}, ValueError),
    ([1.0], [], {}, ValueError),
    ([1.0, np.nan], [1.0], {}, ValueError),
    ([[1.0, 2.0]], [1.0], {}, ValueError),
    (["a", "b"], [1.0], {}, TypeError),
    ([1.0, 2.0], [1.0], {"n_bins": 1}, ValueError),
    ([1.0, 2.0], [1.0], {"n_bins": 2.5}, TypeError),
])
def test_psi_rejects_bad_input(expected, actual, kwargs, error):
    "psi: empty, NaN, 2-D or non-numeric samples and bad bin counts are errors"
    with pytest.raises(error):
        psi(expected, actual, **kwargs)


def _frames(shift, n=2000, seed=0):
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({"x": rng.normal(size=n), "c": rng.choice(["a", "b", "c"], n)})
    cur = pd.DataFrame({"x": rng.normal(shift, size=n), "c": rng.choice(["a", "b", "c"], n)})
    return ref, cur


def test_report_flags_only_the_shifted_column():
    "drift_report: a shifted numeric column is flagged, an unshifted categorical one is not"
    report = drift_report(*_frames(0.5))
    assert list(report.columns) == DRIFT_COLUMNS
    assert report["test"].to_dict() == {"x": "ks", "c": "chi2"}
    assert report["drifted"].to_dict() == {"x": True, "c": False}


def test_report_categorical_shift_and_new_category():
    "drift_report: a category that appears only in the current batch is flagged"
    ref = pd.DataFrame({"c": pd.Categorical(["a", "b"] * 500)})
    cur = pd.DataFrame({"c": pd.Categorical(["a", "b", "z", "z"] * 250)})
    row = drift_report(ref, cur).loc["c"]
    assert row["drifted"] and row["psi"] > 1


def test_report_uses_bonferroni():
    "drift_report: a p-value between alpha/k and alpha is not flagged with k columns"
    rng = np.random.default_rng(3)
    ref = pd.DataFrame({f"x{i}": rng.normal(size=300) for i in range(10)})
    cur = pd.DataFrame({f"x{i}": rng.normal(size=300) for i in range(10)})
    report = drift_report(ref, cur)
    assert not report.loc[report["p_value"] >= 0.005, "drifted"].any()
    assert report.loc[report["p_value"] < 0.005, "drifted"].all()


def test_report_drops_missing_values_and_handles_constants():
    "drift_report: NaNs are dropped per column; a constant categorical column is not drifted"
    ref = pd.DataFrame({"x": [1.0, np.nan, 2.0, 3.0] * 50, "c": ["a"] * 200})
    cur = pd.DataFrame({"x": [1.0, 2.0, 3.0, np.nan] * 50, "c": ["a"] * 200})
    report = drift_report(ref, cur)
    assert_allclose(report["p_value"], [1.0, 1.0])
    assert not report["drifted"].any()


@pytest.mark.parametrize(("ref", "cur", "kwargs", "error"), [
    ([1.0], pd.DataFrame({"x": [1.0]}), {}, TypeError),
    (pd.DataFrame({"x": [1.0]}), pd.DataFrame({"x": []}), {}, ValueError),
    (pd.DataFrame({"x": [1.0]}), pd.DataFrame({"y": [1.0]}), {}, ValueError),
    (pd.DataFrame({"x": [np.nan]}), pd.DataFrame({"x": [1.0]}), {}, ValueError),
    (pd.DataFrame({"x": [1.0]}), pd.DataFrame({"x": [1.0]}), {"alpha": 1.5}, ValueError),
    (pd.DataFrame({"x": [1.0]}), pd.DataFrame({"x": [1.0]}), {"n_bins": 0}, ValueError),
])
def test_report_rejects_bad_input(ref, cur, kwargs, error):
    "drift_report: non-frames, empty frames, mismatched columns, all-NaN columns, bad alpha"
    with pytest.raises(error):
        drift_report(ref, cur, **kwargs)


def test_report_names_the_mismatched_columns():
    "drift_report: the error says which columns differ"
    with pytest.raises(ValueError, match=r"lacks \['x'\] and has extra \['y'\]"):
        drift_report(pd.DataFrame({"x": [1.0]}), pd.DataFrame({"y": [1.0]}))


def test_page_hinkley_reproduces_river_docstring():
    "page_hinkley: river's documented stream is detected at index 1006, as river reports"
    rng = random.Random(12345)
    stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    assert page_hinkley(stream) == [1006]


def test_page_hinkley_modes_and_reset():
    "page_hinkley: a drop is seen by 'down' and 'both' only; detection restarts after a signal"
    stream = [5.0] * 200 + [0.0] * 200
    assert page_hinkley(stream, mode="up") == []
    assert page_hinkley(stream, mode="down") == page_hinkley(stream)
    assert len(page_hinkley(stream)) == 1
    assert page_hinkley([0.0] * 100 + [10.0] * 100, threshold=5)[0] >= 100


def test_page_hinkley_constant_stream_is_quiet():
    "page_hinkley: a constant stream never signals"
    assert page_hinkley(np.full(5000, 3.0)) == []


@pytest.mark.parametrize(("stream", "kwargs", "error"), [
    ([], {}, ValueError),
    ([1.0, np.nan], {}, ValueError),
    (["a"], {}, TypeError),
    ([1.0], {"threshold": 0}, ValueError),
    ([1.0], {"delta": -1}, ValueError),
    ([1.0], {"alpha": 1.5}, ValueError),
    ([1.0], {"alpha": "x"}, TypeError),
    ([1.0], {"min_instances": 0}, ValueError),
    ([1.0], {"mode": "sideways"}, ValueError),
])
def test_page_hinkley_rejects_bad_input(stream, kwargs, error):
    "page_hinkley: empty, NaN or text streams and out-of-range parameters are errors"
    with pytest.raises(error):
        page_hinkley(stream, **kwargs)


def test_ks_statistic_matches_scipy():
    "_ks_statistic: the vectorised statistic equals scipy's ks_2samp"
    from scipy import stats

    from labutils.drift import _ks_statistic
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=300), rng.normal(0.2, size=200)
    assert_allclose(_ks_statistic(x, y), stats.ks_2samp(x, y).statistic)


def test_ks_alarm_rate_false_alarms_and_power():
    "ks_alarm_rate: without a shift about alpha or less; a large shift is always caught"
    assert ks_alarm_rate(200, shift=0.0, n_reps=400, seed=0) <= 0.07
    assert_allclose(ks_alarm_rate(500, shift=1.0, n_reps=50, seed=0), 1.0)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"n": 1}, ValueError), ({"n": 100, "shift": "x"}, TypeError),
    ({"n": 100, "alpha": 0}, ValueError), ({"n": 100, "n_reps": 0}, ValueError),
    ({"n": 100, "n_features": 2.0}, TypeError),
])
def test_ks_alarm_rate_rejects_bad_input(kwargs, error):
    "ks_alarm_rate: tiny batches, non-numeric shifts, bad alpha or counts are errors"
    with pytest.raises(error):
        ks_alarm_rate(**kwargs)
