"""The book's shared flights model and its time split.

The chapters from "Supervised models" on (error analysis, explainability,
deployment, monitoring, scaling out and the capstone) all predict whether a
flight arrives late from what is known before departure. They build the same
split and the same model here, so a number in one chapter can be compared with
a number in another.
"""

from __future__ import annotations

import pandas as pd
from xgboost import XGBClassifier

from ._checks import check_int
from .datasets import FLIGHTS_FEATURES, FLIGHTS_TARGET, load_flights
from .leakage import time_split

__all__ = ["FLIGHTS_TEST_START", "flights_model", "flights_split"]

#: First day of the test period: train on January–September, test on October–December.
FLIGHTS_TEST_START = "2013-10-01"


def flights_split(*, n: int | None = None, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The time split of :func:`labutils.datasets.load_flights`: January–September, October–December.

    Parameters
    ----------
    n : int, optional
        Draw a random subsample of ``n`` flights (with ``seed``) before splitting;
        by default all 327,346 flights with a known arrival delay.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    train, test : DataFrame
        All columns; the model's inputs are :data:`labutils.datasets.FLIGHTS_FEATURES`
        and the label is :data:`labutils.datasets.FLIGHTS_TARGET`.

    Examples
    --------
    >>> train, test = flights_split(n=10_000)
    >>> len(train), len(test)
    (7455, 2545)
    >>> bool(train["sched_dep"].max() < test["sched_dep"].min())
    True
    """
    check_int("seed", seed, low=0)
    flights = load_flights(n=n, seed=seed)
    return time_split(flights, time_col="sched_dep", cutoff=FLIGHTS_TEST_START)


def flights_model(*, seed: int = 0, n_estimators: int = 200) -> XGBClassifier:
    """The book's (unfitted) flights late-arrival classifier: gradient-boosted trees.

    Fit it on ``train[list(FLIGHTS_FEATURES)]`` and ``train[FLIGHTS_TARGET]`` from
    :func:`flights_split`; the categorical columns (carrier, origin, destination)
    are used natively and missing weather or aircraft values are handled by the trees.
    It trains on one thread: on a busy or shared machine (Binder, CI) two OpenMP
    threads that wait for each other made a fit ten times slower, not faster.

    Parameters
    ----------
    seed : int, default 0
    n_estimators : int, default 200
        Number of boosting rounds.

    Examples
    --------
    >>> train, test = flights_split(n=5_000)
    >>> model = flights_model(n_estimators=20).fit(
    ...     train[list(FLIGHTS_FEATURES)], train[FLIGHTS_TARGET].astype(int))
    >>> model.predict_proba(test[list(FLIGHTS_FEATURES)]).shape
    (1278, 2)
    """
    check_int("seed", seed, low=0)
    check_int("n_estimators", n_estimators, low=1)
    return XGBClassifier(
        n_estimators=n_estimators, max_depth=6, learning_rate=0.1, tree_method="hist",
        enable_categorical=True, max_cat_to_onehot=1, n_jobs=1, random_state=seed,
        eval_metric="logloss",
    )  # fmt: skip
