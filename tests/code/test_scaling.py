"""labutils.scaling: resampled parquet partitions and per-partition scoring."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression

from labutils.scaling import score_partition, write_partitions

FRAME = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "c": pd.Categorical(["a", "b", "a", "b"])})


def test_write_partitions_sizes_and_values(tmp_path):
    "write_partitions: equal files, the requested total, rows drawn from the input, dtypes kept"
    files = write_partitions(FRAME, tmp_path, n_rows=12, rows_per_file=4, seed=1)
    parts = [pd.read_parquet(f) for f in files]
    assert [len(p) for p in parts] == [4, 4, 4]
    both = pd.concat(parts)
    assert set(both["x"]) <= set(FRAME["x"])
    assert isinstance(both["c"].dtype, pd.CategoricalDtype)


def test_write_partitions_is_seeded(tmp_path):
    "write_partitions: the same seed writes the same rows"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_partitions(FRAME, tmp_path / "a", n_rows=8, rows_per_file=8, seed=3)
    second = write_partitions(FRAME, tmp_path / "b", n_rows=8, rows_per_file=8, seed=3)
    assert pd.read_parquet(first[0]).equals(pd.read_parquet(second[0]))


@pytest.mark.parametrize(("df", "kwargs", "error"), [
    ([1, 2], {"n_rows": 4}, TypeError),
    (pd.DataFrame(), {"n_rows": 4}, ValueError),
    (FRAME, {"n_rows": 0}, ValueError),
    (FRAME, {"n_rows": 5, "rows_per_file": 2}, ValueError),
    (FRAME, {"n_rows": 4, "rows_per_file": 2.0}, TypeError),
])
def test_write_partitions_rejects_bad_input(tmp_path, df, kwargs, error):
    "write_partitions: non-frames, empty frames, bad sizes are errors"
    with pytest.raises(error):
        write_partitions(df, tmp_path, **kwargs)


def test_write_partitions_needs_an_empty_directory(tmp_path):
    "write_partitions: a missing or non-empty directory is an error"
    with pytest.raises(ValueError, match="not an existing directory"):
        write_partitions(FRAME, tmp_path / "missing", n_rows=4, rows_per_file=4)
    (tmp_path / "old.parquet").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        write_partitions(FRAME, tmp_path, n_rows=4, rows_per_file=4)


def test_score_partition_matches_predict_proba():
    "score_partition: the positive-class column of predict_proba, on the partition's index"
    X = pd.DataFrame({"x": np.linspace(0, 3, 7)}, index=range(10, 17))
    fitted = LogisticRegression().fit(X, [0, 0, 0, 1, 1, 1, 1])
    out = score_partition(X, fitted)
    assert out.index.equals(X.index) and out.dtype == np.float32
    assert_allclose(out, fitted.predict_proba(X)[:, 1], rtol=1e-6)
    assert score_partition(X.iloc[:0], fitted).empty


@pytest.mark.parametrize(("part", "model"), [([[1.0]], LogisticRegression()), (FRAME, "model")])
def test_score_partition_rejects_bad_input(part, model):
    "score_partition: a non-frame partition or a model without predict_proba is a TypeError"
    with pytest.raises(TypeError):
        score_partition(part, model)
