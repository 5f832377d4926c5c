"""Fuzzing the model server with schemathesis, in process (ASGI, no network).

Schemathesis reads the app's ``/openapi.json`` and sends, per endpoint, examples
generated from it (valid and invalid bodies, derandomised so that the test is
deterministic). The server must never answer 5xx, every reply must match its
documented schema, status code and content type, and ``/health`` must answer
afterwards. ``positive_data_acceptance`` is excluded for one documented reason:
equal column lengths in a batch cannot be said in JSON Schema, so a "valid"
ragged batch is refused with a 422, as it must be.
"""

import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, positive_data_acceptance,
                                               response_schema_conformance, status_code_conformance)

from labutils.serving import create_app, feature_schema

EXAMPLES = 500  # per endpoint and generation mode


@pytest.fixture(scope="module")
def served():
    from labutils.datasets import FLIGHTS_SCHEDULED_WEATHER, FLIGHTS_TARGET
    from labutils.models import COUNT_FEATURES, FEATURE_LIMITS, MODEL_FEATURES, flights_model, flights_split

    train = flights_split(n=3_000, seed=0).train
    features = list(MODEL_FEATURES)
    model = flights_model(n_estimators=5).fit(train[features], train[FLIGHTS_TARGET].astype(int))
    schema = feature_schema(train[features], bounds={"hour": (0, 23), "minute": (0, 59)},
                            limits=FEATURE_LIMITS, integers=COUNT_FEATURES,
                            nullable=[*FLIGHTS_SCHEDULED_WEATHER, "prev_dep_delay", *COUNT_FEATURES])
    return create_app(model, schema, model_version="fuzz", max_rows=20)


# The GET endpoints take no input, so only valid (positive) requests exist for them.
OPERATIONS = [("/health", "GET", "positive"), ("/metadata", "GET", "positive"),
              ("/predict", "POST", "positive"), ("/predict", "POST", "negative"),
              ("/predict/batch", "POST", "positive"), ("/predict/batch", "POST", "negative")]  # fmt: skip


@pytest.mark.parametrize("path, method, mode", OPERATIONS)
def test_no_server_error_and_every_reply_matches_the_schema(served, path, method, mode):
    "Every endpoint: no 5xx, and status, content type and body as /openapi.json documents them"
    api = schemathesis.openapi.from_asgi("/openapi.json", served)
    strategy = api[path][method].as_strategy(generation_mode=GenerationMode(mode))
    sent = []

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def fuzz(case):
        sent.append(case)
        case.call_and_validate(
            checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                    response_schema_conformance],
            excluded_checks=[positive_data_acceptance],
        )  # fmt: skip

    fuzz()
    assert len(sent) >= (EXAMPLES if method == "POST" else 1), f"only {len(sent)} examples were sent"


def test_health_answers_after_the_fuzzing(served):
    "The server still answers after the fuzz run (the module's app is the one that was fuzzed)"
    from fastapi.testclient import TestClient

    assert TestClient(served).get("/health").json() == {"status": "ok"}
