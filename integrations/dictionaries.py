"""The standard data dictionary of each tool: how its usual statuses, priorities and
types read here. A new feed gets a copy as the flow from its tool to the SIAM hub,
which the integrator then edits like any other data dictionary (its page here):
the copy is what ingestion reads (``dictionary_for``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch

from siam.choices import FlowDirectionChoices, FlowStatusChoices, SystemKindChoices
from siam.models import ConnectedSystem, IntegrationFlow, Organisation
from slas.choices import ClassificationChoices, IncidentStatusChoices
from slas.models import PriorityMatrix

from . import dictionary_checks as checks
from .mapping import Dictionary, Vocabulary
from .models import FieldMapping, TicketFeed, ValueMapping

SN_STATES = [
    ("New", "new"), ("1", "new"), ("Active", "in_progress"), ("In Progress", "in_progress"),
    ("2", "in_progress"), ("On Hold", "awaiting_user_info"), ("3", "awaiting_user_info"),
    ("Awaiting User Info", "awaiting_user_info"), ("Awaiting Vendor", "awaiting_vendor"),
    ("Awaiting Problem", "awaiting_problem"), ("Awaiting Evidence", "awaiting_evidence"),
    ("Resolved", "resolved"), ("6", "resolved"), ("Closed", "closed"), ("7", "closed"),
    ("Canceled", "closed"), ("8", "closed"),
]  # fmt: skip
SN_LEVELS = [("1 - High", "High"), ("2 - Medium", "Medium"), ("3 - Low", "Low"),
             ("1", "High"), ("2", "Medium"), ("3", "Low")]  # fmt: skip
SN_PRIORITIES = [("1 - Critical", "P1"), ("2 - High", "P2"), ("3 - Moderate", "P3"),
                 ("4 - Low", "P4"), ("5 - Planning", "P5"), ("1", "P1"), ("2", "P2"),
                 ("3", "P3"), ("4", "P4"), ("5", "P5")]  # fmt: skip

#: kind -> [(source field, target field, [(source value, target value)], default)]
STANDARD = {
    SystemKindChoices.SERVICENOW: [
        ("incident_state", "status", SN_STATES, None),
        ("state", "status", SN_STATES, None),
        ("priority", "priority", SN_PRIORITIES, None),
        ("impact", "impact", SN_LEVELS, None),
        ("urgency", "urgency", SN_LEVELS, None),
        ("assignment_group", "holder", [], None),
    ],
    SystemKindChoices.JIRA: [
        ("status", "status", [
            ("To Do", "new"), ("Open", "new"), ("Backlog", "new"), ("In Progress", "in_progress"),
            ("Reopened", "in_progress"), ("Waiting for customer", "awaiting_customer"),
            ("Waiting for support", "in_progress"), ("Pending", "awaiting_user_info"),
            ("Escalated", "in_progress"), ("Resolved", "resolved"), ("Done", "resolved"),
            ("Closed", "closed"), ("Canceled", "closed"),
        ], None),
        ("priority", "priority", [
            ("Highest", "P1"), ("High", "P2"), ("Medium", "P3"), ("Low", "P4"), ("Lowest", "P5"),
        ], None),
        ("issuetype", "classification", [
            ("Bug", "incident"), ("Incident", "incident"), ("Service Request", "service_request"),
            ("Task", "service_request"), ("Change", "change_request"),
        ], "incident"),
        ("Team", "holder", [], None),
    ],
    SystemKindChoices.ZENDESK: [
        ("status", "status", [
            ("new", "new"), ("open", "in_progress"), ("pending", "awaiting_customer"),
            ("hold", "awaiting_vendor"), ("solved", "resolved"), ("closed", "closed"),
        ], None),
        ("priority", "priority", [("urgent", "P1"), ("high", "P2"), ("normal", "P3"), ("low", "P4")], None),
        ("type", "classification", [
            ("incident", "incident"), ("problem", "incident"), ("question", "service_request"),
            ("task", "service_request"),
        ], "incident"),
        ("group", "holder", [], None),
        ("group_id", "holder", [], None),
    ],
    SystemKindChoices.AZURE_DEVOPS: [
        ("System.State", "status", [
            ("New", "new"), ("To Do", "new"), ("Active", "in_progress"), ("Committed", "in_progress"),
            ("In Progress", "in_progress"), ("Resolved", "resolved"), ("Done", "resolved"),
            ("Closed", "closed"), ("Removed", "closed"),
        ], None),
        ("Microsoft.VSTS.Common.Priority", "priority", [("1", "P1"), ("2", "P2"), ("3", "P3"), ("4", "P4")], None),
        ("System.WorkItemType", "classification", [
            ("Bug", "incident"), ("Issue", "incident"), ("Task", "service_request"),
        ], "incident"),
        ("System.AreaPath", "holder", [], None),
    ],
}  # fmt: skip


def hub_of(ecosystem) -> ConnectedSystem:
    """The ecosystem's SIAM hub: this application, as a system on the map."""
    hub = ConnectedSystem.objects.filter(ecosystem=ecosystem, kind=SystemKindChoices.SIAM).first()
    if hub is None:
        hub = ConnectedSystem.objects.create(
            ecosystem=ecosystem,
            organisation_id=ecosystem.integrator_id,
            name="SIAM hub",
            kind=SystemKindChoices.SIAM,
            description="This application: the integrator's end-to-end view, fed by the tools.",
        )
    return hub


