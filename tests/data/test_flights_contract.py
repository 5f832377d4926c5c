"""The flights contract: load_flights() output satisfies labutils.validation.flights_schema()."""

import pytest

from labutils.datasets import load_flights
from labutils.validation import FLIGHTS_KEY, flights_schema, validate_batch


@pytest.fixture(scope="module")
def flights():
    return load_flights()


def test_loader_output_satisfies_the_contract(flights):
    "contract: every one of the 327,346 flights passes every check of the schema"
    report = validate_batch(flights, flights_schema())
    assert report.empty, report.groupby(["check", "column"]).size().to_string()


def test_natural_key_is_unique_and_flight_date_is_not(flights):
    "contract: (sched_dep, carrier, flight, origin) is a key; (flight, date) is not, carriers reuse numbers"
    assert not flights.duplicated(list(FLIGHTS_KEY)).any()
    assert flights.duplicated(["flight", "month", "day"]).sum() > 10_000


def test_cancelled_flights_break_only_the_outcome_columns():
    "contract: keep_cancelled=True fails only not-null checks of post-outcome columns and the label"
    report = validate_batch(load_flights(keep_cancelled=True), flights_schema())
    assert set(report["check"]) == {"not_nullable"}
    assert set(report["column"]) == {"dep_time", "dep_delay", "arr_time", "arr_delay", "air_time", "late"}
