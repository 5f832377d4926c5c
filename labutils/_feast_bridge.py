"""Run Feast on parquet files, in Feast's own venv: the far side of ``labutils.featurestore.feast_features``.

Feast needs pandas < 3 and the book runs pandas 3, so Feast lives in
``.venv-feast`` and never enters a chapter's kernel. This script is run as
``.venv-feast/bin/python _feast_bridge.py WORKDIR``. It imports nothing from
labutils (only Feast's own venv is there). WORKDIR holds ``spec.json``,
``entity_df.parquet``, ``entity_rows.parquet`` and one parquet file per
feature view's source, all written by ``feast_features``. The script writes a
Feast feature repository into ``WORKDIR/feature_repo`` (a file offline store,
a SQLite online store), applies it, runs ``get_historical_features``, then for
each serving moment ``materialize`` (each view's last TTL) and
``get_online_features``. Its results are ``historical.parquet`` (Feast's
answer as it is), ``per_view.parquet`` (every entity row, see
:func:`per_view`), ``online.parquet`` and ``result.json``. Feast's own output (progress bars,
logging, warnings) goes to ``WORKDIR/feast.log``; on failure the script exits
non-zero with the error on stderr.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

FEAST_TYPES = {"float64": "Float64", "float32": "Float32", "int64": "Int64", "int32": "Int32",
               "bool": "Bool", "string": "String"}

STORE_YAML = """\
project: labutils_bridge
registry: data/registry.db
provider: local
offline_store:
    type: file
online_store:
    type: sqlite
    path: data/online_store.db
entity_key_serialization_version: 3
"""


def repo_source(spec: dict) -> str:
    """The Python file of the Feast feature repository that ``spec`` describes."""
    key_types = {e["join_key"]: e["dtype"] for e in spec["entities"]}
    types = sorted({t for v in spec["views"] for t in v["schema"].values()} | set(key_types.values()))
    lines = ["from datetime import timedelta", "",
             "from feast import Entity, FeatureView, Field, FileSource, ValueType",
             f"from feast.types import {', '.join(FEAST_TYPES[t] for t in types)}", ""]
    for entity in spec["entities"]:
        lines.append(f"{entity['name']} = Entity(name={entity['name']!r}, join_keys=[{entity['join_key']!r}], "
                     f"value_type=ValueType.{FEAST_TYPES[entity['dtype']].upper()})")
    for view in spec["views"]:
        keys = {e["join_key"]: e["dtype"] for e in spec["entities"] if e["name"] in view["entities"]}
        fields = "".join(f"\n        Field(name={n!r}, dtype={FEAST_TYPES[t]}),"
                         for n, t in {**keys, **view["schema"]}.items())
        lines += ["", f"{view['name']} = FeatureView(",
                  f"    name={view['name']!r},",
                  f"    entities=[{', '.join(view['entities'])}],",
                  f"    ttl=timedelta(seconds={view['ttl_seconds']}),",
                  f"    schema=[{fields}\n    ],",
                  f"    source=FileSource(path={view['source']!r}, timestamp_field={view['timestamp_field']!r}),",
                  ")"]
    return "\n".join(lines) + "\n"


def _naive_utc(df):
    """Feast answers in UTC; hand back tz-naive times as the book's frames use."""
    for column in df.columns:
        if getattr(df[column].dtype, "tz", None) is not None:
            df[column] = df[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return df


def per_view(store, spec: dict, entity_df):
    """Every entity row once, in order: one Feast query per view on its unique (join key, timestamp) pairs.

    The file offline store keeps one row per (join keys, timestamp) and drops a
    row whose key has values but none within the TTL; asking for unique pairs
    and joining Feast's answers back (a left join) keeps every row, with NaN
    where Feast found no value.
    """
    out = entity_df.assign(event_timestamp=entity_df["event_timestamp"].astype("datetime64[ns]"))
    for view in spec["views"]:
        refs = [f for f in spec["features"] if f.partition(":")[0] == view["name"]]
        if not refs:
            continue
        keys = [e["join_key"] for e in spec["entities"] if e["name"] in view["entities"]] + ["event_timestamp"]
        got = _naive_utc(store.get_historical_features(entity_df=out[keys].drop_duplicates(),
                                                       features=refs).to_df())
        got = got.assign(event_timestamp=got["event_timestamp"].astype("datetime64[ns]"))
        out = out.merge(got[keys + [f.partition(":")[2] for f in refs]], on=keys, how="left", validate="m:1")
    return out


def run(workdir: Path) -> dict:
    import pandas as pd
    import feast
    from feast import FeatureStore

    spec = json.loads((workdir / "spec.json").read_text())
    repo = workdir / "feature_repo"
    (repo / "data").mkdir(parents=True)
    (repo / "feature_store.yaml").write_text(STORE_YAML)
    source = repo_source(spec)
    (repo / "features.py").write_text(source)
    for view in spec["views"]:
        (workdir / view["source"]).rename(repo / view["source"])

    namespace: dict = {}
    exec(compile(source, str(repo / "features.py"), "exec"), namespace)
    store = FeatureStore(repo_path=str(repo))
    store.apply([namespace[e["name"]] for e in spec["entities"]] + [namespace[v["name"]] for v in spec["views"]])

    registry = [{"name": fv.name, "join_keys": ", ".join(c.name for c in fv.entity_columns),
                 "ttl": str(fv.ttl), "features": ", ".join(f.name for f in fv.features),
                 "timestamp_field": fv.batch_source.timestamp_field}
                for fv in sorted(store.list_feature_views(), key=lambda fv: fv.name)]
    entity_df = pd.read_parquet(workdir / "entity_df.parquet")
    historical = store.get_historical_features(entity_df=entity_df, features=spec["features"]).to_df()
    _naive_utc(historical).to_parquet(workdir / "historical.parquet", index=False)
    per_view(store, spec, entity_df).to_parquet(workdir / "per_view.parquet", index=False)

    rows = pd.read_parquet(workdir / "entity_rows.parquet")
    online = []
    for moment in spec["moments"]:
        now = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
        for view in spec["views"]:
            store.materialize(start_date=now - timedelta(seconds=view["ttl_seconds"]), end_date=now,
                              feature_views=[view["name"]])
        got = store.get_online_features(features=spec["features"],
                                        entity_rows=rows.to_dict("records")).to_df()
        online.append(got.assign(materialized_at=pd.Timestamp(moment)))
    if online:
        pd.concat(online, ignore_index=True).to_parquet(workdir / "online.parquet", index=False)
    return {"feast_version": feast.__version__, "pandas_version": pd.__version__, "repo_source": source,
            "registry": registry}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not Path(argv[1]).is_dir():
        print("usage: python _feast_bridge.py WORKDIR (a folder written by labutils.featurestore.feast_features)",
              file=sys.stderr)
        return 2
    workdir = Path(argv[1])
    os.environ["FEAST_USAGE"] = "False"
    with open(workdir / "feast.log", "w") as log, contextlib.redirect_stdout(log), \
            contextlib.redirect_stderr(log), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.basicConfig(stream=log, level=logging.WARNING, force=True)
        result = run(workdir)
    (workdir / "result.json").write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
