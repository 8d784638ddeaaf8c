"""Service levels through the UI and the API, as people and tools use them."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from slas.choices import EventKindChoices, SlaStateChoices
from slas.models import BusinessCalendar, Incident, IncidentSla, PriorityMatrix, ServiceLevelTarget

from .conftest import at

pytestmark = pytest.mark.django_db


def test_calendar_editor_saves_periods_and_holidays(sla, client_for):
    client = client_for(sla.world.integrator_admin)
    url = reverse("slas:businesscalendar_add")
    assert "Europe/Amsterdam" in client.get(url).content.decode()  # the time-zone list
    data = {
        "ecosystem": sla.world.a.pk, "name": "New York support", "time_zone": "America/New_York",
        "holiday_country": "US", "holiday_subdivision": "NY",
        "periods-TOTAL_FORMS": 2, "periods-INITIAL_FORMS": 0,
        "periods-0-weekday": 0, "periods-0-start": "08:00", "periods-0-end": "12:00",
        "periods-1-weekday": 0, "periods-1-start": "13:00", "periods-1-end": "00:00",
        "holidays-TOTAL_FORMS": 1, "holidays-INITIAL_FORMS": 0,
        "holidays-0-date": "2026-12-24", "holidays-0-name": "Company day",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    calendar = BusinessCalendar.objects.get(name="New York support")
    assert [p.minutes for p in calendar.working_periods.all()] == [(480, 720), (780, 1440)]
    assert calendar.custom_holidays.get().name == "Company day"
    page = client.get(calendar.get_absolute_url()).content.decode()
    assert "Company day" in page and "Christmas" in page  # public holidays come from the library
    bad = {**data, "name": "Broken", "time_zone": "Mars/Olympus", "periods-0-end": "07:00"}
    response = client.post(url, bad)
    assert response.status_code == 422
    assert "time_zone" in response.context["form"].errors


def test_priority_matrix_grid_editor(sla, client_for):
    client = client_for(sla.world.integrator_admin)
    matrix = sla.world.a.priority_matrix
    url = reverse("slas:prioritymatrix_edit", kwargs={"pk": matrix.pk})
    form = client.get(url).context["form"]
    data = {
        "ecosystem": sla.world.a.pk,
        "impact_levels": "High\nMedium\nLow",
        "urgency_levels": "High\nMedium\nLow",
        "priorities": "P1\nP2\nP3\nP4\nP5",
    }
    for name, (impact, urgency) in form.cell_names.items():
        data[name] = matrix.priority_for(impact, urgency)
    data["cell_2_2"] = "P4"  # Low x Low
    assert client.post(url, data).status_code == 302
    matrix.refresh_from_db()
    assert matrix.priority_for("Low", "Low") == "P4"
    data["cell_0_0"] = ""
    response = client.post(url, data)
    assert response.status_code == 422 and "every cell" in response.content.decode()


def test_target_form_sets_escalation_actions(sla, client_for):
    client = client_for(sla.world.integrator_admin)
    response = client.post(
        reverse("slas:serviceleveltarget_add"),
        {
            "contract": sla.world.sla.pk, "priority": "P3", "response_minutes": 60, "resolution_minutes": 1440,
            "calendar": sla.calendar.pk, "pause_states": ["awaiting_customer"], "warning_1_percent": 50,
            "warning_2_percent": 80, "breach_actions": ["notify", "raise_priority"],
        },
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    target = ServiceLevelTarget.objects.get(priority="P3")
    assert set(target.escalations.values_list("level", "action")) == {
        ("breach", "notify"),
        ("breach", "raise_priority"),
    }


def test_open_an_incident_in_the_ui_and_act_on_it(sla, client_for):
    client = client_for(sla.world.integrator_admin)
    response = client.post(
        reverse("slas:incident_add"),
        {
            "ecosystem": sla.world.a.pk,
            "service": sla.world.service.pk,
            "title": "Checkout down",
            "classification": "incident",
            "impact": "High",
            "urgency": "High",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get(title="Checkout down")
    assert incident.priority == "P1" and incident.holder == sla.world.integrator
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "End-to-end SLA · resolution" in page and "running" in page

    def act(kind):
        return reverse("slas:incident_action", kwargs={"pk": incident.pk, "kind": kind})

    # a new incident offers no resume, reopen or close
    offered = re.findall(r'data-action="([a-z-]+)"', page)
    assert "hand-off" in offered and "resolve" in offered
    assert not {"resume", "reopen", "close"} & set(offered)
    client.post(act("hand-off"), {"holder": sla.world.provider1.pk, "note": "Yours"})
    incident.refresh_from_db()
    assert incident.holder == sla.world.provider1
    # handing it to whom already holds it is refused (not offered), nothing recorded
    before = incident.events.count()
    response = client.post(act("hand-off"), {"holder": sla.world.provider1.pk}, follow=True)
    assert "Hand to: Select a valid choice" in response.content.decode()
    assert incident.events.count() == before
    client.post(act("pause"), {"waiting_for": "awaiting_customer"})
    assert (
        IncidentSla.objects.get(incident=incident, provider=None, metric="resolution").state
        == SlaStateChoices.PAUSED
    )
    # resolving needs a note
    response = client.post(act("resolve"), {"note": ""}, follow=True)
    assert "Write a note" in response.content.decode()
    client.post(act("resolve"), {"note": "Fixed"})
    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert [e.kind for e in incident.events.all()] == ["opened", "handoff", "status", "resolved"]
    page = client.get(incident.get_absolute_url()).content.decode()
    assert set(re.findall(r'data-action="([a-z-]+)"', page)) == {"reopen", "close", "comment"}


def test_viewers_and_outsiders_cannot_act(sla, client_for):
    incident = sla.open()
    act = reverse("slas:incident_action", kwargs={"pk": incident.pk, "kind": "comment"})
    assert client_for(sla.world.integrator_viewer).post(act, {"note": "x"}).status_code == 403
    assert client_for(sla.world.b_admin).post(act, {"note": "x"}).status_code == 404
    unknown = reverse("slas:incident_action", kwargs={"pk": incident.pk, "kind": "teleport"})
    assert client_for(sla.world.integrator_admin).post(unknown).status_code == 404
    assert client_for(sla.world.b_admin).get(incident.get_absolute_url()).status_code == 404
    # a provider that never held it does not see it at all
    assert (
        client_for(sla.world.provider2_editor).get(incident.get_absolute_url()).status_code == 404
    )


def test_incident_list_filters(sla, client_for):
    late = sla.open()
    sla.frozen.moment = at(0, 16)
    fresh = sla.open(opened=at(0, 15, 45))
    from slas import crossings

    crossings.record_crossings(at=at(0, 16))
    client = client_for(sla.world.integrator_admin)
    url = reverse("slas:incident_list")
    page = client.get(url, {"breached": "true"}).content.decode()
    assert late.reference in page and fresh.reference not in page
    page = client.get(url, {"sla_state": "running"}).content.decode()
    assert fresh.reference in page and late.reference not in page


def test_report_figures_match_the_sla_data(sla, client_for):
    from slas import crossings

    met = sla.open()
    sla.event(met, at(0, 10), kind=EventKindChoices.RESOLVED, status="resolved")
    breached = sla.open(opened=at(1, 9))
    sla.event(breached, at(1, 15), kind=EventKindChoices.RESOLVED, status="resolved")
    crossings.record_crossings(at=at(1, 16))
    client = client_for(sla.world.integrator_admin)
    report = client.get(reverse("slas:report")).context["report"]
    assert (report.overall.clocks, report.overall.met, report.overall.breached) == (2, 1, 1)
    assert report.overall.attainment == 50.0
    assert report.overall.mean_seconds == (3600 + 6 * 3600) / 2
    csv_text = client.get(reverse("slas:report"), {"_export": "csv"}).content.decode()
    assert "overall,End to end,2,1,1,50.0" in csv_text
    api = client.get("/api/slas/report/").json()
    assert api["overall"]["attainment_percent"] == 50.0


def test_incident_pages_keep_a_constant_number_of_queries(
    sla, client_for, query_count, django_assert_max_num_queries
):
    client = client_for(sla.world.integrator_admin)
    first = sla.open()
    for n in range(3):
        sla.event(first, at(0, 10 + n), kind=EventKindChoices.COMMENT, note=f"c{n}")
    urls = [
        reverse("slas:incident_list"),
        first.get_absolute_url(),
        reverse("slas:report"),
        "/api/slas/incidents/",
        "/api/slas/incident-slas/",
    ]
    client.get(urls[0])
    baselines = [query_count.count(lambda u=u: client.get(u)) for u in urls]
    for _ in range(12):
        incident = sla.open()
        sla.event(incident, at(0, 10), kind=EventKindChoices.HANDOFF, holder=sla.world.provider1)
    for n in range(10):
        sla.event(first, at(0, 14, n), kind=EventKindChoices.COMMENT, note=f"more {n}")
    for url, baseline in zip(urls, baselines, strict=True):
        with django_assert_max_num_queries(baseline):
            client.get(url)


def test_api_incident_with_nested_timeline(sla, api_client_for):
    api = api_client_for(sla.world.integrator_admin)
    response = api.post(
        "/api/slas/incidents/",
        {
            "ecosystem": sla.world.a.pk,
            "service": sla.world.service.pk,
            "title": "From the API",
            "impact": "High",
            "urgency": "Medium",
            "opened_at": at(0, 9).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["priority"] == "P2" and body["reference"].startswith("INC-")
    events_url = f"/api/slas/incidents/{body['id']}/events/"
    sla.frozen.moment = at(0, 10)
    response = api.post(
        events_url,
        {"kind": "handoff", "holder": sla.world.provider1.pk, "at": at(0, 10).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert [e["kind"] for e in api.get(events_url).json()] == ["opened", "handoff"]
    bad = api.post(
        events_url, {"kind": "handoff", "holder": sla.world.b.customer_id}, format="json"
    )
    assert bad.status_code == 400 and "holder" in bad.json()
    bad = api.post(events_url, {"kind": "teleport"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()
    slas = api.get("/api/slas/incident-slas/", {"incident": body["id"]}).json()["results"]
    assert {row["metric"] for row in slas} == {"response", "resolution"}
    bad = api.post(
        "/api/slas/incidents/",
        {
            "ecosystem": sla.world.a.pk,
            "service": sla.world.service.pk,
            "title": "x",
            "impact": "Huge",
            "urgency": "High",
        },
        format="json",
    )
    assert bad.status_code == 400


def test_api_calendar_matrix_and_target(sla, api_client_for):
    api = api_client_for(sla.world.integrator_admin)
    response = api.post(
        "/api/slas/calendars/",
        {"ecosystem": sla.world.a.pk, "name": "API hours", "time_zone": "Europe/Amsterdam",
         "working_periods": [{"weekday": 0, "start": "09:00", "end": "17:00"}], "custom_holidays": [{"date": "2026-12-31", "name": "NYE"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["working_periods"] == [
        {"weekday": 0, "start": "09:00:00", "end": "17:00:00"}
    ]
    bad = api.post(
        "/api/slas/calendars/",
        {"ecosystem": sla.world.a.pk, "name": "Bad", "time_zone": "Nowhere/Town"},
        format="json",
    )
    assert bad.status_code == 400 and "time_zone" in bad.json()
    matrix = api.get(f"/api/slas/priority-matrices/{sla.world.a.priority_matrix.pk}/").json()
    assert matrix["cells"]["High|High"] == "P1"
    bad = api.patch(
        f"/api/slas/priority-matrices/{sla.world.a.priority_matrix.pk}/",
        {"cells": {}},
        format="json",
    )
    assert bad.status_code == 400 and "cells" in bad.json()
    assert PriorityMatrix.objects.get().cells["High|High"] == "P1"


def test_other_ecosystems_incidents_are_404_in_the_api_too(sla, api_client_for):
    incident = sla.open()
    api = api_client_for(sla.world.b_admin)
    assert api.get(f"/api/slas/incidents/{incident.pk}/").status_code == 404
    assert api.get(f"/api/slas/incidents/{incident.pk}/events/").status_code == 404
    assert (
        api.post(
            f"/api/slas/incidents/{incident.pk}/events/",
            {"kind": "comment", "note": "x"},
            format="json",
        ).status_code
        == 404
    )
    assert api.get("/api/slas/incident-slas/").json()["count"] == 0


def test_repair_command_recomputes_and_keeps_closed_outcomes(sla):
    from io import StringIO

    from django.core.management import call_command

    incident = sla.open()
    IncidentSla.objects.filter(incident=incident).delete()
    out = StringIO()
    call_command("repair_sla", ecosystem=sla.world.a.slug, stdout=out)
    assert "Recomputed" in out.getvalue()
    assert IncidentSla.objects.filter(incident=incident).count() == 2
    call_command("repair_sla", incident=incident.reference, stdout=out)
    with pytest.raises(Exception, match="No ecosystem"):
        call_command("repair_sla", ecosystem="nope", stdout=out)


def test_unknown_holiday_country_is_a_field_error(sla):
    from django.core.exceptions import ValidationError

    calendar = BusinessCalendar(
        ecosystem=sla.world.a, name="Nowhere", time_zone="UTC", holiday_country="QQ"
    )
    with pytest.raises(ValidationError) as raised:
        calendar.full_clean()
    assert "holiday_country" in raised.value.message_dict


def test_a_four_level_matrix_through_the_grid_editor(sla, client_for):
    client = client_for(sla.world.integrator_admin)
    matrix = sla.world.a.priority_matrix
    url = reverse("slas:prioritymatrix_edit", kwargs={"pk": matrix.pk})
    levels = "1-Critical\n2-High\n3-Moderate\n4-Low"
    data = {
        "ecosystem": sla.world.a.pk,
        "impact_levels": levels,
        "urgency_levels": levels,
        "priorities": levels,
    }
    # first save with new levels: the grid is redrawn and every new cell asked for
    response = client.post(url, data)
    assert response.status_code == 422
    form = response.context["form"]
    assert len(form.cell_names) == 16
    names = levels.split("\n")
    for name, (impact, urgency) in form.cell_names.items():
        data[name] = names[max(names.index(impact), names.index(urgency))]
    assert client.post(url, data).status_code == 302
    matrix.refresh_from_db()
    assert matrix.priority_for("3-Moderate", "4-Low") == "4-Low"
    assert matrix.priority_for("1-Critical", "2-High") == "2-High"


def test_unknown_holiday_subdivision_is_a_field_error(sla):
    from django.core.exceptions import ValidationError

    calendar = BusinessCalendar(
        ecosystem=sla.world.a,
        name="Nowhere",
        time_zone="UTC",
        holiday_country="US",
        holiday_subdivision="ZZ",
    )
    with pytest.raises(ValidationError) as raised:
        calendar.full_clean()
    assert "holiday_subdivision" in raised.value.message_dict


def test_the_incident_list_names_the_ecosystem_only_when_several_are_visible(sla, client_for):
    from siam.models import ServiceProvider

    sla.open()
    url = reverse("slas:incident_list")
    one = client_for(sla.world.integrator_admin).get(url).content.decode()
    assert "sort=ecosystem" not in one
    # a provider of both ecosystems sees both, and which one each ticket belongs to
    ServiceProvider.objects.create(ecosystem=sla.world.b, organisation=sla.world.integrator)
    several = client_for(sla.world.integrator_admin).get(url).content.decode()
    assert "sort=ecosystem" in several and "Alpha" in several


def test_the_report_covers_twelve_months_unless_asked_for_all_history(sla, client_for, monkeypatch):
    from slas import reports

    monkeypatch.setattr(reports, "_today", lambda: date(2026, 12, 3))
    recent = sla.open()
    sla.event(recent, at(0, 10), kind=EventKindChoices.RESOLVED, status="resolved")
    old = sla.open()
    sla.event(old, at(0, 10), kind=EventKindChoices.RESOLVED, status="resolved")
    Incident.objects.filter(pk=old.pk).update(opened_at=at(0, 9) - timedelta(days=800))
    assert reports.default_opened_from(date(2026, 11, 23)) == date(2025, 12, 1)
    client = client_for(sla.world.integrator_admin)
    window = client.get(reverse("slas:report")).context
    assert window["report"].overall.clocks == 1
    assert window["form"]["opened_from"].value() == reports.default_opened_from().isoformat()
    everything = client.get(reverse("slas:report"), {"opened_from": ""}).context["report"]
    assert everything.overall.clocks == 2
    api = client.get("/api/slas/report/").json()
    assert (
        api["overall"]["clocks"] == 1
        and api["opened_from"] == window["form"]["opened_from"].value()
    )
    assert client.get("/api/slas/report/", {"opened_from": ""}).json()["overall"]["clocks"] == 2
    assert client.get("/api/slas/report/", {"opened_from": "yesterday"}).status_code == 400
