"""Every governance model gets the generic tests of ``tests.generic.harness``: CRUD through the
UI and the API, field errors, isolation from other ecosystems, constant query counts."""

from tests.generic.suites import model_tests

from .cases import CASES

globals().update(model_tests(CASES, context="gov"))
