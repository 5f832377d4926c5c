"""Behavioural tests of the flights model of "Error analysis and iteration" (CheckList-style).

Invariance: changes that should not matter barely move the predictions.
Directional: changes that should raise the risk of a late arrival do not lower it.
"""

import numpy as np
import pytest

from labutils.datasets import FLIGHTS_TARGET, load_flights
from labutils.erroranalysis import departed_delay, perturbation_shift
from labutils.models import MODEL_FEATURES, flights_model, flights_split

COLUMNS = [*MODEL_FEATURES, "departed_delay"]


@pytest.fixture(scope="module")
def model_and_probe():
    """The chapter's pipeline (shared model + departed_delay) on 20,000 training flights, probed on September."""
    train, valid, _ = flights_split()
    feed = load_flights(keep_cancelled=True)
    train = train.assign(departed_delay=departed_delay(train, departures=feed)).sample(20_000, random_state=0)
    test = valid.assign(departed_delay=departed_delay(valid, departures=feed)).sample(3_000, random_state=0)
    model = flights_model(n_estimators=80).set_params(n_jobs=1)
    model.fit(train[COLUMNS], train[FLIGHTS_TARGET].astype(int))
    return (lambda X: model.predict_proba(X[COLUMNS])[:, 1]), test


def test_invariant_to_a_few_minutes(model_and_probe):
    "invariance: moving the scheduled minute by 5 changes the mean probability by < 0.01"
    predict, probe = model_and_probe
    assert abs(perturbation_shift(predict, probe, "minute", lambda m: (m + 5) % 60)) < 0.01


def test_invariant_to_flight_number(model_and_probe):
    "invariance: the flight number is not an input, so renumbering changes nothing"
    predict, probe = model_and_probe
    assert perturbation_shift(predict, probe, "flight", lambda f: f + 1000) == 0.0


@pytest.mark.parametrize(("column", "change"), [
    ("precip", lambda p: p + 0.2),
    ("visib", lambda v: v.clip(upper=1.0)),
    ("hour", lambda h: (h + 3).clip(upper=23)),
    ("departed_delay", lambda d: d.fillna(0) + 30),
])
def test_riskier_conditions_do_not_lower_the_risk(model_and_probe, column, change):
    "directional: rain, fog, a later hour or a bad start at the airport do not lower P(late)"
    predict, probe = model_and_probe
    assert perturbation_shift(predict, probe, column, change) >= 0.0


def test_predictions_are_probabilities(model_and_probe):
    "sanity: every prediction is a probability strictly between 0 and 1"
    predict, probe = model_and_probe
    p = predict(probe)
    assert np.all((p > 0) & (p < 1))
