"""labutils.featurestore: point-in-time joins, materialization, online reads and skew reports."""

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from labutils.featurestore import Entity, FeatureStore, FeatureView, FileSource, skew_report

HOURS = pd.date_range("2013-01-01 00:00", periods=6, freq="h")


@pytest.fixture
def store(tmp_path):
    """Hourly 'temp' for two airports; JFK misses 02:00-04:00 (a sensor gap)."""
    rows = pd.DataFrame({"origin": ["JFK"] * 6 + ["LGA"] * 6, "time_hour": [*HOURS, *HOURS],
                         "temp": np.arange(12, dtype=float), "wind": np.arange(12, dtype=float) * 10})
    rows = rows.drop(index=[2, 3, 4]).reset_index(drop=True)
    rows.to_parquet(tmp_path / "weather.parquet")
    view = FeatureView(name="weather", entities=[Entity("airport", ["origin"])], ttl=timedelta(hours=1),
                       schema=["temp", "wind"], source=FileSource(tmp_path / "weather.parquet", "time_hour"))
    fs = FeatureStore(tmp_path)
    fs.apply([view])
    return fs


def entities(origins, times):
    return pd.DataFrame({"origin": origins, "event_timestamp": pd.to_datetime(times)})


def test_latest_value_at_or_before_the_timestamp(store):
    "get_historical_features: each row gets the latest value at or before its time, never a later one"
    rows = entities(["LGA", "LGA", "LGA"], ["2013-01-01 01:00", "2013-01-01 01:59", "2013-01-01 00:30"])
    assert_allclose(store.get_historical_features(rows, ["weather:temp"])["temp"], [7.0, 7.0, 6.0])


def test_values_older_than_ttl_are_nan_not_dropped(store):
    "get_historical_features: outside the TTL the feature is NaN and the row is kept"
    rows = entities(["JFK", "JFK", "JFK"], ["2013-01-01 02:00", "2013-01-01 03:30", "2012-12-31 23:00"])
    out = store.get_historical_features(rows, ["weather:temp"])
    assert len(out) == 3
    assert_allclose(out["temp"], [1.0, np.nan, np.nan])


def test_rows_sharing_key_and_time_are_all_kept(store):
    "get_historical_features: rows with the same key and timestamp come back once each, in order"
    rows = entities(["JFK", "LGA", "JFK"], ["2013-01-01 01:00"] * 3).assign(label=[1, 2, 3])
    out = store.get_historical_features(rows, ["weather:temp", "weather:wind"])
    assert out["label"].tolist() == [1, 2, 3]
    assert_allclose(out[["temp", "wind"]], [[1.0, 10.0], [7.0, 70.0], [1.0, 10.0]])


def test_index_and_categorical_keys_preserved(store):
    "get_historical_features: the entity_df index survives, and categorical join keys work"
    rows = entities(["LGA", "JFK"], ["2013-01-01 05:00"] * 2).set_axis([10, 3])
    rows["origin"] = rows["origin"].astype("category")
    out = store.get_historical_features(rows, ["weather:temp"])
    assert out.index.tolist() == [10, 3]
    assert_allclose(out["temp"], [11.0, 5.0])


def test_matches_pandas_merge_asof(store, tmp_path):
    "get_historical_features: equals pd.merge_asof with tolerance = ttl on random times"
    rng = np.random.default_rng(0)
    times = HOURS[0] + pd.to_timedelta(rng.integers(0, 7 * 60, 200), unit="min")
    rows = entities(rng.choice(["JFK", "LGA"], 200), times)
    got = store.get_historical_features(rows, ["weather:temp"])["temp"]
    source = pd.read_parquet(tmp_path / "weather.parquet").sort_values("time_hour")
    expected = pd.merge_asof(rows.reset_index().sort_values("event_timestamp"), source, by="origin",
                             left_on="event_timestamp", right_on="time_hour",
                             tolerance=pd.Timedelta(hours=1)).set_index("index").sort_index()["temp"]
    assert_allclose(got, expected)


