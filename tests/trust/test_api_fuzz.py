"""schemathesis over the whole OpenAPI schema, as the demo's integrator administrator.

One test per operation (so the suite's workers share them out), each running the
explicit-examples and the fuzzing phases with a bounded number of cases. The property
checked is the one the product promises for any input: no answer is a server error.
"""

import json
import os

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

CONFIG = {
    # A fixed seed keeps CI reproducible; set SIAM_FUZZ_SEED to explore other cases
    # (a run with another seed found the `?with=false` 500 fixed in raci/api/views.py).
    "seed": int(os.environ.get("SIAM_FUZZ_SEED", "2026")),
    # Valid and invalid input alike ("all"): invalid filter values, wrong types, bad ids.
    "generation": {"max-examples": 6, "database": "none", "mode": "all"},
    "phases": {
        "examples": {"enabled": True},
        "fuzzing": {"enabled": True},
        "coverage": {"enabled": False},
        "stateful": {"enabled": False},
    },
}


def _openapi() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(_openapi(), config=SchemathesisConfig.from_dict(CONFIG))
schema.app = get_wsgi_application()


@pytest.fixture
def token(demo, db):
    # Like Django's test client: a request must not close the test's database
    # connection (it holds the transaction that is rolled back afterwards).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    user = get_user_model().objects.get(username="john")
    yield Token.objects.get_or_create(user=user)[0].key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_api_operation_answers_a_server_error(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} {case.query} {case.body!r}: "
        f"{response.status_code} {response.text[:300]}"
    )
