"""One description per slas model with a list page, driving the generic CRUD, isolation
and query-count tests of ``tests.generic.harness``. The context is the ``sla`` fixture
(``tests/slas/conftest.py``): ecosystem ``a`` with a matrix, a calendar, targets and a
frozen clock.

``CASES`` are the models people create, edit and delete; ``RECORDS`` those the SLA
services write (derived from the timelines), which people only list and read."""

from slas import actions, services
from slas.models import (
    ITIL_CELLS,
    ITIL_LEVELS,
    ITIL_PRIORITIES,
    BusinessCalendar,
    Incident,
    KnownError,
    OwnershipGap,
    PriorityMatrix,
    ServiceLevelTarget,
)
from tests import factories as f
from tests.generic.harness import ModelCase, ids, spare_ecosystem

from .conftest import at


def _matrix_form(data):
    """A matrix's cells are read from the grid's drop-downs (``cell_<impact>_<urgency>``,
    posted as rendered), so all three level fields are posted, as the page's textareas
    are, to line the grid up with them; the harness types each list one item per line."""
    levels = {
        "impact_levels": ITIL_LEVELS,
        "urgency_levels": ITIL_LEVELS,
        "priorities": ITIL_PRIORITIES,
    }
    return {**levels, **{k: v for k, v in data.items() if k != "cells"}}


def _listed(obj) -> str:
    """The lists show an object as a link to its page (some by a column, e.g. an
    incident's reference, rather than by its whole name)."""
    return f'href="{obj.get_absolute_url()}"'


def _known_error(sla):
    return KnownError.objects.get_or_create(
        ecosystem=sla.world.a, reference="KE-1",
        defaults={"symptom": "Checkout times out", "workaround": "Retry after a minute", "service": sla.world.service},
    )[0]  # fmt: skip


def _open(sla, title, **extra):
    """An incident opened through the SLA services (its clocks computed), as the UI does."""
    incident = Incident(
        ecosystem=sla.world.a, title=title, service=sla.world.service,
        impact="High", urgency="High", opened_at=at(0, 9), **extra,
    )  # fmt: skip
    return services.open_incident(incident, author=sla.world.integrator_admin, at=at(0, 9))


def _incident(sla):
    return Incident.objects.filter(
        ecosystem=sla.world.a, title="Payments are declined"
    ).first() or _open(sla, "Payments are declined")


def _gap(sla):
    """An incident handed to the wrong team, which handed it back to nobody."""
    existing = OwnershipGap.objects.filter(incident__title="Orders are lost").first()
    if existing:
        return existing
    incident = _open(sla, "Orders are lost")
    sla.act(incident, at(0, 10), "hand-off", holder=sla.world.provider1)
    sla.act(incident, at(0, 11), "hand-off", note="Wrong team")
    return OwnershipGap.objects.get(incident=incident)


def _calendars(sla, n):
    start = BusinessCalendar.objects.count()
    for i in range(n):
        f.BusinessCalendarFactory(ecosystem=sla.world.a, name=f"Calendar {start + i}")


def _matrices(sla, n):
    # One matrix per ecosystem: more matrices are more ecosystems of the integrator.
    for _ in range(n):
        eco = f.EcosystemFactory(customer=sla.world.customer, integrator=sla.world.integrator)
        f.PriorityMatrixFactory(ecosystem=eco)


def _targets(sla, n):
    # Half of them for one service only (its name is part of the target's).
    start = ServiceLevelTarget.objects.count()
    for i in range(n):
        f.ServiceLevelTargetFactory(
            contract=sla.world.sla, priority=f"X{start + i}", calendar=sla.calendar,
            service=sla.world.service if i % 2 else None,
        )  # fmt: skip


def _known_errors(sla, n):
    start = KnownError.objects.count()
    for i in range(n):
        KnownError.objects.create(
            ecosystem=sla.world.a, reference=f"KE-{100 + start + i}", symptom=f"Symptom {i}",
            workaround="Restart", service=sla.world.service if i % 2 else None,
        )  # fmt: skip


