"""labutils.leakage: leakage_report and time_split."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from labutils.leakage import REPORT_COLUMNS, leakage_report, time_split


@pytest.fixture
def split():
    rng = np.random.default_rng(0)
    n = 200
    y = rng.integers(0, 2, n)
    df = pd.DataFrame({
        "signal": y + rng.normal(0, 2, n),
        "noise": rng.normal(size=n),
        "t": pd.date_range("2020-01-01", periods=n, freq="D"),
        "who": np.arange(n) % 40,
    })
    return df[:150].reset_index(drop=True), df[150:].reset_index(drop=True), pd.Series(y[:150])


def test_clean_split_has_no_findings(split):
    "leakage_report: a clean, later, disjoint test set gives an empty report with the documented columns"
    train, test, y = split
    report = leakage_report(train.drop(columns="who"), test.drop(columns="who"), y, time_col="t")
    assert report.empty and list(report.columns) == REPORT_COLUMNS


def test_copy_of_the_label_is_a_target_proxy(split):
    "leakage_report: a column equal to the label is flagged with AUC 1"
    train, test, y = split
    report = leakage_report(train.assign(label_copy=y), test.assign(label_copy=0), y)
    row = report.set_index("column").loc["label_copy"]
    assert row["check"] == "target_proxy" and row["value"] == 1.0


def test_inverted_proxy_is_flagged_too(split):
    "leakage_report: a proxy that ranks the classes backwards (AUC 0) is flagged as 1"
    train, test, y = split
    report = leakage_report(train.assign(neg=-y), test.assign(neg=0), y)
    assert_allclose(report.set_index("column").loc["neg", "value"], 1.0)


def test_proxy_check_skips_nans_and_non_numeric_columns(split):
    "leakage_report: NaNs are ignored per column; strings are not screened"
    train, test, y = split
    leaky = y.astype(float).where(np.arange(150) % 3 > 0)
    report = leakage_report(train.assign(p=leaky, s="a"), test.assign(p=0.0, s="a"), y)
    assert report["column"].tolist() == ["p"]


def test_duplicates_across_the_split_are_counted(split):
    "leakage_report: test rows copied from training are reported with their share"
    train, test, y = split
    test = pd.concat([test, train.iloc[:10]], ignore_index=True)
    report = leakage_report(train, test, y, time_col="t", group_col="who")
    dup = report.set_index("check").loc["duplicate_rows"]
    assert_allclose(dup["value"], 10 / 60)
    assert "10 of 60 test rows" in dup["message"]


def test_time_overlap_share(split):
    "leakage_report: test rows not later than the last training row"
    train, test, y = split
    test = test.assign(t=test["t"] - pd.Timedelta(days=60))
    report = leakage_report(train, test, y, time_col="t")
    assert_allclose(report.set_index("check").loc["time_overlap", "value"], 1.0)


def test_shared_groups_share(split):
    "leakage_report: groups on both sides of the split, as a share of test groups"
    train, test, y = split
    report = leakage_report(train, test, y, group_col="who")
    assert_allclose(report.set_index("check").loc["shared_groups", "value"], 1.0)


def test_report_is_invariant_to_row_order(split):
    "leakage_report: shuffling the rows does not change the findings"
    train, test, y = split
    test = pd.concat([test, train.iloc[:5]], ignore_index=True)
    a = leakage_report(train, test, y, time_col="t", group_col="who")
    order = np.random.default_rng(1).permutation(len(train))
    b = leakage_report(train.iloc[order], test.sample(frac=1, random_state=0), y.iloc[order], time_col="t",
                       group_col="who")
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"X_train": "frame"}, TypeError, "X_train must be a pandas DataFrame"),
        ({"X_test": pd.DataFrame()}, ValueError, "X_test is empty"),
        ({"y_train": [0, 1]}, ValueError, "y_train has 2 values but X_train has 150 rows"),
        ({"y_train": [np.nan] + [0, 1] * 74 + [1]}, ValueError, "missing values"),
        ({"y_train": [0] * 150}, ValueError, "exactly two classes"),
        ({"time_col": "when"}, ValueError, r"time_col='when' is not a column"),
        ({"group_col": "whom"}, ValueError, r"group_col='whom' is not a column"),
        ({"proxy_auc": 0.4}, ValueError, r"proxy_auc must be a number in \(0.5, 1\]"),
    ],
)
def test_leakage_report_rejects_bad_input(split, change, error, match):
    "leakage_report: each bad argument gets an error that says what to fix"
    train, test, y = split
    args = {"X_train": train, "X_test": test, "y_train": y, **change}
    with pytest.raises(error, match=match):
        leakage_report(**args)


def test_leakage_report_rejects_mismatched_columns(split):
    "leakage_report: the error names the columns only on one side"
    train, test, y = split
    with pytest.raises(ValueError, match=r"only in train: \['noise'\]"):
        leakage_report(train, test.drop(columns="noise"), y)


def test_time_split_puts_the_cutoff_day_in_test():
    "time_split: rows before the cutoff train, rows from it on test"
    df = pd.DataFrame({"t": pd.date_range("2013-09-29", periods=5, freq="D")})
    train, test = time_split(df, time_col="t", cutoff="2013-10-01")
    assert train["t"].max() < pd.Timestamp("2013-10-01") <= test["t"].min()
    assert len(train) + len(test) == len(df)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"time_col": "x"}, ValueError, "not a column"),
        ({"time_col": "n"}, TypeError, "must be datetime"),
        ({"cutoff": "not a date"}, ValueError, "is not a date"),
        ({"cutoff": "2030-01-01"}, ValueError, "leaves one side empty"),
    ],
)
def test_time_split_rejects_bad_input(kwargs, error, match):
    "time_split: unknown columns, non-dates and empty sides are errors"
    df = pd.DataFrame({"t": pd.date_range("2013-01-01", periods=3), "n": [1, 2, 3]})
    with pytest.raises(error, match=match):
        time_split(df, **{"time_col": "t", "cutoff": "2013-01-02", **kwargs})
