"""Every slas model with a list page gets the generic tests of ``tests.generic.harness``:
CRUD through the UI and the API, field errors, isolation from other ecosystems, constant
query counts. Records the SLA services write (``RECORDS``) get those that apply to
what people only read: API read, isolation and query counts."""

from tests.generic.suites import model_tests, record_tests

from .cases import CASES, RECORDS

globals().update(model_tests(CASES, context="sla"))
# Records: derived from the timelines by the SLA services; no form and no API write
# exist for them, so the UI CRUD and invalid-input checks do not apply.
globals().update(record_tests(RECORDS, context="sla"))