def test_materialize_then_online_equals_offline(store):
    "materialize + get_online_features: serve the latest value in the window, equal to the offline join"
    now = pd.Timestamp("2013-01-01 05:00")
    assert store.materialize(now - timedelta(hours=1), now) == {"weather": 2}
    online = store.get_online_features(["weather:temp"], [{"origin": "JFK"}, {"origin": "LGA"}, {"origin": "EWR"}])
    offline = store.get_historical_features(entities(["JFK", "LGA", "EWR"], [now] * 3), ["weather:temp"])
    assert_allclose(online["temp"], [5.0, 11.0, np.nan])
    assert not skew_report(offline, online, keys=["origin"])["skewed"].any()


def test_materialize_keeps_newer_values(store):
    "materialize: an older window does not overwrite a newer stored value"
    store.materialize(pd.Timestamp("2013-01-01 05:00"), pd.Timestamp("2013-01-01 05:00"))
    store.materialize(pd.Timestamp("2013-01-01 00:00"), pd.Timestamp("2013-01-01 01:00"))
    assert_allclose(store.get_online_features(["weather:temp"], [{"origin": "JFK"}])["temp"], [5.0])


def test_online_before_materialize_is_nan(store):
    "get_online_features: nothing materialized yet gives NaN, not an error"
    assert np.isnan(store.get_online_features(["weather:wind"], [{"origin": "JFK"}])["wind"]).all()


def test_skew_report_catches_a_unit_change():
    "skew_report: a converted column is flagged with its largest difference; NaN on both sides agrees"
    off = pd.DataFrame({"k": [1, 2, 3], "wind": [10.0, 0.0, np.nan], "temp": [1.0, 2.0, 3.0]})
    report = skew_report(off, off.assign(wind=off["wind"] * 0.5), keys=["k"])
    assert report.loc["wind", "n_mismatched"] == 1 and report.loc["wind", "skewed"]
    assert_allclose(report.loc["wind", "max_abs_diff"], 5.0)
    assert not report.loc["temp", "skewed"]


def test_skew_report_rtol_and_one_sided_nan():
    "skew_report: rtol absorbs float32 rounding; a value missing on one side only is a mismatch"
    off = pd.DataFrame({"k": [1, 2], "x": [0.1, 0.2]})
    on = off.assign(x=off["x"].astype("float32").astype(float))
    assert skew_report(off, on, keys=["k"])["skewed"].all()
    assert not skew_report(off, on, keys=["k"], rtol=1e-6)["skewed"].any()
    assert skew_report(off, off.assign(x=[0.1, np.nan]), keys=["k"]).loc["x", "n_mismatched"] == 1


# Bad input -------------------------------------------------------------------------------------

def test_unknown_feature_or_view_raises(store):
    "get_historical_features: unknown views, unknown features and bad references are rejected"
    rows = entities(["JFK"], ["2013-01-01 01:00"])
    with pytest.raises(ValueError, match="unknown feature in 'weather:rain'"):
        store.get_historical_features(rows, ["weather:rain"])
    with pytest.raises(ValueError, match="unknown feature view"):
        store.get_historical_features(rows, ["climate:temp"])
    with pytest.raises(TypeError, match="non-empty list"):
        store.get_historical_features(rows, "weather:temp")
    with pytest.raises(ValueError, match="repeat a name"):
        store.get_historical_features(rows, ["weather:temp", "weather:temp"])


