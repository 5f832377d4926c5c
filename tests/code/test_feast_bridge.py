"""labutils.featurestore.feast_features: real Feast in its own venv, through a subprocess, against the book's store.

One small feature view exercises every behaviour the feature-store chapter reports: JFK has hourly
temperatures from 00:00 to 05:00, LGA one at 00:00, EWR none; the TTL is one hour. The Feast runs need
.venv-feast (`make feast-env`; make unit builds it first); without it they skip, except in CI.
"""

import importlib.util
import os
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from labutils.featurestore import (FEAST_PYTHON, Entity, FeatureStore, FeatureView, FileSource, describe_views,
                                   feast_features)

HOURS = pd.date_range("2013-01-01 00:00", periods=6, freq="h")
MOMENTS = [pd.Timestamp("2013-01-01 05:00"), pd.Timestamp("2013-01-01 07:00")]
AIRPORTS = [{"origin": "JFK"}, {"origin": "LGA"}]

needs_feast = pytest.mark.skipif(not FEAST_PYTHON.is_file() and not os.environ.get("CI"),
                                 reason="no .venv-feast: run `make feast-env` (CI always runs these)")


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    folder = tmp_path_factory.mktemp("feast_source")
    rows = pd.DataFrame({"origin": ["JFK"] * 6 + ["LGA"], "time_hour": [*HOURS, HOURS[0]],
                         "temp": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0]})
    rows.to_parquet(folder / "weather.parquet", index=False)
    return FeatureView("weather", [Entity("airport", ["origin"])], timedelta(hours=1), ["temp"],
                       FileSource(folder / "weather.parquet", "time_hour"))


@pytest.fixture(scope="module")
def entity_df():
    """Rows 0 and 1 share key and time; LGA's only value is 3 h old; EWR has none; row 4 is exactly 1 h old."""
    return pd.DataFrame({"row_id": range(5), "origin": ["JFK", "JFK", "LGA", "EWR", "JFK"],
                         "event_timestamp": pd.to_datetime(["2013-01-01 02:30", "2013-01-01 02:30",
                                                            "2013-01-01 03:00", "2013-01-01 03:00",
                                                            "2013-01-01 06:00"])})


@pytest.fixture(scope="module")
def ran(view, entity_df):
    return feast_features([view], entity_df, ["weather:temp"], moments=MOMENTS, entity_rows=AIRPORTS)


@pytest.fixture(scope="module")
def ours(view, entity_df, tmp_path_factory):
    store = FeatureStore(tmp_path_factory.mktemp("ours"))
    store.apply([view])
    return store


@needs_feast
def test_feast_collapses_rows_sharing_key_and_timestamp(ran):
    "feast_features: Feast's file offline store keeps one of two rows with the same key and timestamp"
    returned = set(ran.historical["row_id"])
    assert len(returned & {0, 1}) == 1, sorted(returned)


@needs_feast
def test_feast_drops_a_stale_key_but_keeps_an_absent_one(ran):
    "feast_features: a key with values only outside the TTL loses its row; a key never seen comes back NaN"
    by_id = ran.historical.set_index("row_id")
    assert 2 not in by_id.index
    assert np.isnan(by_id.loc[3, "temp"])


@needs_feast
def test_per_view_answer_keeps_every_row_and_equals_the_books_store(ran, ours, entity_df):
    "feast_features: the per-view answer has every row in order, equal to labutils' point-in-time join"
    expected = ours.get_historical_features(entity_df, ["weather:temp"])["temp"]
    assert ran.per_view["row_id"].tolist() == entity_df["row_id"].tolist()
    assert_allclose(ran.per_view["temp"], expected)
    assert_allclose(expected, [2.0, 2.0, np.nan, np.nan, 5.0])


@needs_feast
def test_ttl_edge_is_inclusive_in_both_stores(ran):
    "feast_features: a value exactly one TTL old still counts, in Feast as in labutils"
    assert ran.historical.set_index("row_id").loc[4, "temp"] == 5.0


@needs_feast
def test_online_after_materialize_equals_offline_at_that_moment(ran, ours):
    "feast_features: materialize on [t - ttl, t], then the online values equal the offline values at t"
    online = ran.online[ran.online["materialized_at"] == MOMENTS[0]]
    offline = ours.get_historical_features(pd.DataFrame(AIRPORTS).assign(event_timestamp=MOMENTS[0]),
                                           ["weather:temp"])
    assert_allclose(online["temp"], offline["temp"])
    assert_allclose(online["temp"], [5.0, np.nan])


@needs_feast
def test_online_store_serves_a_value_past_its_ttl(ran):
    "feast_features: after a second materialization with nothing new, Feast still serves JFK's 05:00 value"
    later = ran.online[ran.online["materialized_at"] == MOMENTS[1]].set_index("origin")
    assert later.loc["JFK", "temp"] == 5.0


