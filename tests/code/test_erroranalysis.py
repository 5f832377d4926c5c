"""labutils.erroranalysis: per-row log loss, worst slices, paired gains, perturbations, departed delay."""

import inspect

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics import log_loss

from labutils.erroranalysis import (
    departed_delay,
    paired_gain,
    perturbation_shift,
    row_log_loss,
    worst_slices,
)
from labutils.models import PREDICTION_LEAD


def test_row_log_loss_averages_to_sklearn():
    "row_log_loss: its mean equals sklearn's log_loss"
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 500), rng.uniform(0.01, 0.99, 500)
    assert_allclose(row_log_loss(y, p).mean(), log_loss(y, p))


@pytest.mark.parametrize(("y", "p", "error"), [([0, 1], [0.5], ValueError), ([0, 1], [0.5, 1.5], ValueError),
                                               ([0, 2], [0.5, 0.5], ValueError), ([0, 1], ["a", "b"], TypeError),
                                               ([0, 1], [np.nan, 0.5], ValueError)])
def test_row_log_loss_rejects_bad_input(y, p, error):
    "row_log_loss: mismatched lengths, non-probabilities, non-binary labels and NaN are errors"
    with pytest.raises(error):
        row_log_loss(y, p)


def test_worst_slices_finds_the_planted_slice():
    "worst_slices: a slice with triple the error tops the list with a tight interval around 3/mean"
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.choice(["x", "y", "z"], 3000), "b": rng.choice(["u", "v"], 3000)})
    errors = rng.exponential(1.0, 3000) * np.where(frame["a"] == "z", 3.0, 1.0)
    table = worst_slices(errors, frame, min_support=100)
    assert table.loc[0, "slice"] == "a = z"
    assert table.loc[0, "lift_lo"] < table.loc[0, "lift"] < table.loc[0, "lift_hi"]
    assert_allclose(table["support"].sum(), 2 * 3000)


def test_worst_slices_pairs_and_support():
    "worst_slices: max_order=2 adds pairs, and min_support drops small slices"
    frame = pd.DataFrame({"a": ["x"] * 60 + ["y"] * 40, "b": ["u", "v"] * 50})
    errors = np.arange(100.0)
    assert len(worst_slices(errors, frame, min_support=2)) == 4
    assert len(worst_slices(errors, frame, min_support=2, max_order=2)) == 8
    assert set(worst_slices(errors, frame, min_support=50)["slice"]) == {"a = x", "b = u", "b = v"}


def test_worst_slices_missing_values_form_a_slice():
    "worst_slices: NaN in a slice column becomes the slice 'missing'"
    frame = pd.DataFrame({"a": [np.nan] * 5 + ["x"] * 5})
    assert "a = missing" in set(worst_slices(np.arange(1.0, 11.0), frame, min_support=2)["slice"])


@pytest.mark.parametrize(("errors", "frame", "kwargs", "error"), [
    ([1.0, 2.0], pd.DataFrame({"a": [1, 2, 3]}), {}, ValueError),
    ([1.0, -2.0], pd.DataFrame({"a": [1, 2]}), {}, ValueError),
    ([1.0, 2.0], {"a": [1, 2]}, {}, TypeError),
    ([1.0, 2.0], pd.DataFrame({"a": [1, 2]}), {"max_order": 3}, ValueError),
    ([1.0, 2.0], pd.DataFrame({"a": [1, 2]}), {"confidence": 1.0}, ValueError),
    ([1.0, 2.0], pd.DataFrame({"a": [1, 2]}), {"min_support": 1}, ValueError),
    ([0.0, 0.0], pd.DataFrame({"a": [1, 2]}), {}, ValueError),
])
def test_worst_slices_rejects_bad_input(errors, frame, kwargs, error):
    "worst_slices: wrong lengths, negative errors, non-frames and bad options are errors"
    with pytest.raises(error):
        worst_slices(errors, frame, **kwargs)


def test_paired_gain_constant_shift_and_groups():
    "paired_gain: a constant improvement gives that gain with a zero-width interval, grouped or not"
    before = np.random.default_rng(2).exponential(1.0, 400)
    assert_allclose(paired_gain(before, before - 0.2), (0.2, 0.2, 0.2))
    assert_allclose(paired_gain(before, before - 0.2, groups=np.repeat(np.arange(20), 20)), (0.2, 0.2, 0.2))


def test_paired_gain_clusters_widen_the_interval():
    "paired_gain: when whole groups move together, resampling groups gives a wider interval"
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(40), 50)
    diff = rng.normal(0, 1, 40)[groups] + rng.normal(0, 0.1, 2000)
    _, lo_rows, hi_rows = paired_gain(diff, np.zeros(2000))
    _, lo_groups, hi_groups = paired_gain(diff, np.zeros(2000), groups=groups)
    assert hi_groups - lo_groups > 3 * (hi_rows - lo_rows)


@pytest.mark.parametrize(("kwargs", "error"), [({"groups": [1, 2]}, ValueError), ({"groups": [1, 1, 1]}, ValueError),
                                               ({"groups": [1, None, 2]}, ValueError), ({"seed": -1}, ValueError),
                                               ({"n_resamples": 5}, ValueError)])
def test_paired_gain_rejects_bad_input(kwargs, error):
    "paired_gain: wrong group lengths, one group, missing groups and bad options are errors"
    with pytest.raises(error):
        paired_gain([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], **kwargs)


