"""labutils.validation: the flights schema, fault injection, the lazy report and its scoring."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from labutils.datasets import load_flights
from labutils.validation import (FAULTS, REPORT_COLUMNS, fault_recall, flights_schema, inject_faults,
                                 validate_batch)

EXPECTED_CHECK = {
    "nulls": "not_nullable",
    "minutes_to_hours": "in_range(15, 800)",
    "new_category": "known_carrier",
    "duplicate_rows": "multiple_fields_uniqueness",
    "shifted_timestamps": "sched_dep_matches_parts",
}


@pytest.fixture(scope="module")
def batch():
    return load_flights(n=2000, seed=0)


@pytest.fixture(scope="module")
def schema():
    return flights_schema()


def test_clean_batch_passes(batch, schema):
    "validate_batch: a clean batch gives an empty report with the documented columns"
    report = validate_batch(batch, schema)
    assert report.empty and list(report.columns) == REPORT_COLUMNS


@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_is_caught_on_exactly_its_rows(batch, schema, fault):
    "validate_batch + fault_recall: every injected row is flagged, by the expected check, and no other row"
    bad, truth = inject_faults(batch, [fault], rate=0.01, seed=1)
    report = validate_batch(bad, schema)
    scores = fault_recall(report, truth)
    assert scores.loc[fault, "injected"] == 20
    assert_allclose(scores.loc[fault, "recall"], 1.0)
    assert EXPECTED_CHECK[fault] in scores.loc[fault, "checks"]
    assert set(report["row"].dropna()) == set(truth["row"])


def test_all_faults_together(batch, schema):
    "inject_faults: all five faults on disjoint rows, all caught"
    bad, truth = inject_faults(batch, seed=0)
    assert truth["row"].is_unique and len(bad) == len(batch) + 20
    scores = fault_recall(validate_batch(bad, schema), truth)
    assert list(scores.index) == list(FAULTS)
    assert_allclose(scores["recall"], 1.0)


def test_injection_leaves_other_rows_alone(batch):
    "inject_faults: rows outside the truth are unchanged; duplicates are exact copies appended at the end"
    bad, truth = inject_faults(batch, ["minutes_to_hours", "duplicate_rows"], rate=0.005, seed=2)
    clean = np.setdiff1d(np.arange(len(batch)), truth["row"])
    pd.testing.assert_frame_equal(bad.iloc[clean], batch.reset_index(drop=True).iloc[clean])
    touched = truth.loc[truth["fault"] == "minutes_to_hours", "row"]
    assert_allclose(bad.loc[touched, "air_time"] * 60, batch["air_time"].iloc[touched])
    copies = truth.loc[truth["fault"] == "duplicate_rows", "row"]
    assert copies.min() == len(batch) and bad.duplicated().sum() == len(copies)


def test_injection_is_seeded(batch):
    "inject_faults: the same seed touches the same rows, another seed other rows"
    a, b, c = (inject_faults(batch, ["nulls"], seed=s)[1] for s in (3, 3, 4))
    pd.testing.assert_frame_equal(a, b)
    assert not a["row"].equals(c["row"])


def test_small_rate_touches_at_least_one_row(batch):
    "inject_faults: a tiny rate still injects one row per fault"
    _, truth = inject_faults(batch, ["new_category"], rate=1e-9, seed=0)
    assert len(truth) == 1


def test_overnight_flight_passes_and_impossible_arrival_fails(batch, schema):
    "flights_schema: arriving 'before' departing is fine after midnight, not at noon"
    row = batch[batch["wind_gust"].notna() & batch["plane_year"].notna()].iloc[[0]]
    day = row["sched_dep"].dt.normalize()
    night = row.assign(dep_time=2330.0, arr_time=130.0, air_time=100.0, sched_dep_time=2330,
                       dep_delay=0.0, hour=23, minute=30, distance=700,
                       sched_dep=day + pd.Timedelta("23h30min"))
    assert validate_batch(night, schema).empty
    noon = night.assign(dep_time=1230.0, arr_time=1130.0, sched_dep_time=1230, hour=12,
                        sched_dep=day + pd.Timedelta("12h30min"))
    report = validate_batch(noon, schema)
    assert report["check"].tolist() == ["arr_after_dep_unless_overnight"]


def test_null_rate_is_a_column_level_failure(batch):
    "flights_schema: a null rate above its ceiling fails the whole column, with no row"
    report = validate_batch(batch, flights_schema(max_null_rates={"plane_year": 0.01}))
    assert report.to_dict("records") == [
        {"check": "null_rate<=0.01", "column": "plane_year", "row": None, "value": "False"}]


def test_wrong_dtype_is_reported(batch, schema):
    "validate_batch: a column stored with the wrong dtype is reported once for the column"
    report = validate_batch(batch.assign(flight=batch["flight"].astype(float)), schema)
    assert report[["check", "column"]].values.tolist() == [["dtype('int64')", "flight"]]


def test_custom_carriers(batch):
    "flights_schema: the allowed carriers are a parameter"
    report = validate_batch(batch, flights_schema(carriers=["AA", "UA"]))
    assert set(report["check"]) == {"known_carrier"}
    assert len(report) == (~batch["carrier"].isin(["AA", "UA"])).sum()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"faults": ["nulls", "typo"]}, ValueError, r"unknown fault\(s\) \['typo'\]"),
        ({"faults": "nulls"}, TypeError, "faults must be a non-empty list"),
        ({"faults": []}, TypeError, "faults must be a non-empty list"),
        ({"faults": ["nulls", "nulls"]}, ValueError, "lists a name twice"),
        ({"rate": 0}, ValueError, r"rate must be a share in \(0, 1\]"),
        ({"rate": 0.5}, ValueError, "do not fit"),
        ({"seed": 1.5}, TypeError, "seed must be an int"),
    ],
)
def test_inject_rejects_bad_arguments(batch, kwargs, error, match):
    "inject_faults: unknown names, bad rates and seeds raise clear errors"
    with pytest.raises(error, match=match):
        inject_faults(batch, **kwargs)


def test_columns_option_breaks_another_column(batch):
    "inject_faults: columns= moves a fault to another column, and the truth records it"
    bad, truth = inject_faults(batch, ["minutes_to_hours"], columns={"minutes_to_hours": "arr_delay"})
    assert set(truth["column"]) == {"arr_delay"}
    assert_allclose(bad.loc[truth["row"], "arr_delay"] * 60, batch["arr_delay"].iloc[truth["row"]])
    pd.testing.assert_series_equal(bad["air_time"], batch["air_time"].reset_index(drop=True))


@pytest.mark.parametrize(
    ("columns", "match"),
    [
        ({"minutes_to_hours": "distance"}, "needs a float column; 'distance' is int64"),
        ({"shifted_timestamps": "dep_time"}, "needs a datetime column"),
        ({"nulls": "no_such_column"}, r"lacks the column\(s\) \['no_such_column'\]"),
        ({"duplicate_rows": "flight"}, "takes no column"),
        ({"new_category": "dest"}, "which is not injected"),
    ],
)
def test_inject_rejects_bad_columns(batch, columns, match):
    "inject_faults: a column of the wrong kind, a missing one or one for an absent fault is an error"
    faults = [f for f in columns if f != "new_category"] or ["nulls"]
    with pytest.raises(ValueError, match=match):
        inject_faults(batch, faults, columns=columns)


def test_inject_rejects_columns_that_are_not_a_mapping(batch):
    "inject_faults: columns must be a dict"
    with pytest.raises(TypeError, match="columns must be a dict"):
        inject_faults(batch, ["nulls"], columns=["dep_time"])


@pytest.mark.parametrize(
    ("df", "error", "match"),
    [
        ([1, 2], TypeError, "df must be a pandas DataFrame"),
        (pd.DataFrame(), ValueError, "df is empty"),
        (pd.DataFrame({"x": [1, 2]}, index=[0, 0]), ValueError, "duplicated index"),
        (pd.DataFrame({"x": [1, 2]}), ValueError, r"lacks the column\(s\)"),
    ],
)
def test_inject_rejects_bad_frames(df, error, match):
    "inject_faults: a non-frame, an empty frame, a duplicated index or missing columns are errors"
    with pytest.raises(error, match=match):
        inject_faults(df)


def test_validate_rejects_bad_input(batch, schema):
    "validate_batch: wrong types and empty frames raise clear errors"
    with pytest.raises(TypeError, match="schema must be a pandera DataFrameSchema"):
        validate_batch(batch, {"x": int})
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        validate_batch(batch.to_numpy(), schema)
    with pytest.raises(ValueError, match="df is empty"):
        validate_batch(batch.iloc[:0], schema)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"carriers": "AA"}, TypeError, "carriers must be a non-empty list"),
        ({"carriers": []}, TypeError, "carriers must be a non-empty list"),
        ({"carriers": ["AA", 1]}, TypeError, "non-empty strings"),
        ({"max_null_rates": 0.1}, TypeError, "max_null_rates must be a dict"),
        ({"max_null_rates": {"flight": 0.1}}, ValueError, "not a nullable column"),
        ({"max_null_rates": {"temp": 1.5}}, ValueError, r"must be a share in \[0, 1\]"),
    ],
)
def test_schema_rejects_bad_arguments(kwargs, error, match):
    "flights_schema: bad carriers and null-rate overrides raise clear errors"
    with pytest.raises(error, match=match):
        flights_schema(**kwargs)


def test_recall_rejects_bad_input():
    "fault_recall: non-frames, missing columns and an empty truth are errors"
    truth = pd.DataFrame({"fault": ["nulls"], "column": "x", "row": [0]})
    report = pd.DataFrame(columns=REPORT_COLUMNS)
    with pytest.raises(TypeError, match="report must be a DataFrame"):
        fault_recall([], truth)
    with pytest.raises(ValueError, match="truth needs the columns"):
        fault_recall(report, truth.drop(columns="row"))
    with pytest.raises(ValueError, match="truth is empty"):
        fault_recall(report, truth.iloc[:0])


def test_recall_counts_unflagged_faults_as_missed():
    "fault_recall: a fault whose rows no check names has recall 0 and no checks"
    truth = pd.DataFrame({"fault": ["nulls", "nulls"], "column": "x", "row": [1, 2]})
    scores = fault_recall(pd.DataFrame(columns=REPORT_COLUMNS), truth)
    assert scores.loc["nulls", "flagged"] == 0 and scores.loc["nulls", "checks"] == ""


# --- Great Expectations: the same contract as an expectation suite

@pytest.fixture(scope="module")
def suite(schema):
    from labutils.validation import expectation_suite

    return expectation_suite(schema)


def test_gx_clean_batch_passes(batch, suite):
    "gx_validate_batch: a clean batch gives an empty report with the documented columns"
    from labutils.validation import gx_validate_batch

    report = gx_validate_batch(batch, suite)
    assert report.empty and list(report.columns) == REPORT_COLUMNS


def test_gx_catches_every_fault_with_pandera_check_names(batch, schema, suite):
    "gx_validate_batch: all five faults caught on every row, by checks named as pandera names them"
    from labutils.validation import gx_validate_batch

    bad, truth = inject_faults(batch, seed=0)
    gx_report, pa_report = gx_validate_batch(bad, suite), validate_batch(bad, schema)
    scores = fault_recall(gx_report, truth)
    assert_allclose(scores["recall"], 1.0)
    for fault, check in EXPECTED_CHECK.items():
        assert check in scores.loc[fault, "checks"]
    assert set(gx_report["check"]) == set(pa_report["check"])
    # GX flags every row of a duplicated key; pandera (exclude_first) only the later copies
    extra = set(gx_report["row"].dropna()) - set(pa_report["row"].dropna())
    copies = truth.loc[truth["fault"] == "duplicate_rows", "row"]
    originals = {bad.iloc[:len(batch)].index[
        (bad.iloc[:len(batch)][["sched_dep", "carrier", "flight", "origin"]]
         == bad.loc[r, ["sched_dep", "carrier", "flight", "origin"]]).all(axis=1)][0] for r in copies}
    assert extra == originals


def test_gx_null_rate_dtype_and_missing_column_are_column_level(batch, suite):
    "gx_validate_batch: a null-rate ceiling, a dtype and a missing column give one row each, row None"
    from labutils.validation import gx_validate_batch

    broken = batch.assign(temp=np.nan, month=batch["month"].astype(float)).drop(columns="visib")
    report = gx_validate_batch(broken, suite).set_index("check")
    assert report.loc["null_rate<=0.05", "column"] == "temp"
    assert report.loc["dtype('int64')", "column"] == "month"
    assert report.loc["column_in_dataframe", "column"] == "visib"
    assert report.loc[["null_rate<=0.05", "dtype('int64')", "column_in_dataframe"], "row"].isna().all()


def test_gx_writes_nothing_and_never_connects(batch, suite, tmp_path, monkeypatch):
    "gx_validate_batch: an ephemeral context writes no file (cwd or HOME) and opens no socket"
    import socket

    from labutils.validation import gx_validate_batch

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    def refuse(*args, **kwargs):
        raise AssertionError(f"network connection attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert gx_validate_batch(batch, suite).empty
    assert list(tmp_path.iterdir()) == []


def test_gx_rejects_bad_input(batch, schema, suite):
    "expectation_suite / gx_validate_batch: wrong types and untranslatable checks are refused"
    import pandera.pandas as pa

    from labutils.validation import expectation_suite, gx_validate_batch

    with pytest.raises(TypeError, match="pandera DataFrameSchema"):
        expectation_suite({"x": int})
    with pytest.raises(TypeError, match="non-empty string"):
        expectation_suite(schema, name="")
    with pytest.raises(ValueError, match="no Great Expectations translation"):
        expectation_suite(pa.DataFrameSchema({"x": pa.Column(int, pa.Check(lambda s: s > 0, name="pos"))}))
    with pytest.raises(ValueError, match="cross-column check 'mine'"):
        expectation_suite(pa.DataFrameSchema(checks=[pa.Check(lambda d: True, name="mine")]))
    with pytest.raises(TypeError, match="ExpectationSuite"):
        gx_validate_batch(batch, schema)
    with pytest.raises(ValueError, match="empty"):
        gx_validate_batch(batch.iloc[:0], suite)
