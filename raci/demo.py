"""RACI of the demo ecosystem: roles held by the seed's people, the incident, change
and request matrices approved (incident management with a second version in draft,
so the diff has something to show), the eight-step integration project in draft, and
the identity access matrix with a confidential-data flag in its draft version."""

from django.contrib.auth import get_user_model

from core.system import ensure
from siam.choices import LayerChoices
from siam.demo import DemoResult
from siam.models import Ecosystem, Organisation, Person

from . import identity, services
from .choices import AccessLevelChoices, MatrixStatusChoices, ProcessChoices
from .models import (
    AccessMatrix,
    DataObject,
    RaciActivity,
    RaciColumn,
    RaciMatrix,
    RaciTemplate,
    Role,
)

ROLES = (
    # organisation slug, role, acts as, holders (first names)
    ("infinity", "Business Owner", LayerChoices.CUSTOMER, ["Sophie"]),
    ("infinity", "Service Integration Manager", LayerChoices.INTEGRATOR, ["Elaine"]),
    ("infinity", "Service Desk Lead", LayerChoices.INTEGRATOR, ["Elaine"]),
    ("infinity", "Solutions Architect", LayerChoices.INTEGRATOR, ["John"]),
    ("global", "Provider Service Manager", LayerChoices.PROVIDER, ["David"]),
    ("global", "Provider Resolver Team", LayerChoices.PROVIDER, ["David", "Marco"]),
    ("mercuri", "Customer Service Lead", LayerChoices.PROVIDER, ["Maria"]),
)

DATA_OBJECTS = (
    ("Tickets", False),
    ("Attachments", False),
    ("Knowledge articles", False),
    ("Customer data", True),
    ("Financials", True),
)

ACCESS = {
    # role -> levels for the data objects above, in order
    "Business Owner": "read read read full full",
    "Service Integration Manager": "full full full write read",
    "Service Desk Lead": "write write write read none",
    "Solutions Architect": "read read write read none",
    "Provider Service Manager": "write write read read none",
    "Provider Resolver Team": "write write read none none",
    "Customer Service Lead": "write write write read none",
}


def load(actor) -> DemoResult:
    result = DemoResult()
    eco = Ecosystem.objects.filter(slug="infinity-ecommerce").first()
    if eco is None or RaciMatrix.objects.filter(ecosystem=eco).exists():
        return result

    def make(model, lookup, defaults=None):
        obj, created = ensure(model, lookup, defaults, actor=actor)
        result.created += int(created)
        return obj

    orgs, roles = _roles(eco, make)
    john = get_user_model().objects.filter(username="john").first() or actor
    result.created += _matrices(eco, orgs, roles, john)
    result.created += _access_matrices(eco, roles, make, actor, john)
    assert (
        RaciMatrix.objects.filter(ecosystem=eco, status=MatrixStatusChoices.APPROVED).count() == 3
    )
    return result


def _roles(eco, make) -> tuple[dict, dict]:
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in={r[0] for r in ROLES})}
    roles = {}
    for slug, name, layer, holders in ROLES:
        people = list(Person.objects.filter(organisation=orgs[slug], name__in=holders))
        roles[name] = make(
            Role,
            {"ecosystem": eco, "organisation": orgs[slug], "name": name},
            {"acts_as": layer, "holders": people, "approves_changes": name == "Business Owner"},
        )

    return orgs, roles


def _matrices(eco, orgs, roles, john) -> int:
    """The RACI matrices from the templates, one approved with a second version in
    draft; how many were made."""
    made = 0
    templates = {t.name: t for t in RaciTemplate.objects.filter(owner__isnull=True)}

    def from_template(name):
        template = templates[name]
        matrix = services.create_from_template(eco, name, template.content, template.variant)
        nonlocal made
        made += 1
        return matrix

    # Incident management: Mercuri's service desk joins as a column, then approved.
    incident = from_template("Incident management")
    mercuri = RaciColumn.objects.create(
        matrix=incident, position=9, role=roles["Customer Service Lead"]
    )
    letters = {
        "Log and classify the incident": "R",
        "Hand off to the provider": "C",
        "Keep all tools in sync": "C",
        "Confirm resolution with the user": "I",
    }
    for activity in incident.activities.all():
        if activity.name in letters:
            services.set_cell(incident, activity, mercuri, letters[activity.name])
    services.approve(incident, john)
    elaine = Person.objects.filter(organisation=orgs["infinity"], name="Elaine").first()
    if elaine:
        services.acknowledge(incident, elaine)

    # Version 2 (draft): Mercuri keeps Zendesk in sync itself; major incidents get an activity.
    draft = services.new_version(incident, john)
    sync = draft.activities.get(name="Keep all tools in sync")
    services.set_cell(draft, sync, draft.columns.get(role=roles["Customer Service Lead"]), "R")
    major = services.place_activity(RaciActivity(
        matrix=draft, phase="Resolve", name="Notify the business of a major incident",
        process=ProcessChoices.INCIDENT, must_be_owned_by=[LayerChoices.CUSTOMER, LayerChoices.INTEGRATOR],
    ))  # fmt: skip
    for role, value in (
        ("Service Integration Manager", "A"),
        ("Service Desk Lead", "R"),
        ("Business Owner", "I"),
    ):
        services.set_cell(draft, major, draft.columns.get(role=roles[role]), value)

    for name in ("Change management", "Service request"):
        services.approve(from_template(name), john)
    from_template("Cross-company integration project")

    return made


def _access_matrices(eco, roles, make, actor, john) -> int:
    """The identity access matrix: v1 approved, v2 in draft; how many were made."""
    # Identity access matrix: v1 approved; v2 lets Global's resolvers write customer data.
    objects = [
        make(DataObject, {"ecosystem": eco, "name": name}, {"confidential": confidential})
        for name, confidential in DATA_OBJECTS
    ]
    if not AccessMatrix.objects.filter(ecosystem=eco).exists():
        first = identity.start_version(eco, actor)
        first.note = "Agreed at the integration kick-off."
        first.save()
        for role_name, levels in ACCESS.items():
            for obj, level in zip(objects, levels.split(), strict=True):
                if level != AccessLevelChoices.NONE:
                    identity.set_level(first, roles[role_name], obj, level)
        identity.approve(first, john)
        second = identity.start_version(eco, actor)
        second.note = "Global asks to correct customer addresses during incident resolution."
        second.save()
        identity.set_level(
            second, roles["Provider Resolver Team"], objects[3], AccessLevelChoices.WRITE
        )
        return 2
    return 0