def test_entity_df_checks(store):
    "get_historical_features: missing join keys, empty frames, non-datetime and NaN timestamps are rejected"
    good = entities(["JFK"], ["2013-01-01 01:00"])
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['origin'\]"):
        store.get_historical_features(good.drop(columns="origin"), ["weather:temp"])
    with pytest.raises(ValueError, match="entity_df is empty"):
        store.get_historical_features(good.iloc[:0], ["weather:temp"])
    with pytest.raises(TypeError, match="tz-naive datetime64"):
        store.get_historical_features(good.assign(event_timestamp="2013-01-01"), ["weather:temp"])
    with pytest.raises(TypeError, match="tz-naive datetime64"):
        store.get_historical_features(good.assign(event_timestamp=good["event_timestamp"].dt.tz_localize("UTC")),
                                      ["weather:temp"])
    with pytest.raises(ValueError, match="1 missing timestamp"):
        store.get_historical_features(good.assign(event_timestamp=pd.NaT).astype(
            {"event_timestamp": "datetime64[us]"}), ["weather:temp"])
    with pytest.raises(TypeError, match="pandas DataFrame"):
        store.get_historical_features([{"origin": "JFK"}], ["weather:temp"])
    with pytest.raises(ValueError, match="already has columns"):
        store.get_historical_features(good.assign(temp=1.0), ["weather:temp"])


def test_definition_checks(tmp_path):
    "Entity, FileSource, FeatureView and FeatureStore reject malformed definitions"
    airport = Entity("airport", ["origin"])
    source = FileSource(tmp_path / "missing.parquet", "time_hour")
    with pytest.raises(TypeError, match="join_keys"):
        Entity("airport", "origin")
    with pytest.raises(ValueError, match="identifier"):
        Entity("my airport", ["origin"])
    with pytest.raises(ValueError, match="positive datetime.timedelta"):
        FeatureView("w", [airport], timedelta(0), ["temp"], source)
    with pytest.raises(ValueError, match="also join keys"):
        FeatureView("w", [airport], timedelta(hours=1), ["origin"], source)
    with pytest.raises(TypeError, match="Entity objects"):
        FeatureView("w", ["airport"], timedelta(hours=1), ["temp"], source)
    with pytest.raises(ValueError, match="existing folder"):
        FeatureStore(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        FeatureStore(tmp_path).apply([FeatureView("w", [airport], timedelta(hours=1), ["temp"], source)])


def test_apply_checks_source_columns(tmp_path):
    "apply: a source without a declared column, or with a non-timestamp time column, is rejected"
    pd.DataFrame({"origin": ["JFK"], "time_hour": ["2013-01-01"], "temp": [1.0]}).to_parquet(tmp_path / "w.parquet")
    store = FeatureStore(tmp_path)
    with pytest.raises(ValueError, match=r"lacks columns \['wind'\]"):
        store.apply([FeatureView("w", [Entity("a", ["origin"])], timedelta(hours=1), ["wind"],
                                 FileSource(tmp_path / "w.parquet", "time_hour"))])
    with pytest.raises(TypeError, match="not a timestamp"):
        store.apply([FeatureView("w", [Entity("a", ["origin"])], timedelta(hours=1), ["temp"],
                                 FileSource(tmp_path / "w.parquet", "time_hour"))])


def test_materialize_and_online_checks(store):
    "materialize and get_online_features reject bad windows, rows and missing keys"
    with pytest.raises(ValueError, match="after end_date"):
        store.materialize(pd.Timestamp("2013-01-02"), pd.Timestamp("2013-01-01"))
    with pytest.raises(TypeError, match="tz-naive datetime"):
        store.materialize("2013-01-01", pd.Timestamp("2013-01-02"))
    with pytest.raises(TypeError, match="list of dicts"):
        store.get_online_features(["weather:temp"], [])
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['origin'\]"):
        store.get_online_features(["weather:temp"], [{"airport": "JFK"}])


def test_skew_report_checks():
    "skew_report: missing keys, repeated keys, no shared features and bad rtol are rejected"
    df = pd.DataFrame({"k": [1, 2], "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="lacks the column"):
        skew_report(df, df, keys=["id"])
    with pytest.raises(ValueError, match="repeats key values"):
        skew_report(pd.concat([df, df]), df, keys=["k"])
    with pytest.raises(ValueError, match="share no feature columns"):
        skew_report(df, df[["k"]], keys=["k"])
    with pytest.raises(ValueError, match="non-negative"):
        skew_report(df, df, keys=["k"], rtol=-1)
    with pytest.raises(ValueError, match="appears in both"):
        skew_report(df, df.assign(k=[3, 4]), keys=["k"])