@transaction.atomic
def standard_flow(system: ConnectedSystem) -> IntegrationFlow:
    """The flow from ``system`` to the hub with the tool's standard dictionary (made once)."""
    hub = hub_of(system.ecosystem)
    flow = IntegrationFlow.objects.filter(source=system, target=hub).first()
    if flow is not None:
        return flow
    flow = IntegrationFlow.objects.create(
        ecosystem=system.ecosystem,
        name=f"{system.name} → SIAM hub"[:200],
        source=system,
        target=hub,
        direction=FlowDirectionChoices.UNIDIRECTIONAL,
        status=FlowStatusChoices.LIVE,
        exchanged_fields=["status", "priority", "assignment group", "comments"],
        description="Ticket events ingested into the integrator's view (integrations app).",
    )
    for position, (source, target, values, default) in enumerate(STANDARD.get(system.kind, [])):
        field = FieldMapping.objects.create(
            flow=flow,
            position=position,
            source_field=source,
            target_field=target,
            semantics=f"The tool's {source}, read as the incident's {target}.",
            source_values="\n".join(v for v, _ in values),
        )
        mappings = [ValueMapping(field=field, source_value=s, target_value=t) for s, t in values]
        if default:
            mappings.append(ValueMapping(field=field, rule="default", target_value=default))
        ValueMapping.objects.bulk_create(mappings)
    return flow


# --- What ingestion reads: the ecosystem's vocabulary and the feed's dictionary ---------------


def vocabulary_for(ecosystem) -> Vocabulary:
    matrix = PriorityMatrix.objects.filter(ecosystem=ecosystem).first() or PriorityMatrix()
    statuses = {}
    for value, label in IncidentStatusChoices.choices:
        statuses[value] = value
        statuses[str(label).lower()] = value
    classifications = {}
    for value, label in ClassificationChoices.choices:
        classifications[value] = value
        classifications[str(label).lower()] = value
    organisations = {}
    for org_id, slug, name in Organisation.objects.filter(pk__in=ecosystem.party_ids()).values_list(
        "pk", "slug", "name"
    ):
        organisations[slug.lower()] = org_id
        organisations[name.lower()] = org_id
    return Vocabulary(
        statuses=statuses,
        priorities={p.lower(): p for p in matrix.priorities},
        levels={level.lower(): level for level in [*matrix.impact_levels, *matrix.urgency_levels]},
        classifications=classifications,
        organisations=organisations,
    )


def dictionary_for(feed: TicketFeed) -> Dictionary:
    mappings = FieldMapping.objects.filter(flow_id=feed.flow_id).prefetch_related(
        Prefetch("value_mappings", ValueMapping.objects.order_by("pk"))
    )
    return Dictionary.build(mappings, vocabulary_for(feed.ecosystem), feed.flow.name)


# --- What people read: the flow's dictionary with its checks ----------------------------------


def checked_dictionary(flow) -> tuple[list[FieldMapping], list[checks.Problem]]:
    """A flow's dictionary as its page shows it: the mappings, and what would go wrong
    in a sync (``dictionary_checks``)."""
    ((_, fields, problems),) = checked_dictionaries([flow])
    return fields, problems


def checked_dictionaries(flows) -> list[tuple]:
    """``(flow, mappings, problems)`` for each flow, in two queries however many flows
    (the specification lists every flow's dictionary)."""
    flows = list(flows)
    mappings = FieldMapping.objects.filter(flow__in=flows).prefetch_related(
        Prefetch("value_mappings", ValueMapping.objects.order_by("direction", "source_value"))
    )
    by_flow: dict[int, list[FieldMapping]] = {flow.pk: [] for flow in flows}
    for mapping in mappings:
        by_flow[mapping.flow_id].append(mapping)
    return [(flow, by_flow[flow.pk], _problems(flow, by_flow[flow.pk])) for flow in flows]


def _problems(flow, fields: list[FieldMapping]) -> list[checks.Problem]:
    data = checks.Dictionary(
        bidirectional=flow.direction == "bi",
        fields=[
            checks.Field(
                f.pk, f.source_field, f.target_field, f.source_max_length, f.target_max_length,
                tuple(v.strip() for v in f.source_values.splitlines() if v.strip()),
            )
            for f in fields
        ],
        values=[
            checks.ValueRule(f.pk, v.direction, v.source_value, v.target_value, v.rule)
            for f in fields
            for v in f.value_mappings.all()
        ],
    )  # fmt: skip
    return checks.check(data)
