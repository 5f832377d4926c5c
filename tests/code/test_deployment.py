"""Tests for labutils.deployment: canary routing and judging, micro-batches, batch files, shadows."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.dummy import DummyClassifier

from labutils.deployment import (_shift_interval, canary_judge, make_canary_metrics, micro_batches,
                                 route_canary, score_file, shadow_compare)
from labutils.serving import feature_schema


def _classification(result, metric="latency_ms"):
    return result.metrics.set_index("metric").loc[metric, "classification"]


def test_canary_latency_up_30_percent_is_high():
    "canary_judge: a canary with +30% latency is judged High and fails"
    result = canary_judge(make_canary_metrics(seed=1), make_canary_metrics(latency_increase=0.3, seed=2))
    assert _classification(result) == "High"
    assert result.verdict == "Fail"


def test_canary_identical_passes():
    "canary_judge: the same data, or data from the same distribution, passes with score 100"
    control = make_canary_metrics(seed=1)
    assert canary_judge(control, control).score == 100.0
    result = canary_judge(control, make_canary_metrics(seed=2))
    assert result.score == 100.0 and result.verdict == "Pass"


def test_canary_error_rate_rise_is_caught():
    "canary_judge: an error rate up from 0.2% to 1% is judged High"
    result = canary_judge(make_canary_metrics(seed=1), make_canary_metrics(error_rate=0.01, seed=2))
    assert _classification(result, "error_rate") == "High"


def test_canary_latency_down_is_low():
    "canary_judge: a canary 30% faster is judged Low (either direction counts, as in Kayenta)"
    result = canary_judge(make_canary_metrics(seed=1), make_canary_metrics(latency_increase=-0.3, seed=2))
    assert _classification(result) == "Low"


def test_canary_constant_arrays():
    "canary_judge: equal constants pass; a constant that doubled is High"
    assert canary_judge({"m": [1.0, 1.0, 1.0]}, {"m": [1.0, 1.0]}).score == 100.0
    assert _classification(canary_judge({"m": [1.0] * 5}, {"m": [2.0] * 5}), "m") == "High"


def test_canary_score_and_verdict_thresholds():
    "canary_judge: one High out of two metrics scores 50, Marginal at marginal_score=50"
    control = make_canary_metrics(seed=1)
    canary = make_canary_metrics(latency_increase=0.3, seed=2)
    result = canary_judge(control, canary, pass_score=90, marginal_score=50)
    assert result.score == 50.0 and result.verdict == "Marginal"


def test_shift_interval_matches_hand_computation():
    "_shift_interval: Hodges-Lehmann median of pairwise differences, interval contains it"
    shift, low, high = _shift_interval(np.array([3.0, 4.0, 5.0]), np.array([1.0, 2.0]), 0.9)
    assert_allclose(shift, np.median([2, 1, 3, 2, 4, 3]))
    assert low <= shift <= high


@pytest.mark.parametrize("control, canary, error, message", [
    ({"m": []}, {"m": [1.0]}, ValueError, "empty"),
    ({"m": [1.0, np.nan]}, {"m": [1.0]}, ValueError, "NaN"),
    ({"m": [1.0]}, {"n": [1.0]}, ValueError, "same metrics"),
    ({}, {"m": [1.0]}, TypeError, "non-empty dict"),
    ([1.0], {"m": [1.0]}, TypeError, "non-empty dict"),
    ({"m": ["a"]}, {"m": [1.0]}, TypeError, "numbers"),
    ({"m": [[1.0, 2.0]]}, {"m": [1.0]}, ValueError, "one-dimensional"),
])  # fmt: skip
def test_canary_bad_samples(control, canary, error, message):
    "canary_judge: empty, NaN, mismatched, non-dict, non-numeric and 2-d samples are refused"
    with pytest.raises(error, match=message):
        canary_judge(control, canary)


@pytest.mark.parametrize("kwargs, error", [
    ({"tolerance": -0.1}, ValueError), ({"tolerance": 1.0}, ValueError),
    ({"tolerance": "0.25"}, TypeError), ({"confidence": 0.0}, ValueError),
    ({"confidence": 1.0}, ValueError), ({"confidence": float("nan")}, TypeError),
    ({"pass_score": 120}, ValueError), ({"pass_score": 50, "marginal_score": 75}, ValueError),
])  # fmt: skip
def test_canary_bad_tolerance_confidence_scores(kwargs, error):
    "canary_judge: tolerance outside [0, 1), confidence outside (0, 1) and bad scores are refused"
    with pytest.raises(error):
        canary_judge({"m": [1.0, 2.0]}, {"m": [1.0, 2.0]}, **kwargs)


def test_route_canary_fraction_and_stability():
    "route_canary: about the requested fraction, stable per key, and the salt redraws it"
    keys = [f"k{i}" for i in range(20_000)]
    first = route_canary(keys, fraction=0.05)
    assert_allclose(first.mean(), 0.05, atol=0.005)
    assert (first == route_canary(keys, fraction=0.05)).all()
    assert (first != route_canary(keys, fraction=0.05, salt="other")).any()
    assert not route_canary(keys, fraction=0.0).any() and route_canary(keys, fraction=1.0).all()
    with pytest.raises(ValueError, match="fraction"):
        route_canary(keys, fraction=1.5)
    with pytest.raises(ValueError, match="empty"):
        route_canary([], fraction=0.1)


def test_make_canary_metrics_effect_and_checks():
    "make_canary_metrics: a +30% increase moves mean latency by about 30%; bad args are refused"
    base = make_canary_metrics(n=2000, seed=0)["latency_ms"].mean()
    slow = make_canary_metrics(n=2000, latency_increase=0.3, seed=0)["latency_ms"].mean()
    assert_allclose(slow / base, 1.3, rtol=1e-9)
    with pytest.raises(ValueError, match="latency"):
        make_canary_metrics(latency_ms=0)
    with pytest.raises(ValueError, match="error_rate"):
        make_canary_metrics(error_rate=2.0)


def test_micro_batches_size_wait_and_order():
    "micro_batches: batches close on size or on the timer; every event appears once"
    events = [(float(t), t) for t in [0, 1, 2, 3, 10, 11, 30]]
    batches = list(micro_batches(events, max_size=3, max_wait=5.0))
    assert [[x for _, x in b] for _, b in batches] == [[0, 1, 2], [3], [10, 11], [30]]
    assert [t for t, _ in batches] == [2.0, 8.0, 15.0, 35.0]
    with pytest.raises(ValueError, match="time order"):
        list(micro_batches([(2.0, "a"), (1.0, "b")], max_size=2))
    with pytest.raises(TypeError, match="tuple"):
        list(micro_batches([1.0], max_size=2))
    with pytest.raises(ValueError, match="max_wait"):
        list(micro_batches(events, max_size=2, max_wait=0))
    with pytest.raises(ValueError, match="max_size"):
        list(micro_batches(events, max_size=0))


def test_score_file_round_trip_and_errors(tmp_path):
    "score_file: scores every row with the in-process probabilities; missing files and columns are refused"
    X = pd.DataFrame({"hour": [5, 9, 23], "origin": pd.Categorical(["JFK", "LGA", "JFK"])})
    model = DummyClassifier(strategy="prior").fit(X[["hour"]], [0, 1, 1])
    X.assign(id=[1, 2, 3])[["id", "hour"]].to_parquet(tmp_path / "in.parquet")
    schema = feature_schema(X[["hour"]])
    assert score_file(model, tmp_path / "in.parquet", tmp_path / "out.parquet", schema=schema, keep=["id"]) == 3
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert_allclose(out["probability"], 2 / 3)
    with pytest.raises(FileNotFoundError):
        score_file(model, tmp_path / "nope.parquet", tmp_path / "o.parquet", schema=schema)
    with pytest.raises(ValueError, match="keep"):
        score_file(model, tmp_path / "in.parquet", tmp_path / "o.parquet", schema=schema, keep=["x"])
    pd.DataFrame({"id": [1], "hour": [99]}).to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(ValueError, match="column .hour.: Input should be less than or equal to"):
        score_file(model, tmp_path / "bad.parquet", tmp_path / "o.parquet", schema=schema)


def test_shadow_compare_values_and_errors():
    "shadow_compare: identical scores agree fully; a shift is measured; bad input is refused"
    a = np.linspace(0.05, 0.95, 50)
    same = shadow_compare(a, a)
    assert same["agreement"] == 1.0 and same["ks_statistic"] == 0.0 and same["mean_abs_diff"] == 0.0
    shifted = shadow_compare(a, np.clip(a + 0.2, 0, 1))
    assert_allclose(shifted["shadow_mean"] - shifted["primary_mean"], 0.2, atol=0.02)
    with pytest.raises(ValueError, match="same requests"):
        shadow_compare(a, a[:10])
    with pytest.raises(ValueError, match="finite"):
        shadow_compare([0.1, np.nan], [0.1, 0.2])
    with pytest.raises(ValueError, match="threshold"):
        shadow_compare(a, a, threshold=1.0)
