"""Helpers for scaling out: a larger-than-needed dataset on disk and per-partition scoring.

:func:`write_partitions` resamples a table to any size and writes it as parquet
files of equal size, the layout that Dask (and Spark) read one partition at a
time; :func:`score_partition` scores one partition with a fitted classifier and
is what ``dask.dataframe.DataFrame.map_partitions`` calls on every worker.

Introduced in the chapter "Scaling out with Dask" (``chapters/scaling.md``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._checks import check_int

__all__ = ["score_partition", "write_partitions"]


def write_partitions(
    df: pd.DataFrame, path: str | Path, *, n_rows: int, rows_per_file: int = 125_000, seed: int = 0
) -> list[Path]:
    """Resample ``df`` (with replacement) to ``n_rows`` rows and write equal parquet files.

    Parameters
    ----------
    df : DataFrame
        The rows to draw from (at least one row and one column).
    path : str or Path
        An existing, empty directory.
    n_rows : int
        Total rows to write; a multiple of ``rows_per_file``.
    rows_per_file : int, default 125_000
        Rows per file (one Dask partition each).
    seed : int, default 0
        Seed of the resampling.

    Returns
    -------
    list of Path
        The files, ``part-00000.parquet``, ``part-00001.parquet``, ... in order.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> files = write_partitions(pd.DataFrame({"x": [1.0, 2.0]}), folder, n_rows=6, rows_per_file=3)
    >>> [f.name for f in files], len(pd.read_parquet(files[1]))
    (['part-00000.parquet', 'part-00001.parquet'], 3)
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}.")
    if df.empty or df.shape[1] == 0:
        raise ValueError("df is empty; pass at least one row and one column to resample from.")
    check_int("n_rows", n_rows, low=1)
    check_int("rows_per_file", rows_per_file, low=1)
    check_int("seed", seed, low=0)
    if n_rows % rows_per_file:
        raise ValueError(f"n_rows={n_rows} is not a multiple of rows_per_file={rows_per_file}; "
                         "equal files make equal partitions.")
    folder = Path(path)
    if not folder.is_dir():
        raise ValueError(f"path {str(folder)!r} is not an existing directory; create it first.")
    if any(folder.iterdir()):
        raise ValueError(f"path {str(folder)!r} is not empty; pass a fresh directory.")
    rows = np.random.default_rng(seed).integers(0, len(df), size=n_rows)
    files = []
    for i, start in enumerate(range(0, n_rows, rows_per_file)):
        part = df.iloc[rows[start:start + rows_per_file]].reset_index(drop=True)
        files.append(folder / f"part-{i:05d}.parquet")
        part.to_parquet(files[-1], index=False)
    return files


def score_partition(part: pd.DataFrame, model: object) -> pd.Series:
    """Positive-class probabilities of a fitted classifier on one partition.

    Parameters
    ----------
    part : DataFrame
        One partition with exactly the model's input columns.
    model : fitted classifier with ``predict_proba``

    Returns
    -------
    Series of float32
        One probability per row, on ``part``'s index (the ``meta`` Dask needs
        is ``("p_late", "f4")``).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    >>> fitted = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> [round(float(p), 2) for p in score_partition(X, fitted)]
    [0.19, 0.38, 0.62, 0.81]
    """
    if not isinstance(part, pd.DataFrame):
        raise TypeError(f"part must be a pandas DataFrame, got {type(part).__name__}.")
    if not hasattr(model, "predict_proba"):
        raise TypeError(f"model must be a fitted classifier with predict_proba, got {type(model).__name__}.")
    if part.empty:
        return pd.Series(np.empty(0, dtype="float32"), index=part.index, name="p_late")
    return pd.Series(model.predict_proba(part)[:, 1].astype("float32"), index=part.index, name="p_late")
