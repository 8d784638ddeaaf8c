"""Every requirements model with pages and an API endpoint gets the generic tests of
``tests.generic.harness``: CRUD through the UI and the API, field errors, isolation from
other ecosystems, constant query counts. (Field and value mappings are left out: they
are moving to another app.)"""

from tests.generic.suites import model_tests

from .cases import CASES

globals().update(model_tests(CASES, context="req"))
