"""labutils.modelcard: card assembly, Markdown tables and dataset summaries."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from labutils.modelcard import CARD_SECTIONS, build_card, dataset_summary, markdown_table

SECTIONS = {name: f"text of {name.lower()}" for name in CARD_SECTIONS}


def test_card_has_nine_sections_in_order():
    "build_card: all nine Mitchell sections appear as headings, in the canonical order"
    card = build_card(SECTIONS)
    headings = [line[2:] for line in card.splitlines() if line.startswith("# ")]
    assert headings == list(CARD_SECTIONS)
    assert len(headings) == 9


def test_card_order_does_not_depend_on_input_order():
    "build_card: sections given in reverse order render the same card"
    assert build_card(dict(reversed(SECTIONS.items()))) == build_card(SECTIONS)


def test_card_keeps_section_text():
    "build_card: each section's text follows its heading"
    card = build_card(SECTIONS | {"Metrics": "ROC-AUC 0.926"})
    assert "# Metrics\n\nROC-AUC 0.926" in card


@pytest.mark.parametrize(("sections", "error"), [
    ({k: v for k, v in SECTIONS.items() if k != "Factors"}, ValueError),
    (SECTIONS | {"Price": "free"}, ValueError),
    (SECTIONS | {"Factors": "  "}, ValueError),
    (SECTIONS | {"Factors": 3}, ValueError),
    (list(SECTIONS.items()), TypeError),
])
def test_card_rejects_bad_sections(sections, error):
    "build_card: missing, unknown, empty and non-mapping sections are errors"
    with pytest.raises(error):
        build_card(sections)


def test_markdown_table_rounds_floats():
    "markdown_table: header, separator and rows, floats rounded, ints untouched"
    df = pd.DataFrame({"group": ["a", "b"], "n": [3, 40], "rate": [0.12345, 1 / 3]})
    assert markdown_table(df, digits=2).splitlines() == [
        "| group | n | rate |", "|---|---|---|", "| a | 3 | 0.12 |", "| b | 40 | 0.33 |"]


@pytest.mark.parametrize(("df", "kwargs", "error"), [
    (pd.DataFrame(), {}, ValueError),
    ([[1, 2]], {}, TypeError),
    (pd.DataFrame({"a": [1]}), {"digits": -1}, ValueError),
    (pd.DataFrame({"a": [1]}), {"digits": 1.5}, TypeError),
])
def test_markdown_table_rejects_bad_input(df, kwargs, error):
    "markdown_table: empty or non-DataFrame input and bad digits are errors"
    with pytest.raises(error):
        markdown_table(df, **kwargs)


def test_summary_counts_by_hand():
    "dataset_summary: shape, types, missing cells, duplicates and label rate counted by hand"
    df = pd.DataFrame({"x": [1.0, np.nan, 1.0, 1.0], "c": pd.Categorical(["u", "v", "u", "u"]),
                       "y": [True, False, True, True]})
    s = dataset_summary(df, label="y")
    assert (s["rows"], s["columns"], s["numeric_columns"], s["categorical_columns"]) == (4, 3, 2, 1)
    assert (s["columns_with_missing"], s["duplicate_rows"]) == (1, 2)
    assert_allclose([s["missing_share"], s["max_column_missing"], s["label_rate"], s["label_missing"]],
                    [1 / 12, 0.25, 0.75, 0.0])


def test_summary_label_rate_ignores_missing_labels():
    "dataset_summary: the label rate is over labelled rows; the missing share is reported apart"
    df = pd.DataFrame({"y": pd.array([True, None, False, False], dtype="boolean")})
    s = dataset_summary(df, label="y")
    assert_allclose([s["label_rate"], s["label_missing"]], [1 / 3, 0.25])


def test_summary_time_span():
    "dataset_summary: first and last value of a datetime column"
    df = pd.DataFrame({"t": pd.to_datetime(["2013-03-01", "2013-01-01", "2013-12-31"])})
    s = dataset_summary(df, time_col="t")
    assert (s["first"], s["last"]) == (pd.Timestamp("2013-01-01"), pd.Timestamp("2013-12-31"))


@pytest.mark.parametrize(("df", "kwargs", "error"), [
    ({"a": [1]}, {}, TypeError),
    (pd.DataFrame(), {}, ValueError),
    (pd.DataFrame({"a": [1]}), {"label": "b"}, ValueError),
    (pd.DataFrame({"a": [1, 2]}), {"label": "a"}, ValueError),
    (pd.DataFrame({"a": [1]}), {"time_col": "a"}, ValueError),
])
def test_summary_rejects_bad_input(df, kwargs, error):
    "dataset_summary: non-DataFrames, empty frames, unknown or non-binary labels, non-datetime times"
    with pytest.raises(error):
        dataset_summary(df, **kwargs)
