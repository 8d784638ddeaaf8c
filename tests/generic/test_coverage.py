"""Every model of every app is covered by the generic suites, or is named here with why
it is not a case of its own: a child row edited on its parent's page (whose generic
tests post the page's formsets as rendered, so the parent must be a case), or a row
the system writes (covered by the tests of what writes it). A new model that is
neither makes this fail."""

import importlib

from django.apps import apps
from simple_history.models import HistoricalChanges

PRODUCT_APPS = ("core", "siam", "raci", "requirements_app", "slas", "governance", "integrations")
CASE_MODULES = (
    "tests.siam.cases", "tests.raci.cases", "tests.requirements.cases", "tests.slas.cases",
    "tests.governance.cases", "tests.integrations.cases",
)  # fmt: skip

#: child -> its parent, on whose page (or through whose API) it is edited.
CHILDREN = {
    "raci.RaciActivity": "raci.RaciMatrix", "raci.RaciColumn": "raci.RaciMatrix",
    "raci.RaciAssignment": "raci.RaciMatrix", "raci.AccessGrant": "raci.AccessMatrix",
    "requirements_app.StoryLink": "requirements_app.UserStory",
    "requirements_app.UseCaseLink": "requirements_app.UseCase",
    "requirements_app.AcceptanceCriterion": "requirements_app.Requirement",
    "requirements_app.UseCaseStep": "requirements_app.UseCase",
    "slas.WorkingPeriod": "slas.BusinessCalendar", "slas.CustomHoliday": "slas.BusinessCalendar",
    "slas.EscalationRule": "slas.ServiceLevelTarget", "slas.IncidentToolKey": "slas.Incident",
    "governance.BoardMember": "governance.Board", "governance.PodMember": "governance.Pod",
    "governance.Measurement": "governance.Kpi",
    "integrations.AssignmentGroup": "integrations.TicketFeed",
    # The flow's data dictionary: its own editor page, and the API (tests/integrations/test_dictionary.py).
    "integrations.FieldMapping": "siam.IntegrationFlow",
    "integrations.ValueMapping": "siam.IntegrationFlow",
}  # fmt: skip

#: rows the system writes -> the module that writes them (its tests cover them).
WRITTEN_BY_THE_SYSTEM = {
    "core.WorkerHeartbeat": "core.tasks", "core.CodeCounter": "core.codes",
    "requirements_app.Transition": "requirements_app.services",
    "slas.IncidentEvent": "slas.timelines", "slas.IncidentSla": "slas.clocks",
    "slas.SlaAlert": "slas.crossings", "slas.Notification": "slas.notifications",
    "slas.SlaRollupMonth": "slas.rollups.build", "slas.SlaRollup": "slas.rollups.build",
    "slas.SlaRollupGap": "slas.rollups.build", "slas.SlaRollupSeen": "slas.rollups.build",
    "slas.SlaRollupBudget": "slas.rollups.build",
    "governance.SteeringReport": "governance.tasks",
    "integrations.SourceEvent": "integrations.ingest",
}  # fmt: skip


def product_models() -> set[str]:
    return {
        model._meta.label
        for label in PRODUCT_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.auto_created and not issubclass(model, HistoricalChanges)
    }


def generic_cases() -> set[str]:
    covered = set()
    for name in CASE_MODULES:
        module = importlib.import_module(name)
        for group in ("CASES", "RECORDS", "TEMPLATES"):
            covered |= {case.model._meta.label for case in getattr(module, group, [])}
    return covered


def test_every_model_is_a_generic_case_or_says_why_not():
    cases = generic_cases()
    named = set(CHILDREN) | set(WRITTEN_BY_THE_SYSTEM)
    assert sorted(product_models() - cases - named) == []
    assert sorted(cases & named) == []  # a model is one or the other
    assert sorted(named - product_models()) == []  # no stale name


def test_a_childs_parent_is_a_generic_case():
    cases = generic_cases()
    assert sorted({parent for parent in CHILDREN.values()} - cases) == []


def test_what_writes_a_system_row_exists_and_names_it():
    for label, module_name in WRITTEN_BY_THE_SYSTEM.items():
        source = importlib.import_module(module_name).__file__
        with open(source) as handle:
            assert label.split(".")[1] in handle.read(), (label, module_name)


def test_most_models_are_cases_of_their_own():
    # The point of the harness: the list above is the exception, not the rule.
    assert len(generic_cases()) >= 40
