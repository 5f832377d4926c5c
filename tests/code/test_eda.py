"""labutils.eda: profile, rate_by, rateplot, ecdf, stratified_corr and anscombe."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from labutils.eda import (  # noqa: E402
    PROFILE_COLUMNS,
    anscombe,
    ecdf,
    lightness,
    profile,
    rate_by,
    rateplot,
    stratified_corr,
)


@pytest.fixture
def frame():
    return pd.DataFrame({
        "hour": [5.0, 23.0, 25.0, np.nan, 5.0],
        "carrier": pd.Series(["UA", "AA", "UA", None, "DL"], dtype="category"),
        "when": pd.date_range("2013-01-01", periods=5, freq="D"),
        "late": pd.array([True, False, True, None, False], dtype="boolean"),
    })


def test_profile_describes_every_column(frame):
    "profile: one row per column with type, missing share, distinct count, examples and range"
    table = profile(frame)
    assert list(table.index) == list(frame.columns) and list(table.columns) == PROFILE_COLUMNS
    assert_allclose(table["missing"].astype(float), [0.2, 0.2, 0.0, 0.2])
    assert table["unique"].tolist() == [3, 3, 5, 2]
    assert table.loc["hour", "examples"] == "5, 23, 25"
    assert (table.loc["hour", "min"], table.loc["hour", "max"]) == (5.0, 25.0)
    assert table.loc["when", "min"] == pd.Timestamp("2013-01-01")
    assert table.loc["carrier", "min"] is None and table.loc["late", "max"] is None
    assert table["out_of_range"].isna().all()


def test_profile_counts_values_outside_expected_ranges(frame):
    "profile: the range check counts non-missing values outside [low, high], dates included"
    table = profile(frame, {"hour": (0, 23), "when": (pd.Timestamp("2013-01-02"), pd.Timestamp("2013-12-31"))})
    assert table.loc["hour", "out_of_range"] == 1
    assert table.loc["when", "out_of_range"] == 1
    assert pd.isna(table.loc["carrier", "out_of_range"])


def test_profile_limits_examples(frame):
    "profile: n_examples caps the number of example values"
    assert profile(frame, n_examples=1).loc["carrier", "examples"] == "UA"


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (([1, 2],), {}, TypeError, "must be a pandas DataFrame"),
        ((pd.DataFrame(),), {}, ValueError, "empty"),
        ((None, {"nope": (0, 1)}), {}, ValueError, r"column\(s\) \['nope'\] not in the data"),
        ((None, {"carrier": (0, 1)}), {}, ValueError, "needs a numeric or datetime column"),
        ((None, {"hour": (5, 1)}), {}, ValueError, "low 5 > high 1"),
        ((None,), {"n_examples": 0}, TypeError, "n_examples must be a positive int"),
    ],
)
def test_profile_rejects_bad_input(frame, args, kwargs, error, match):
    "profile: wrong types, empty frames, unknown or non-numeric columns and bad ranges raise"
    args = (frame if args[0] is None else args[0], *args[1:])
    with pytest.raises(error, match=match):
        profile(*args, **kwargs)


@pytest.fixture
def rates():
    return pd.DataFrame({
        "hour": [8] * 40 + [18] * 40 + [23] * 5,
        "late": [0] * 36 + [1] * 4 + [0] * 20 + [1] * 20 + [1] * 5,
        "visib": np.r_[np.linspace(0, 10, 80), [np.nan] * 5],
    })


def test_rate_by_matches_wilson_interval(rates):
    "rate_by: rates per level with the Wilson 95% interval; small levels are dropped"
    table = rate_by(rates, "hour", "late")
    assert table.index.tolist() == [8, 18] and table["n"].tolist() == [40, 40]
    assert_allclose(table["rate"], [0.1, 0.5])
    assert_allclose(table[["lo", "hi"]].iloc[1], [0.352, 0.648], atol=1e-3)
    assert (table["lo"] <= table["rate"]).all() and (table["rate"] <= table["hi"]).all()


def test_rate_by_bins_a_numeric_column(rates):
    "rate_by: bins cut the column into right-closed intervals and drop missing rows"
    table = rate_by(rates, "visib", "late", bins=[-0.1, 5, 10], min_count=1)
    assert table["n"].sum() == 80 and len(table) == 2


def test_rate_by_accepts_nullable_booleans():
    "rate_by: a boolean target with <NA> is counted on its non-missing rows"
    df = pd.DataFrame({"g": [1] * 4, "y": pd.array([True, False, None, True], dtype="boolean")})
    assert_allclose(rate_by(df, "g", "y", min_count=1)["rate"], [2 / 3])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"df": "x"}, TypeError, "must be a pandas DataFrame"),
        ({"by": "nope"}, ValueError, "not in the data"),
        ({"target": "visib"}, ValueError, "must be binary"),
        ({"level": 1.5}, ValueError, "level must be between 0 and 1"),
        ({"min_count": 0}, ValueError, "min_count must be a positive int"),
        ({"min_count": 1000}, ValueError, "no level of 'hour'"),
    ],
)
def test_rate_by_rejects_bad_input(rates, kwargs, error, match):
    "rate_by: bad frames, columns, targets, levels and minimum counts raise clear errors"
    args = {"df": rates, "by": "hour", "target": "late", **kwargs}
    with pytest.raises(error, match=match):
        rate_by(**args)


def test_rateplot_starts_at_zero_and_labels_axes(rates):
    "rateplot: one point per level, axis from zero, labels set"
    ax = rateplot(rate_by(rates, "visib", "late", bins=[-0.1, 5, 10]), xlabel="visibility (miles)",
                  ylabel="share late")
    assert ax.get_ylim()[0] == 0.0 and ax.get_xlabel() == "visibility (miles)"
    assert len(ax.get_lines()[0].get_xdata()) == 2
    plt.close("all")


def test_rateplot_rejects_bad_input():
    "rateplot: a table without rate columns raises"
    with pytest.raises(TypeError, match="must be a DataFrame"):
        rateplot([1], xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match=r"\['lo', 'hi'\] not in the data"):
        rateplot(pd.DataFrame({"rate": [0.1]}), xlabel="x", ylabel="y")


def test_ecdf_steps_and_ties():
    "ecdf: sorted values, share at or below each, NaNs dropped"
    x, y = ecdf(np.array([3.0, 1.0, np.nan, 2.0, 2.0]))
    assert_allclose(x, [1, 2, 2, 3])
    assert_allclose(y, [0.25, 0.75, 0.75, 1.0])


@pytest.mark.parametrize(
    ("values", "error", "match"),
    [(["a", "b"], TypeError, "must be numeric"), ([True], TypeError, "must be numeric"),
     ([np.nan], ValueError, "no non-missing")],
)
def test_ecdf_rejects_bad_input(values, error, match):
    "ecdf: text, booleans and all-missing input raise"
    with pytest.raises(error, match=match):
        ecdf(values)


def test_stratified_corr_removes_a_confounder():
    "stratified_corr: within-group correlation differs from the pooled one when groups confound"
    df = pd.DataFrame({"g": [0] * 40 + [1] * 40, "a": range(80), "b": list(range(40, 80)) + list(range(40))})
    assert_allclose(stratified_corr(df, "a", "b", by="g"), 1.0)
    assert_allclose(stratified_corr(df, "a", "b", by="g", method="pearson"), 1.0)
    assert df["a"].corr(df["b"], method="spearman") < 0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"df": None}, TypeError, "must be a pandas DataFrame"),
        ({"by": "nope"}, ValueError, "not in the data"),
        ({"method": "kendall"}, ValueError, "method must be"),
        ({"min_count": 100}, ValueError, "no level of 'g'"),
    ],
)
def test_stratified_corr_rejects_bad_input(kwargs, error, match):
    "stratified_corr: bad frames, columns, methods and strata raise clear errors"
    df = pd.DataFrame({"g": [0] * 40, "a": range(40), "b": range(40)})
    args = {"df": df, "x": "a", "y": "b", "by": "g", **kwargs}
    with pytest.raises(error, match=match):
        stratified_corr(**args)


def test_anscombe_reproduces_published_summaries():
    "anscombe: the four sets share mean 9 / 7.50, variance 11 / 4.12, r 0.816, fit 3.00 + 0.500x"
    q = anscombe()
    assert q.shape == (44, 3) and q["dataset"].unique().tolist() == ["I", "II", "III", "IV"]
    for _, part in q.groupby("dataset"):
        assert_allclose([part["x"].mean(), part["x"].var()], [9.0, 11.0])
        assert_allclose([part["y"].mean(), part["y"].var()], [7.50, 4.12], atol=0.01)
        assert_allclose(part["x"].corr(part["y"]), 0.816, atol=1e-3)
        assert_allclose(np.polyfit(part["x"], part["y"], 1), [0.500, 3.00], atol=5e-3)


def test_lightness_of_gray_and_jet():
    "lightness: gray runs from L* 0 to 100 monotonically; jet does not"
    gray = lightness("gray", n=50)
    assert_allclose(gray[[0, -1]], [0.0, 100.0], atol=1e-6)
    assert np.all(np.diff(gray) > 0)
    assert np.any(np.diff(lightness("jet")) < 0)


@pytest.mark.parametrize(("cmap", "n", "match"), [("nope", 10, "unknown colormap"), ("gray", 1, "at least 2")])
def test_lightness_rejects_bad_input(cmap, n, match):
    "lightness: unknown colormaps and too few samples raise"
    with pytest.raises(ValueError, match=match):
        lightness(cmap, n=n)
