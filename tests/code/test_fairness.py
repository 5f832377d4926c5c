"""labutils.fairness: the shared Adult split and model."""

import pytest
from sklearn.metrics import roc_auc_score

from labutils.datasets import ADULT_TARGET
from labutils.fairness import ADULT_FEATURES, ADULT_SENSITIVE, adult_model, adult_split


def test_split_is_stratified_and_seeded():
    "adult_split: the label rate is the same on both sides, and a seed fixes the rows"
    train, test = adult_split(seed=1)
    assert abs(train[ADULT_TARGET].mean() - test[ADULT_TARGET].mean()) < 0.002
    assert adult_split(seed=1)[1].index.equals(test.index)


def test_model_inputs_exclude_the_sensitive_attributes():
    "ADULT_FEATURES: sex and race are for assessment only"
    assert not set(ADULT_SENSITIVE) & set(ADULT_FEATURES)


def test_model_learns_income():
    "adult_model: a fitted model ranks incomes well on held-out people"
    train, test = adult_split()
    model = adult_model().fit(train[list(ADULT_FEATURES)], train[ADULT_TARGET])
    assert roc_auc_score(test[ADULT_TARGET], model.predict_proba(test[list(ADULT_FEATURES)])[:, 1]) > 0.88


@pytest.mark.parametrize(("kwargs", "error"), [({"test_size": 1.5}, ValueError), ({"test_size": 0}, ValueError),
                                                ({"seed": -1}, ValueError), ({"seed": "0"}, TypeError)])
def test_split_rejects_bad_input(kwargs, error):
    "adult_split: shares outside (0, 1) and bad seeds are errors"
    with pytest.raises(error):
        adult_split(**kwargs)
