"""labutils.protocol: choices on validation only, test reads on the record."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics import brier_score_loss, roc_auc_score

from labutils import protocol
from labutils.protocol import score_test, select


def test_select_returns_the_choice_for_every_allowed_dataset():
    "select: the choice comes back unchanged on train, valid and train-cv"
    for on in protocol.SELECTION_DATA:
        assert select("depth", 4, on=on) == 4


@pytest.mark.parametrize(("kwargs", "match"), [({"on": "test"}, "on='test' is not allowed"),
                                                ({"on": "holdout"}, "not allowed"),
                                                ({"what": " ", "on": "valid"}, "what must be a non-empty")])
def test_select_refuses_the_test_period_and_bad_names(kwargs, match):
    "select: choosing on the test period, an unknown dataset or an empty name is a ValueError"
    with pytest.raises(ValueError, match=match):
        select(**{"what": "threshold", "choice": 0.3, **kwargs})


def test_score_test_reports_auc_ece_and_brier_with_intervals():
    "score_test: estimates equal the plain metrics, and each lies inside its day-clustered interval"
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 600)
    prob = np.clip(0.5 + (y - 0.5) * 0.3 + rng.normal(0, 0.2, 600), 0, 1)
    table = score_test("unit-test", y, prob, groups=np.arange(600) // 30, n_resamples=60)
    assert_allclose(table.loc["auc", "estimate"], roc_auc_score(y, prob))
    assert_allclose(table.loc["brier", "estimate"], brier_score_loss(y, prob))
    assert ((table["low"] <= table["estimate"]) & (table["estimate"] <= table["high"])).all()


def test_score_test_counts_reads_per_model():
    "score_test: a second read of the same model is counted, so the Protocol page can flag it"
    y, prob, groups = np.array([0, 1] * 20), np.linspace(0.1, 0.9, 40), np.arange(40) // 4
    score_test("counted", y, prob, groups=groups, n_resamples=10)
    score_test("counted", y, prob, groups=groups, n_resamples=10)
    assert protocol._reads["counted"] == 2


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"model": ""}, ValueError, "model must be a non-empty"),
    ({"y_prob": np.full(40, 1.5)}, ValueError, "probabilities"),
    ({"groups": np.zeros(40)}, ValueError, "single group"),
    ({"groups": np.arange(39)}, ValueError, "one label per row"),
])
def test_score_test_rejects_bad_input(kwargs, error, match):
    "score_test: empty names, non-probabilities and bad groups raise with a clear message"
    args = {"model": "bad", "y_true": np.array([0, 1] * 20), "y_prob": np.linspace(0.1, 0.9, 40),
            "groups": np.arange(40) // 4, "n_resamples": 10, **kwargs}
    with pytest.raises(error, match=match):
        score_test(**args)


def test_record_test_read_counts_reads_and_refuses_bad_input():
    "record_test_read: each read of the same model gets the next number; empty names and row counts are refused"
    from labutils.protocol import record_test_read

    first = record_test_read("a model read twice", 10)
    assert record_test_read("a model read twice", 10) == first + 1
    with pytest.raises(ValueError, match="non-empty string"):
        record_test_read(" ", 10)
    with pytest.raises(ValueError, match="positive number of test rows"):
        record_test_read("m", 0)
