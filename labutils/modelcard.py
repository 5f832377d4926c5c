"""Model cards and datasheets: documentation generated from evaluated objects.

A model card (Mitchell et al., 2019) and a datasheet (Gebru et al., 2021) are
only trustworthy if their numbers come from the model and the data, not from
someone's notes. These helpers compute a dataset's summary numbers, format
evaluated tables and assemble the card (group metrics with bootstrap intervals
come from :func:`labutils.fairness.group_rates_with_ci`).

Introduced in the chapter "Model cards and datasheets" (``chapters/modelcards.md``)
and used by the "Datasheets" page (``chapters/datasheets.md``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._checks import check_int

__all__ = ["CARD_SECTIONS", "build_card", "dataset_summary", "markdown_table"]

#: The nine sections of a model card, in the order of Mitchell et al. (2019).
CARD_SECTIONS = (
    "Model details", "Intended use", "Factors", "Metrics", "Evaluation data", "Training data",
    "Quantitative analyses", "Ethical considerations", "Caveats and recommendations",
)  # fmt: skip

def markdown_table(df: pd.DataFrame, *, digits: int = 3) -> str:
    """A DataFrame as a Markdown (GitHub) table, floats rounded to ``digits``.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"a": [1], "b": [0.12345]})))
    | a | b |
    |---|---|
    | 1 | 0.123 |
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a DataFrame, got {type(df).__name__}.")
    if df.empty:
        raise ValueError("df is empty; there is no table to write.")
    check_int("digits", digits, low=0)

    def cell(v: object) -> str:
        return f"{v:.{digits}f}" if isinstance(v, (float, np.floating)) else str(v)

    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * df.shape[1]]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def build_card(sections: Mapping[str, str], *, model: object = None) -> str:
    """Render a model card with Mitchell et al.'s nine sections through ``skops.card``.

    Parameters
    ----------
    sections : mapping of str to str
        Markdown text for every name in :data:`CARD_SECTIONS` (and no other).
    model : estimator, optional
        Stored on the ``skops`` card; not rendered.

    Returns
    -------
    str
        The card as Markdown, sections in the canonical order.

    Examples
    --------
    >>> card = build_card({name: "..." for name in CARD_SECTIONS})
    >>> card.count("\\n# ")
    8
    """
    try:
        from skops.card import Card
    except ImportError as err:  # pragma: no cover - skops is pinned
        raise ImportError("build_card needs the 'skops' package: pip install skops==0.16.0") from err
    if not isinstance(sections, Mapping):
        raise TypeError(f"sections must be a mapping of section name to text, got {type(sections).__name__}.")
    missing = [s for s in CARD_SECTIONS if s not in sections]
    unknown = [s for s in sections if s not in CARD_SECTIONS]
    if missing or unknown:
        raise ValueError(f"sections must be exactly CARD_SECTIONS; missing {missing}, unknown {unknown}.")
    empty = [s for s in CARD_SECTIONS if not isinstance(sections[s], str) or not sections[s].strip()]
    if empty:
        raise ValueError(f"every section needs non-empty text; empty or not a string: {empty}.")
    card = Card(model, template=None)
    card.add(**{name: sections[name].strip() for name in CARD_SECTIONS})
    return card.render().strip()


def dataset_summary(df: pd.DataFrame, *, label: str | None = None, time_col: str | None = None) -> pd.Series:
    """The numbers a datasheet's "Composition" section needs, computed from the data.

    Parameters
    ----------
    df : DataFrame
        The dataset, one row per instance.
    label : str, optional
        A binary label column; adds its positive rate and missing share.
    time_col : str, optional
        A datetime column; adds its first and last value.

    Returns
    -------
    Series
        ``rows``, ``columns``, ``numeric_columns``, ``categorical_columns``,
        ``missing_share`` (of all cells), ``columns_with_missing``,
        ``max_column_missing``, ``duplicate_rows``, and, if asked,
        ``label_rate``, ``label_missing``, ``first``, ``last``.

    Examples
    --------
    >>> s = dataset_summary(pd.DataFrame({"x": [1.0, None], "y": [True, False]}), label="y")
    >>> float(s["missing_share"]), float(s["label_rate"])
    (0.25, 0.5)
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a DataFrame, got {type(df).__name__}.")
    if df.empty:
        raise ValueError("df is empty; a datasheet needs at least one row and one column.")
    for arg, col in (("label", label), ("time_col", time_col)):
        if col is not None and col not in df.columns:
            raise ValueError(f"{arg}={col!r} is not a column; choose one of {list(df.columns)[:10]}...")
    missing = df.isna().mean()
    out = {
        "rows": len(df), "columns": df.shape[1],
        "numeric_columns": int(sum(pd.api.types.is_numeric_dtype(t) for t in df.dtypes)),
        "categorical_columns": int(sum(isinstance(t, pd.CategoricalDtype) for t in df.dtypes)),
        "missing_share": float(df.isna().to_numpy().mean()),
        "columns_with_missing": int((missing > 0).sum()),
        "max_column_missing": float(missing.max()),
        "duplicate_rows": int(df.duplicated().sum()),
    }  # fmt: skip
    if label is not None:
        y = df[label].dropna()
        if not y.isin([0, 1]).all():
            raise ValueError(f"label {label!r} must be binary (0/1 or booleans).")
        out |= {"label_rate": float(y.astype(float).mean()), "label_missing": float(missing[label])}
    if time_col is not None:
        if not pd.api.types.is_datetime64_any_dtype(df[time_col]):
            raise ValueError(f"time_col {time_col!r} must be a datetime column.")
        out |= {"first": df[time_col].min(), "last": df[time_col].max()}
    return pd.Series(out, dtype=object)
