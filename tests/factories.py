"""factory-boy factories for the domain models: one per concrete model of the project's
apps (tests/test_factories.py checks that none is missing). ``XFactory()`` builds a
complete, valid object; the parts of one object share its ecosystem."""

from datetime import date, timedelta
from datetime import time as _time

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import CodeCounter, WorkerHeartbeat
from governance import steering
from governance.choices import BoardLevelChoices, PodRoleChoices
from governance.models import (
    Action,
    Assessment,
    Board,
    BoardMember,
    Decision,
    ImprovementItem,
    Kpi,
    Measurement,
    Meeting,
    Pod,
    PodMember,
    ScoringModel,
    SteeringReport,
)
from integrations import outbound
from integrations.choices import AuthMethodChoices, ImportFormatChoices, SignatureResultChoices
from integrations.models import (
    AssignmentGroup,
    FieldMapping,
    ImportRun,
    InboundEvent,
    SourceEvent,
    TicketFeed,
    TicketLink,
    ValueMapping,
    WebhookDelivery,
    WebhookSubscription,
)
from raci.models import (
    AccessGrant,
    AccessMatrix,
    DataObject,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    RaciMatrix,
    RaciTemplate,
    Role,
)
from requirements_app.choices import QuestionCategoryChoices, RequirementStatusChoices
from requirements_app.models import (
    AcceptanceCriterion,
    BusinessRule,
    DesignQuestion,
    PainPoint,
    Requirement,
    StoryLink,
    Transition,
    UseCase,
    UseCaseLink,
    UseCaseStep,
    UserStory,
    Vision,
)
from siam.choices import (
    ContractKindChoices,
    ContractStatusChoices,
    MembershipRoleChoices,
    SystemKindChoices,
)
from siam.models import (
    ConnectedSystem,
    Contract,
    Ecosystem,
    IntegrationFlow,
    Membership,
    Organisation,
    Person,
    Service,
    ServiceProvider,
)
from slas import clocks, services
from slas.choices import (
    AlertLevelChoices,
    EscalationActionChoices,
    EventKindChoices,
    MetricChoices,
)
from slas.models import (
    BusinessCalendar,
    CustomHoliday,
    EscalationRule,
    Incident,
    IncidentEvent,
    IncidentSla,
    IncidentToolKey,
    KnownError,
    Notification,
    OwnershipGap,
    PriorityMatrix,
    ServiceLevelTarget,
    SlaAlert,
    SlaRollup,
    SlaRollupBudget,
    SlaRollupGap,
    SlaRollupMonth,
    SlaRollupSeen,
    WorkingPeriod,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("secret-pass-123")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    country = "NL"


class EcosystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ecosystem

    name = factory.Sequence(lambda n: f"Ecosystem {n}")
    slug = factory.Sequence(lambda n: f"ecosystem-{n}")
    customer = factory.SubFactory(OrganisationFactory)
    integrator = factory.SelfAttribute("customer")


class ServiceProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    ecosystem = factory.SubFactory(EcosystemFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Service {n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    ecosystem = factory.SubFactory(EcosystemFactory)
    kind = ContractKindChoices.SLA
    reference = factory.Sequence(lambda n: f"SLA-{n:04d}")
    name = factory.Sequence(lambda n: f"Contract {n}")
    supplier = factory.SelfAttribute("ecosystem.integrator")
    consumer = factory.SelfAttribute("ecosystem.customer")
    start_date = date(2026, 1, 1)


class ConnectedSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectedSystem

    ecosystem = factory.SubFactory(EcosystemFactory)
    organisation = factory.SelfAttribute("ecosystem.customer")
    name = factory.Sequence(lambda n: f"System {n}")
    kind = SystemKindChoices.JIRA


class IntegrationFlowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntegrationFlow

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Flow {n}")
    source = factory.SubFactory(
        ConnectedSystemFactory, ecosystem=factory.SelfAttribute("..ecosystem")
    )
    target = factory.SubFactory(
        ConnectedSystemFactory,
        ecosystem=factory.SelfAttribute("..ecosystem"),
        kind=SystemKindChoices.SERVICENOW,
    )
    exchanged_fields = factory.LazyFunction(lambda: ["summary", "status"])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda p: f"{p.name.replace(' ', '.').lower()}@example.com")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRoleChoices.EDITOR


# --- slas ---------------------------------------------------------------------------------


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar
        skip_postgeneration_save = True

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Office hours {n}")
    time_zone = "Europe/Amsterdam"

    @factory.post_generation
    def office_hours(self, create, extracted, **kwargs):
        if create and extracted is not False and not self.always_open:
            WorkingPeriod.objects.bulk_create(
                WorkingPeriod(calendar=self, weekday=day, start=_time(9), end=_time(17))
                for day in range(5)
            )


class PriorityMatrixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityMatrix

    ecosystem = factory.SubFactory(EcosystemFactory)


class ServiceLevelTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLevelTarget

    contract = factory.SubFactory(ContractFactory)
    priority = "P1"
    response_minutes = 30
    resolution_minutes = 120
    calendar = factory.SubFactory(
        BusinessCalendarFactory, ecosystem=factory.SelfAttribute("..contract.ecosystem")
    )


def _month(n: int) -> date:
    """The first day of the n-th month before January 2026 (n = 0: January 2026)."""
    return date(2026 - (n + 11) // 12, 12 - (n + 11) % 12, 1)


def _integrator_person(path: str = "..ecosystem"):
    """A person of the integrator of the ecosystem at ``path`` (a party, always)."""
    return factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute(f"{path}.integrator")
    )


# --- core ---------------------------------------------------------------------------------


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerHeartbeat

    name = factory.Sequence(lambda n: f"worker-{n}")
    hostname = "localhost"
    last_seen = factory.LazyFunction(timezone.now)
    runs = 1


class CodeCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeCounter

    scope = factory.Sequence(lambda n: f"tests.scope{n}")
    owner_id = factory.Sequence(lambda n: n + 1)
    last = 0


# --- slas (continued) ---------------------------------------------------------------------


class WorkingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingPeriod

    calendar = factory.SubFactory(BusinessCalendarFactory, office_hours=False)
    weekday = 0
    start = _time(9)
    end = _time(17)


class CustomHolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomHoliday

    calendar = factory.SubFactory(BusinessCalendarFactory)
    date = factory.Sequence(lambda n: date(2026, 12, 24) + timedelta(days=n))
    name = factory.Sequence(lambda n: f"Company day {n}")


class EscalationRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationRule

    target = factory.SubFactory(ServiceLevelTargetFactory)
    level = AlertLevelChoices.WARNING_2
    metric = MetricChoices.RESOLUTION
    action = EscalationActionChoices.NOTIFY


class KnownErrorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnownError

    ecosystem = factory.SubFactory(EcosystemFactory)
    reference = factory.Sequence(lambda n: f"KE-{n}")
    symptom = factory.Sequence(lambda n: f"Symptom {n}")
    workaround = "Restart the session."


class IncidentFactory(factory.django.DjangoModelFactory):
    """Opened through ``slas.services.open_incident``: reference, priority, holder, status,
    the first timeline event and the clocks are the service's (``status`` is always new)."""

    class Meta:
        model = Incident

    ecosystem = factory.SubFactory(EcosystemFactory)
    service = factory.SubFactory(ServiceFactory, ecosystem=factory.SelfAttribute("..ecosystem"))
    title = factory.Sequence(lambda n: f"Incident {n}")
    impact = "High"
    urgency = "High"
    # An hour before the clocks' "now" (tests pin ``slas.clocks.now``): it has a past.
    opened_at = factory.LazyFunction(lambda: clocks.now() - timedelta(hours=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # An incident exists only with its first event, holders and clocks: the service's.
        incident = model_class(*args, **kwargs)
        return services.open_incident(incident, at=incident.opened_at)


class IncidentToolKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentToolKey

    incident = factory.SubFactory(IncidentFactory)
    tool = SystemKindChoices.JIRA
    key = factory.Sequence(lambda n: f"SUP-{n + 1}")


class IncidentEventFactory(factory.django.DjangoModelFactory):
    """A comment by default; ``status`` and ``holder`` left out stay as they were."""

    class Meta:
        model = IncidentEvent

    incident = factory.SubFactory(IncidentFactory)
    kind = EventKindChoices.COMMENT
    at = factory.LazyAttribute(lambda e: e.incident.opened_at + timedelta(minutes=30))
    note = factory.Sequence(lambda n: f"Note {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Timeline events are appended by the service, which also refreshes the incident.
        status = kwargs.pop("status", None)
        holder = kwargs.pop("holder", services.UNCHANGED)
        return services.record_event(kwargs.pop("incident"), status=status, holder=holder, **kwargs)


class IncidentSlaFactory(factory.django.DjangoModelFactory):
    """The incident's clock against an active end-to-end target of its ecosystem, as the
    SLA engine computed it (fields passed besides incident, target and metric override it)."""

    class Meta:
        model = IncidentSla

    incident = factory.SubFactory(IncidentFactory)
    target = factory.SubFactory(
        ServiceLevelTargetFactory,
        contract__ecosystem=factory.SelfAttribute("...incident.ecosystem"),
        contract__status=ContractStatusChoices.ACTIVE,
        priority=factory.SelfAttribute("..incident.priority"),
    )
    metric = MetricChoices.RESOLUTION

    @classmethod
    def _create(cls, model_class, incident, target, metric, **overrides):
        # Clocks are computed from the timeline by the engine, never typed.
        clocks.recompute_incidents([incident])
        row = model_class.objects.get(incident=incident, target=target, metric=metric)
        if overrides:
            for name, value in overrides.items():
                setattr(row, name, value)
            row.save()
        return row


class OwnershipGapFactory(factory.django.DjangoModelFactory):
    """Nobody owned the incident from ``start`` on (handed back to the queue): the gap the
    engine derives from that timeline."""

    class Meta:
        model = OwnershipGap

    incident = factory.SubFactory(IncidentFactory)
    start = factory.LazyAttribute(lambda g: g.incident.opened_at + timedelta(minutes=10))

    @classmethod
    def _create(cls, model_class, incident, start, **kwargs):
        # Gaps are derived from the timeline by the engine: record the hand-off to nobody.
        services.record_event(
            incident, kind=EventKindChoices.HANDOFF, at=start, holder=None, note="Back to the queue"
        )
        gap = model_class.objects.get(incident=incident, start=start)
        if kwargs:
            for name, value in kwargs.items():
                setattr(gap, name, value)
            gap.save()
        return gap


_DEADLINES = {
    AlertLevelChoices.WARNING_1: ("warning_1_at", "warning_1_recorded_at"),
    AlertLevelChoices.WARNING_2: ("warning_2_at", "warning_2_recorded_at"),
    AlertLevelChoices.BREACH: ("breach_at", "breach_recorded_at"),
}


class SlaAlertFactory(factory.django.DjangoModelFactory):
    """A recorded crossing: the clock's deadline for the level, marked recorded on the
    clock as ``slas.crossings`` does."""

    class Meta:
        model = SlaAlert
        skip_postgeneration_save = True

    incident_sla = factory.SubFactory(IncidentSlaFactory)
    level = AlertLevelChoices.WARNING_1
    crossed_at = factory.LazyAttribute(
        lambda a: getattr(a.incident_sla, _DEADLINES[a.level][0]) or timezone.now()
    )

    @factory.post_generation
    def mark_recorded(self, create, extracted, **kwargs):
        if create:
            IncidentSla.objects.filter(pk=self.incident_sla_id).update(
                **{_DEADLINES[self.level][1]: self.crossed_at}
            )


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    alert = factory.SubFactory(SlaAlertFactory)
    incident = factory.SelfAttribute("alert.incident_sla.incident")
    message = factory.Sequence(lambda n: f"First warning {n}")


class SlaRollupMonthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaRollupMonth

    ecosystem = factory.SubFactory(EcosystemFactory)
    month = factory.Sequence(_month)


class SlaRollupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaRollup

    bucket = factory.SubFactory(SlaRollupMonthFactory)
    metric = MetricChoices.RESOLUTION
    service = factory.SubFactory(
        ServiceFactory, ecosystem=factory.SelfAttribute("..bucket.ecosystem")
    )
    priority = "P1"
    clocks = 2
    met = 1
    breached = 1
    counted_sum = 10800.0
    target_sum = 14400.0
    goal_sum = 0.0
    goal_count = 0


class SlaRollupGapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaRollupGap

    bucket = factory.SubFactory(SlaRollupMonthFactory)
    month = factory.SelfAttribute("bucket.month")
    party = factory.SelfAttribute("bucket.ecosystem.integrator")
    gaps = 1
    still_open = 0
    seconds = 600.0


class SlaRollupSeenFactory(factory.django.DjangoModelFactory):
    """The counts as a provider of the bucket's ecosystem sees them."""

    class Meta:
        model = SlaRollupSeen

    class Params:
        provider = factory.SubFactory(
            ServiceProviderFactory, ecosystem=factory.SelfAttribute("..bucket.ecosystem")
        )

    bucket = factory.SubFactory(SlaRollupMonthFactory)
    organisation = factory.SelfAttribute("provider.organisation")
    resolved = 1
    reopened = 0


class SlaRollupBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaRollupBudget

    bucket = factory.SubFactory(SlaRollupMonthFactory)
    metric = MetricChoices.RESOLUTION
    party = factory.LazyAttribute(lambda b: str(b.bucket.ecosystem.integrator_id))
    clocks = 1
    seconds = 3600.0


# --- raci -----------------------------------------------------------------------------------


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    ecosystem = factory.SubFactory(EcosystemFactory)
    organisation = factory.SelfAttribute("ecosystem.integrator")
    name = factory.Sequence(lambda n: f"Role {n}")


class RaciMatrixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RaciMatrix

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Matrix {n}")


class RaciActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RaciActivity

    matrix = factory.SubFactory(RaciMatrixFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Activity {n}")


class RaciColumnFactory(factory.django.DjangoModelFactory):
    """A role column; pass ``role=None, person=...`` for a person's column."""

    class Meta:
        model = RaciColumn

    matrix = factory.SubFactory(RaciMatrixFactory)
    position = factory.Sequence(lambda n: n)
    role = factory.SubFactory(RoleFactory, ecosystem=factory.SelfAttribute("..matrix.ecosystem"))


class RaciAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RaciAssignment

    activity = factory.SubFactory(RaciActivityFactory)
    column = factory.SubFactory(
        RaciColumnFactory, matrix=factory.SelfAttribute("..activity.matrix")
    )
    letters = "AR"


class RaciTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RaciTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    content = factory.LazyFunction(
        lambda: {
            "columns": [{"name": "Service desk", "layer": "integrator"}],
            "activities": [
                {
                    "name": "Log the incident",
                    "phase": "",
                    "process": "incident",
                    "must_be_owned_by": [],
                    "cells": {"Service desk": "AR"},
                }
            ],
        }
    )


class DataObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataObject

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Data object {n}")


class AccessMatrixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessMatrix

    ecosystem = factory.SubFactory(EcosystemFactory)


class AccessGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessGrant

    matrix = factory.SubFactory(AccessMatrixFactory)
    role = factory.SubFactory(RoleFactory, ecosystem=factory.SelfAttribute("..matrix.ecosystem"))
    data_object = factory.SubFactory(
        DataObjectFactory, ecosystem=factory.SelfAttribute("..matrix.ecosystem")
    )
    level = "read"


# --- requirements -----------------------------------------------------------------------------


class PainPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PainPoint

    ecosystem = factory.SubFactory(EcosystemFactory)
    title = factory.Sequence(lambda n: f"Pain point {n}")


class VisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vision

    ecosystem = factory.SubFactory(EcosystemFactory)
    statement = "One view of every ticket, whoever works on it."


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    ecosystem = factory.SubFactory(EcosystemFactory)
    title = factory.Sequence(lambda n: f"Requirement {n}")
    statement = "The hub shall keep the status in sync."


class TransitionFactory(factory.django.DjangoModelFactory):
    """Draft → in review, and the requirement moved with it, as ``services.move`` records
    it (without the workflow's permission check, which needs a signed-in actor)."""

    class Meta:
        model = Transition
        skip_postgeneration_save = True

    requirement = factory.SubFactory(RequirementFactory)
    source = factory.SelfAttribute("requirement.status")
    target = RequirementStatusChoices.IN_REVIEW
    by = factory.SubFactory(UserFactory)
    at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def move_requirement(self, create, extracted, **kwargs):
        if create:
            self.requirement.status = self.target
            self.requirement.save(update_fields=["status", "last_updated"])


class UserStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserStory

    ecosystem = factory.SubFactory(EcosystemFactory)
    role = "customer service agent"
    goal = factory.Sequence(lambda n: f"to see the provider's update {n}")
    benefit = "I can answer the customer"


class UseCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UseCase

    ecosystem = factory.SubFactory(EcosystemFactory)
    title = factory.Sequence(lambda n: f"Use case {n}")
    actors = "Agent (Jira), Provider (ServiceNow)"


class StoryLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoryLink

    story = factory.SubFactory(UserStoryFactory)
    requirement = factory.SubFactory(
        RequirementFactory, ecosystem=factory.SelfAttribute("..story.ecosystem")
    )


class UseCaseLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UseCaseLink

    use_case = factory.SubFactory(UseCaseFactory)
    requirement = factory.SubFactory(
        RequirementFactory, ecosystem=factory.SelfAttribute("..use_case.ecosystem")
    )


class AcceptanceCriterionFactory(factory.django.DjangoModelFactory):
    """A requirement's criterion; pass ``requirement=None, story=...`` for a story's."""

    class Meta:
        model = AcceptanceCriterion

    requirement = factory.SubFactory(RequirementFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Given a ticket, when it changes, then {n} happens")


class UseCaseStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UseCaseStep

    use_case = factory.SubFactory(UseCaseFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Step {n}")


class DesignQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignQuestion

    ecosystem = factory.SubFactory(EcosystemFactory)
    category = QuestionCategoryChoices.TECHNICAL
    position = factory.Sequence(lambda n: 1000 + n)
    question = factory.Sequence(lambda n: f"Question {n}?")


class BusinessRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessRule

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Business rule {n}")
    statement = "No new information may be added to closed tickets."


# --- governance -------------------------------------------------------------------------------


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Board {n}")
    level = BoardLevelChoices.TACTICAL


class BoardMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMember

    board = factory.SubFactory(BoardFactory)
    person = _integrator_person("..board.ecosystem")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    ecosystem = factory.SelfAttribute("board.ecosystem")
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    ecosystem = factory.SubFactory(EcosystemFactory)
    title = factory.Sequence(lambda n: f"Decision {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    ecosystem = factory.SubFactory(EcosystemFactory)
    title = factory.Sequence(lambda n: f"Action {n}")


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"KPI {n}")
    unit = "%"
    target = 95.0
    measured_from = date(2026, 1, 1)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KpiFactory)
    period_start = factory.Sequence(lambda n: date(2026 + n // 12, n % 12 + 1, 1))
    value = 90.0


class ScoringModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringModel

    ecosystem = factory.SubFactory(EcosystemFactory)


class ImprovementItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementItem

    ecosystem = factory.SubFactory(EcosystemFactory)
    title = factory.Sequence(lambda n: f"Improvement {n}")
    business_impact = 4
    complexity = 2
    cost = 2
    risk = 1


class PodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pod

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Pod {n}")


class PodMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PodMember

    pod = factory.SubFactory(PodFactory)
    person = _integrator_person("..pod.ecosystem")
    role = PodRoleChoices.LEAD


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    ecosystem = factory.SubFactory(EcosystemFactory)
    title = factory.Sequence(lambda n: f"Health check {n}")


class SteeringReportFactory(factory.django.DjangoModelFactory):
    """An archived report without its PDF; the snapshot is the ecosystem's real one."""

    class Meta:
        model = SteeringReport

    ecosystem = factory.SubFactory(EcosystemFactory)
    period_start = factory.Sequence(_month)
    period_end = factory.LazyAttribute(
        lambda r: (r.period_start + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    )
    snapshot = factory.LazyAttribute(
        lambda r: steering.snapshot(r.ecosystem, r.period_start, r.period_end)
    )


# --- integrations -----------------------------------------------------------------------------


class TicketFeedFactory(factory.django.DjangoModelFactory):
    """A token feed from a Jira of the customer, with a secret: the plain one is kept on
    the instance as ``plain_secret`` (the database has only its hash)."""

    class Meta:
        model = TicketFeed

    ecosystem = factory.SubFactory(EcosystemFactory)
    system = factory.SubFactory(
        ConnectedSystemFactory, ecosystem=factory.SelfAttribute("..ecosystem")
    )
    auth_method = AuthMethodChoices.TOKEN
    flow = factory.SubFactory(
        IntegrationFlowFactory,
        ecosystem=factory.SelfAttribute("..ecosystem"),
        source=factory.SelfAttribute("..system"),
    )
    service = factory.SubFactory(ServiceFactory, ecosystem=factory.SelfAttribute("..ecosystem"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A feed's secret is only ever set by ``set_secret`` (kept encrypted or hashed).
        feed = model_class(*args, **kwargs)
        feed.plain_secret = feed.set_secret()
        feed.save()
        return feed


class AssignmentGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentGroup

    feed = factory.SubFactory(TicketFeedFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    organisation = factory.SelfAttribute("feed.ecosystem.integrator")


class TicketLinkFactory(factory.django.DjangoModelFactory):
    """A tracked ticket and the incident it opened in the feed's ecosystem and service,
    which keeps the ticket's key as its key in the feed's tool."""

    class Meta:
        model = TicketLink
        skip_postgeneration_save = True

    feed = factory.SubFactory(TicketFeedFactory)
    key = factory.Sequence(lambda n: f"SUP-{n + 1}")
    incident = factory.SubFactory(
        IncidentFactory,
        ecosystem=factory.SelfAttribute("..feed.ecosystem"),
        service=factory.SelfAttribute("..feed.service"),
    )

    @factory.post_generation
    def tool_key(self, create, extracted, **kwargs):
        tool = self.feed.system.kind
        if create and self.incident_id and tool in IncidentToolKey.INPUTS.values():
            services.set_tool_keys(self.incident, {tool: self.key})


class InboundEventFactory(factory.django.DjangoModelFactory):
    """A webhook request as received, before it was applied."""

    class Meta:
        model = InboundEvent

    feed = factory.SubFactory(TicketFeedFactory)
    remote_addr = "192.0.2.10"
    headers = factory.LazyFunction(lambda: {"Content-Type": "application/json"})
    ticket_key = factory.Sequence(lambda n: f"SUP-{n + 1}")
    event_key = factory.Sequence(lambda n: f"event-{n + 1}")
    body = factory.LazyAttribute(
        lambda e: f'{{"issue": {{"key": "{e.ticket_key}"}}, "id": "{e.event_key}"}}'.encode()
    )
    signature = SignatureResultChoices.VALID


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRun

    ecosystem = factory.SubFactory(EcosystemFactory)
    feed = factory.SubFactory(TicketFeedFactory, ecosystem=factory.SelfAttribute("..ecosystem"))
    format = ImportFormatChoices.JIRA
    file_name = factory.Sequence(lambda n: f"export-{n}.csv")


class SourceEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceEvent

    ticket = factory.SubFactory(TicketLinkFactory)
    key = factory.Sequence(lambda n: f"event-{n + 1}")
    at = factory.LazyAttribute(lambda e: e.ticket.incident.opened_at)
    created_ticket = True
    opened_at = factory.SelfAttribute("at")
    title = factory.SelfAttribute("ticket.incident.title")
    timeline_event = factory.LazyAttribute(lambda e: e.ticket.incident.events.first())


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookSubscription

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Subscription {n}")
    url = factory.Sequence(lambda n: f"https://hooks.example.com/siam/{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The signing secret is only ever set by ``set_secret`` (kept encrypted).
        subscription = model_class(*args, **kwargs)
        subscription.plain_secret = subscription.set_secret()
        subscription.save()
        return subscription


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    """A pending delivery of an alert of the subscription's ecosystem, with the payload
    ``integrations.outbound`` posts for it."""

    class Meta:
        model = WebhookDelivery

    subscription = factory.SubFactory(WebhookSubscriptionFactory)
    alert = factory.SubFactory(
        SlaAlertFactory,
        incident_sla__incident__ecosystem=factory.SelfAttribute("....subscription.ecosystem"),
    )
    payload = factory.LazyAttribute(lambda d: outbound.payload_for(d.alert))
    event = factory.LazyAttribute(lambda d: d.payload["event"])


class FieldMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldMapping

    flow = factory.SubFactory(IntegrationFlowFactory)
    position = factory.Sequence(lambda n: n)
    source_field = factory.Sequence(lambda n: f"field_{n}")
    target_field = "priority"
    semantics = "How urgent the ticket is"
    source_values = "1 - High\n2 - Medium"


class ValueMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValueMapping

    field = factory.SubFactory(FieldMappingFactory)
    source_value = factory.Sequence(lambda n: f"{n} - High")
    target_value = "P1"