@needs_feast
def test_registry_holds_the_same_definition(ran, view):
    "feast_features: Feast's registry after apply describes the view exactly as describe_views does"
    pd.testing.assert_frame_equal(ran.registry, describe_views([view]))
    assert ran.feast_version == "0.67.0"
    assert "ttl=timedelta(seconds=3600)" in ran.repo_source


@needs_feast
def test_the_kernel_never_imports_feast(ran):
    "feast_features: Feast runs in the subprocess only"
    assert "feast" not in sys.modules


@needs_feast
def test_a_feast_error_is_raised_with_feasts_message(view, entity_df):
    "feast_features: Feast's own failure (here: an integer key against a string key) is a RuntimeError"
    with pytest.raises(RuntimeError, match="Feast failed") as caught:
        feast_features([view], entity_df.assign(origin=range(5)), ["weather:temp"])
    assert "Traceback" in str(caught.value)


@needs_feast
def test_an_empty_answer_is_an_error(view):
    "feast_features: when Feast returns no row at all the function raises instead of returning an empty frame"
    stale = pd.DataFrame({"origin": ["LGA"], "event_timestamp": pd.to_datetime(["2013-01-01 03:00"])})
    with pytest.raises(RuntimeError, match="no rows"):
        feast_features([view], stale, ["weather:temp"])


def test_a_missing_venv_names_the_command_that_builds_it(view, entity_df, tmp_path):
    "feast_features: no Feast venv -> FileNotFoundError naming make feast-env"
    with pytest.raises(FileNotFoundError, match="make feast-env"):
        feast_features([view], entity_df, ["weather:temp"], python=tmp_path / "no" / "python")


@pytest.mark.skipif(importlib.util.find_spec("feast") is not None, reason="this venv has feast")
def test_a_python_without_feast_fails_loudly(view, entity_df):
    "feast_features: a Python without feast -> RuntimeError carrying its ModuleNotFoundError"
    with pytest.raises(RuntimeError, match="No module named 'feast'"):
        feast_features([view], entity_df, ["weather:temp"], python=sys.executable)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"views": "weather"}, TypeError, "views must be a non-empty list"),
    ({"features": ["weather:wind"]}, ValueError, "unknown feature"),
    ({"entity_df": pd.DataFrame({"event_timestamp": pd.to_datetime(["2013-01-01"])})}, ValueError, "origin"),
    ({"entity_df": pd.DataFrame({"origin": ["JFK"], "event_timestamp": ["2013-01-01"]})}, TypeError,
     "datetime64"),
    ({"moments": MOMENTS[::-1], "entity_rows": AIRPORTS}, ValueError, "ascending"),
    ({"moments": [pd.Timestamp("2013-01-01", tz="UTC")], "entity_rows": AIRPORTS}, TypeError, "tz-naive"),
    ({"moments": MOMENTS}, ValueError, "entity_rows together with moments"),
    ({"entity_rows": AIRPORTS}, ValueError, "entity_rows together with moments"),
    ({"moments": MOMENTS, "entity_rows": [{"airport": "JFK"}]}, ValueError, "origin"),
])
def test_bad_input_is_refused_before_feast_runs(view, entity_df, kwargs, error, match, tmp_path):
    "feast_features: bad arguments get a clear error, without starting the subprocess"
    args = {"views": [view], "entity_df": entity_df, "features": ["weather:temp"]} | kwargs
    views, frame, features = args.pop("views"), args.pop("entity_df"), args.pop("features")
    with pytest.raises(error, match=match):
        feast_features(views, frame, features, python=tmp_path / "never-run", **args)


def test_an_entity_with_two_join_keys_is_refused(tmp_path):
    "feast_features: a Feast entity has one join key, so a two-key entity is a ValueError"
    pd.DataFrame({"a": ["x"], "b": ["y"], "t": pd.to_datetime(["2013-01-01"]), "v": [1.0]}).to_parquet(
        tmp_path / "s.parquet", index=False)
    view = FeatureView("v2", [Entity("pair", ["a", "b"])], timedelta(hours=1), ["v"],
                       FileSource(tmp_path / "s.parquet", "t"))
    rows = pd.DataFrame({"a": ["x"], "b": ["y"], "event_timestamp": pd.to_datetime(["2013-01-01"])})
    with pytest.raises(ValueError, match="one join key"):
        feast_features([view], rows, ["v2:v"], python=Path(sys.executable))


def test_describe_views_refuses_what_is_not_a_view():
    "describe_views: a list of FeatureView objects only"
    with pytest.raises(TypeError, match="FeatureView"):
        describe_views(["weather"])
