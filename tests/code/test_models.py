"""Tests for labutils.models: the shared flights features, time split and model."""

import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from labutils.datasets import FLIGHTS_TARGET, load_flights
from labutils.models import (FLIGHTS_TEST_START, FLIGHTS_VALID_START, MODEL_FEATURES, FlightsSplit,
                             flights_features, flights_model, flights_split)


def test_split_is_three_periods_in_time_order():
    "flights_split: train before September, validation in September, test from October, nothing lost"
    split = flights_split(n=3_000)
    assert isinstance(split, FlightsSplit)
    valid_start, test_start = pd.Timestamp(FLIGHTS_VALID_START), pd.Timestamp(FLIGHTS_TEST_START)
    assert split.train["sched_dep"].max() < valid_start <= split.valid["sched_dep"].min()
    assert split.valid["sched_dep"].max() < test_start <= split.test["sched_dep"].min()
    assert sum(map(len, split)) == 3_000


def test_model_features_are_known_at_the_prediction_point():
    "MODEL_FEATURES: no month, and every column comes back from flights_features"
    assert "month" not in MODEL_FEATURES
    assert "prev_dep_delay" in MODEL_FEATURES
    assert set(MODEL_FEATURES) <= set(flights_split(n=500).train.columns)


def test_flights_features_keeps_rows_and_order():
    "flights_features: one row out per row in, in order, with the index and other columns kept"
    rows = load_flights(n=400, seed=3).sample(frac=1.0, random_state=1)
    out = flights_features(rows)
    assert out.index.equals(rows.index)
    assert out["flight"].equals(rows["flight"])


def test_one_row_at_a_time_equals_the_batch():
    "flights_features: serving one request at a time gives exactly the training features (no skew)"
    rows = load_flights(n=30, seed=5)
    batch = flights_features(rows)[list(MODEL_FEATURES)]
    single = pd.concat([flights_features(rows.iloc[[i]]) for i in range(len(rows))])[list(MODEL_FEATURES)]
    pd.testing.assert_frame_equal(batch, single)


def test_model_learns_something():
    "flights_model: a small model fitted on train ranks September's late flights better than chance"
    split = flights_split(n=20_000)
    model = flights_model(n_estimators=30).fit(split.train[list(MODEL_FEATURES)],
                                               split.train[FLIGHTS_TARGET].astype(int))
    score = model.predict_proba(split.valid[list(MODEL_FEATURES)])[:, 1]
    assert roc_auc_score(split.valid[FLIGHTS_TARGET].astype(int), score) > 0.6


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: flights_split(seed=-1), ValueError, "seed"),
        (lambda: flights_split(seed=1.5), TypeError, "seed"),
        (lambda: flights_split(n=0), ValueError, "n must be at least 100"),
        (lambda: flights_split(n="many"), TypeError, "n must be an int"),
        (lambda: flights_model(n_estimators=0), ValueError, "n_estimators"),
        (lambda: flights_model(seed="0"), TypeError, "seed"),
        (lambda: flights_features([1, 2]), TypeError, "DataFrame"),
        (lambda: flights_features(pd.DataFrame()), ValueError, "empty"),
        (lambda: flights_features(load_flights(n=5).drop(columns="tailnum")), ValueError, "tailnum"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    "flights_split, flights_features, flights_model: bad input raises an error naming the argument"
    with pytest.raises(error, match=message):
        call()
