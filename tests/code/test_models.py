"""Tests for labutils.models: the shared flights split and model."""

import pandas as pd
import pytest

from labutils.datasets import FLIGHTS_FEATURES, FLIGHTS_TARGET
from labutils.models import FLIGHTS_TEST_START, flights_model, flights_split


def test_split_is_by_time():
    """Every training flight is scheduled before the test period, every test flight in it."""
    train, test = flights_split(n=3_000)
    start = pd.Timestamp(FLIGHTS_TEST_START)
    assert train["sched_dep"].max() < start <= test["sched_dep"].min()
    assert len(train) + len(test) == 3_000


def test_model_learns_something():
    """A small model fitted on the split ranks late flights better than chance."""
    from sklearn.metrics import roc_auc_score

    train, test = flights_split(n=20_000)
    model = flights_model(n_estimators=30).fit(train[list(FLIGHTS_FEATURES)], train[FLIGHTS_TARGET].astype(int))
    score = model.predict_proba(test[list(FLIGHTS_FEATURES)])[:, 1]
    assert roc_auc_score(test[FLIGHTS_TARGET].astype(int), score) > 0.6


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: flights_split(seed=-1), "seed"),
        (lambda: flights_split(seed=1.5), "seed"),
        (lambda: flights_model(n_estimators=0), "n_estimators"),
        (lambda: flights_model(seed="0"), "seed"),
    ],
)
def test_bad_arguments_are_named(call, message):
    """Bad seeds or round counts raise an error naming the argument."""
    with pytest.raises((TypeError, ValueError), match=message):
        call()