def _incidents(sla, n):
    # Some handed to a provider, some with a known error applied: the columns they fill.
    known_error = _known_error(sla)
    for i in range(n):
        incident = _open(sla, f"Incident {i}")
        if i % 2:
            sla.act(incident, at(0, 10), "hand-off", holder=sla.world.provider1)
        else:  # an action that takes no time of its own: it happens now
            actions.perform(
                incident,
                "apply-known-error",
                {"known_error": known_error},
                user=sla.world.integrator_admin,
            )


def _gaps(sla, n):
    for i in range(n):
        incident = _open(sla, f"Unowned {i}")
        sla.act(
            incident,
            at(0, 10),
            "hand-off",
            holder=sla.world.provider1 if i % 2 else sla.world.provider2,
        )
        sla.act(incident, at(0, 11), "hand-off", note="Not ours")
        if i % 3 == 0:
            sla.act(incident, at(0, 12), "hand-off", holder=sla.world.provider2)


CASES = [
    ModelCase(
        BusinessCalendar,
        "/api/slas/calendars/",
        existing=lambda s: s.calendar,
        create=lambda s: {"ecosystem": s.world.a.pk, "name": "New York support", "time_zone": "America/New_York",
                          "holiday_country": "US", "holiday_subdivision": "NY"},
        update={"name": "Amsterdam office hours", "time_zone": "Europe/Berlin"},
        bulk=_calendars,
        listed=_listed,
    ),
    ModelCase(
        PriorityMatrix,
        "/api/slas/priority-matrices/",
        existing=lambda s: s.world.a.priority_matrix,
        create=lambda s: {"ecosystem": spare_ecosystem(s).pk, "impact_levels": ITIL_LEVELS,
                          "urgency_levels": ITIL_LEVELS, "priorities": ITIL_PRIORITIES, "cells": ITIL_CELLS},
        update={"priorities": [*ITIL_PRIORITIES, "P6"]},
        bulk=_matrices,
        ui_values=_matrix_form,
        listed=_listed,
    ),
    ModelCase(
        ServiceLevelTarget,
        "/api/slas/targets/",
        existing=lambda s: s.e2e["P1"],
        create=lambda s: {"contract": s.world.sla.pk, "priority": "P3", "response_minutes": 60,
                          "resolution_minutes": 1440, "calendar": s.calendar.pk},
        update={"resolution_minutes": 300, "goal_note": "Four hours by spring"},
        bulk=_targets,
        listed=_listed,
    ),
    ModelCase(
        KnownError,
        "/api/slas/known-errors/",
        existing=_known_error,
        create=lambda s: {"ecosystem": s.world.a.pk, "reference": "KE-2", "symptom": "Login loops",
                          "workaround": "Clear the cookies"},
        update={"symptom": "Checkout times out under load"},
        bulk=_known_errors,
        listed=_listed,
    ),
    ModelCase(
        Incident,
        "/api/slas/incidents/",
        existing=_incident,
        create=lambda s: {"ecosystem": s.world.a.pk, "service": s.world.service.pk, "title": "Checkout down",
                          "classification": "incident", "impact": "High", "urgency": "Medium"},
        # Details only: status, holder, priority override, approval and known error
        # are changed by actions (and read-only in the API).
        update={"title": "Payments are declined for cards", "description": "Since the 09:00 release"},
        bulk=_incidents,
        listed=_listed,
    ),
]  # fmt: skip

#: Written by the SLA services from the timelines, never by hand: no form, no API write.
RECORDS = [
    ModelCase(
        OwnershipGap,
        "/api/slas/ownership-gaps/",
        existing=_gap,
        create=None,
        update={},
        bulk=_gaps,
        api_detail=False,  # the API lists gaps; each is shown on its incident's page
    ),
]

CASE_IDS = ids(CASES)
RECORD_IDS = ids(RECORDS)
