"""Behavioural tests of the flights model of "Error analysis and iteration" (CheckList-style).

Invariance: changes that should not matter barely move the predictions.
Directional: changes that should raise the risk of a late arrival do not lower it.
The model is the chapter's pipeline: the shared model's point-in-time inputs
(``MODEL_FEATURES``) plus ``departed_delay``, both known two hours before the
scheduled departure, fitted on the training period and probed on validation flights.
The hour gets no directional test: with the airport's state held fixed, the
chapter finds that a later hour adds next to nothing, in either direction.
"""

import numpy as np
import pytest

from labutils.datasets import FLIGHTS_TARGET, load_flights
from labutils.erroranalysis import departed_delay, perturbation_shift
from labutils.models import MODEL_FEATURES, flights_model, flights_split

COLUMNS = [*MODEL_FEATURES, "departed_delay"]


@pytest.fixture(scope="module")
def model_and_probe():
    """The chapter's pipeline on 20,000 training flights, and 3,000 validation flights to probe."""
    split = flights_split(n=60_000, seed=0)
    feed = load_flights(keep_cancelled=True)
    train, valid = (part.assign(departed_delay=departed_delay(part, departures=feed))
                    for part in (split.train, split.valid))
    train = train.sample(20_000, random_state=0)
    model = flights_model(n_estimators=80).fit(train[COLUMNS], train[FLIGHTS_TARGET].astype(int))
    return (lambda X: model.predict_proba(X[COLUMNS])[:, 1]), valid.sample(3_000, random_state=0)


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
    ("departed_delay", lambda d: d.fillna(0) + 30),
    ("prev_dep_delay", lambda d: d.fillna(0) + 60),
])
def test_riskier_conditions_do_not_lower_the_risk(model_and_probe, column, change):
    "directional: rain, fog, a bad day at the airport or a late inbound aircraft do not lower P(late)"
    predict, probe = model_and_probe
    assert perturbation_shift(predict, probe, column, change) >= 0.0


def test_predictions_are_probabilities(model_and_probe):
    "sanity: every prediction is a probability strictly between 0 and 1"
    predict, probe = model_and_probe
    p = predict(probe)
    assert np.all((p > 0) & (p < 1))