def test_paired_gain_rejects_mismatched_lengths():
    "paired_gain: the two losses must describe the same rows"
    with pytest.raises(ValueError, match="same length"):
        paired_gain([1.0, 2.0], [1.0])


def test_perturbation_shift_linear_model():
    "perturbation_shift: for a linear score the shift is the coefficient times the change"
    X = pd.DataFrame({"a": np.arange(10.0), "b": np.ones(10)})
    assert_allclose(perturbation_shift(lambda d: 2 * d["a"] + d["b"], X, "a", lambda a: a + 1.5), 3.0)
    assert perturbation_shift(lambda d: 2 * d["a"], X, "b", lambda b: b * 7) == 0.0


@pytest.mark.parametrize(("predict", "X", "column", "error"), [
    (None, pd.DataFrame({"a": [1.0]}), "a", TypeError),
    (lambda d: d["a"], [[1.0]], "a", TypeError),
    (lambda d: d["a"], pd.DataFrame({"a": [1.0]}), "b", ValueError),
    (lambda d: np.ones(3), pd.DataFrame({"a": [1.0]}), "a", ValueError),
])
def test_perturbation_shift_rejects_bad_input(predict, X, column, error):
    "perturbation_shift: non-callables, non-frames, unknown columns and wrong output lengths are errors"
    with pytest.raises(error):
        perturbation_shift(predict, X, column, lambda c: c + 1)


def test_departed_delay_uses_only_known_departures():
    "departed_delay: only same-airport, same-day flights gone by t - lead count; own delay never does"
    f = pd.DataFrame({
        "sched_dep": pd.to_datetime(["2013-01-01 06:00", "2013-01-01 06:00", "2013-01-01 09:00",
                                     "2013-01-01 10:00", "2013-01-02 09:00"]),
        "origin": ["JFK", "LGA", "JFK", "JFK", "JFK"],
        "dep_delay": [20.0, 500.0, 100.0, 0.0, 0.0],
    })
    # 09:00 JFK sees the 06:00 JFK flight (left 06:20 <= 07:00); 10:00 also sees only it, since the
    # 09:00 flight left at 10:40; LGA and the next day are never mixed in.
    assert_allclose(departed_delay(f).to_numpy(), [np.nan, np.nan, 20.0, 20.0, np.nan])
    assert_allclose(departed_delay(f, lead_hours=4).to_numpy(), [np.nan] * 5)
    # with no lead time, flights that leave on time see themselves: the leak of the chapter's exercise
    assert_allclose(departed_delay(f, lead_hours=0).to_numpy(), [np.nan, np.nan, 20.0, 10.0, 0.0])


def test_departed_delay_never_looks_past_the_prediction_point():
    "departed_delay: equals a brute-force mean over same-airport, same-day departures gone by t - 2 h"
    rng = np.random.default_rng(4)
    n = 400
    sched = pd.Timestamp("2013-03-01") + pd.to_timedelta(rng.integers(0, 3 * 24 * 60, n), unit="min")
    feed = pd.DataFrame({"sched_dep": sched, "origin": rng.choice(["EWR", "JFK", "LGA"], n),
                         "dep_delay": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(1.0, 30.0, n) - 10)})
    asked = feed.sample(150, random_state=0).drop(columns="dep_delay")
    got = departed_delay(asked, departures=feed)
    left_at = feed["sched_dep"] + pd.to_timedelta(feed["dep_delay"], unit="min")
    for i, row in asked.iterrows():
        gone = ((feed["origin"] == row["origin"]) & (feed["sched_dep"].dt.date == row["sched_dep"].date())
                & (left_at <= row["sched_dep"] - PREDICTION_LEAD))
        expected = feed.loc[gone, "dep_delay"].mean() if gone.any() else np.nan
        assert_allclose(got[i], expected, equal_nan=True)


def test_departed_delay_default_lead_is_the_prediction_point():
    "departed_delay: the default lead is the shared model's PREDICTION_LEAD"
    default = inspect.signature(departed_delay).parameters["lead_hours"].default
    assert pd.Timedelta(hours=default) == PREDICTION_LEAD


@pytest.mark.parametrize(("frame", "kwargs", "error"), [
    ([1, 2], {}, TypeError),
    (pd.DataFrame({"sched_dep": pd.to_datetime(["2013-01-01"]), "origin": ["JFK"]}), {}, ValueError),
    (pd.DataFrame({"sched_dep": pd.to_datetime(["2013-01-01"]), "origin": ["JFK"]}),
     {"departures": [1, 2]}, TypeError),
    (pd.DataFrame({"sched_dep": pd.to_datetime(["2013-01-01"]), "origin": ["JFK"]}),
     {"departures": pd.DataFrame({"sched_dep": ["2013-01-01"], "origin": ["JFK"], "dep_delay": [1.0]})},
     TypeError),
    (pd.DataFrame({"origin": ["JFK"], "dep_delay": [1.0]}), {}, ValueError),
    (pd.DataFrame({"sched_dep": ["2013-01-01"], "origin": ["JFK"], "dep_delay": [1.0]}), {}, TypeError),
    (pd.DataFrame({"sched_dep": pd.to_datetime(["2013-01-01"]), "origin": ["JFK"], "dep_delay": [1.0]}),
     {"lead_hours": -1}, ValueError),
])
def test_departed_delay_rejects_bad_input(frame, kwargs, error):
    "departed_delay: non-frames, missing columns, non-datetime times and negative leads are errors"
    # (a frame without dep_delay needs a departures feed that has it)
    with pytest.raises(error):
        departed_delay(frame, **kwargs)
