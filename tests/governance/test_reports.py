"""Steering reports: the snapshot's figures are the SLA data's, the PDF holds every
section, reports are archived and served only to the customer and the integrator,
and the monthly schedule makes one per ecosystem and month."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from governance import steering, tasks
from governance.models import Action, Decision, ImprovementItem, Kpi, SteeringReport

pytestmark = pytest.mark.django_db

SECTIONS = (
    "Executive summary", "Service levels agreed and achieved", "Breaches and exceptions",
    "KPI and CSF trends", "Major incidents and changes", "Continual improvement",
    "Changed requirements", "Decisions needed and taken", "Open actions", "RACI and governance changes",
)  # fmt: skip


@pytest.fixture
def incidents(sla):
    from slas import crossings as sla_crossings
    from slas.choices import EventKindChoices
    from tests.slas.conftest import at

    met = sla.open()
    sla.event(met, at(0, 10), kind=EventKindChoices.RESOLVED, status="resolved")
    breached = sla.open(opened=at(1, 9))
    sla.event(breached, at(1, 15), kind=EventKindChoices.RESOLVED, status="resolved")
    sla_crossings.record_crossings(at=at(1, 16))
    return sla


def test_snapshot_figures_match_the_sla_report(incidents, gov):
    from slas.reports import build_report

    world = incidents.world
    Kpi.objects.create(
        ecosystem=world.a,
        name="Attainment",
        source="sla_attainment",
        target=90,
        measured_from=date(2026, 11, 1),
    )
    snap = steering.snapshot(world.a, date(2026, 11, 1), date(2026, 11, 30))
    report = build_report(
        world.integrator_admin,
        {"ecosystem": world.a, "opened_from": date(2026, 11, 1), "opened_to": date(2026, 11, 30)},
    )
    overall = snap["service_levels"]["overall"]
    assert (overall["clocks"], overall["met"], overall["breached"], overall["attainment"]) == (
        report.overall.clocks, report.overall.met, report.overall.breached, report.overall.attainment,
    ) == (2, 1, 1, 50.0)  # fmt: skip
    assert overall["mean_hours"] == round(report.overall.mean_seconds / 3600, 2)
    by_priority = {r["key"]: r for r in snap["service_levels"]["by_priority"]}
    assert by_priority["P1"]["agreed_hours"] == 4.0  # the SLA's 240 business minutes
    assert snap["attainment_target"] == 90 and snap["status"] == "red"
    response = build_report(
        world.integrator_admin,
        {
            "ecosystem": world.a,
            "opened_from": date(2026, 11, 1),
            "opened_to": date(2026, 11, 30),
            "metric": "response",
        },
    )
    # Section 3 lists the resolution breaches, end to end and per provider: the ones
    # the summary counts (response breaches are in the response row).
    resolution_breaches = sum(r.breached for r in report.by_provider)
    assert snap["counts"]["opened"] == 2
    assert len(snap["breaches"]) == snap["breach_total"] == resolution_breaches == 1
    assert all(b["metric"] == "Resolution" for b in snap["breaches"])
    assert f"Resolution breaches: {report.overall.breached} of the end-to-end SLA" in " ".join(
        snap["summary"]
    )
    assert snap["service_levels"]["response"]["breached"] == response.overall.breached
    assert snap["service_levels"]["trend"][-1] == {"month": "2026-11", "attainment": 50.0}
    assert "End-to-end resolution attainment was 50.0 % against a target of 90 %" in " ".join(
        snap["summary"]
    )


def test_pdf_has_every_section_and_is_archived_with_its_snapshot(incidents, gov, client_for):
    world = incidents.world
    Decision.objects.create(ecosystem=world.a, title="Extend support hours", owner=gov.customer_rep)
    Action.objects.create(
        ecosystem=world.a,
        title="Quote Saturday cover",
        owner=gov.provider_rep,
        due_date=date(2026, 11, 10),
    )
    ImprovementItem.objects.create(
        ecosystem=world.a,
        title="Encrypt attachments",
        business_impact=3,
        complexity=3,
        cost=3,
        risk=4,
    )
    client = client_for(world.integrator_admin)
    response = client.post(
        reverse("governance:steeringreport_add"), {"ecosystem": world.a.pk, "month": "2026-11"}
    )
    report = SteeringReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "governance:steeringreport_download", args=[report.pk]
    )
    download = client.get(response["Location"])
    body = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    reader = PdfReader(BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for heading in SECTIONS:
        assert heading in text, heading
    assert "Steering report" in text and "November 2026" in text and "Contents" in text
    assert (
        "Extend support hours" in text
        and "Quote Saturday cover" in text
        and "Encrypt attachments" in text
    )
    assert f"Page 1 of {len(reader.pages)}" in text and report.pages == len(reader.pages)
    # The archive keeps the figures as they were: later data does not change them.
    frozen = report.snapshot["service_levels"]["overall"]["clocks"]
    incidents.open()
    report.refresh_from_db()
    assert report.snapshot["service_levels"]["overall"]["clocks"] == frozen
    archive = client.get(reverse("governance:steeringreport_list")).content.decode()
    assert "November 2026" in archive and "RED" in archive
    assert (
        "End-to-end resolution attainment" in client.get(report.get_absolute_url()).content.decode()
    )


def test_reports_are_for_the_customer_and_the_integrator(
    incidents, gov, client_for, api_client_for
):
    world = incidents.world
    report = steering.generate(world.a, date(2026, 11, 1))
    download = reverse("governance:steeringreport_download", args=[report.pk])
    assert client_for(world.customer_viewer).get(download).status_code == 200
    assert client_for(world.provider1_editor).get(download).status_code == 404
    assert client_for(world.b_admin).get(download).status_code == 404
    # The customer may read but not generate; the API says why.
    api = api_client_for(world.customer_viewer)
    assert (
        api.post(
            "/api/governance/steering-reports/generate/",
            {"ecosystem": world.a.pk, "month": "2026-11"},
            format="json",
        ).status_code
        == 403
    )
    assert api.get("/api/governance/steering-reports/").json()["count"] == 1
    assert (
        api_client_for(world.provider1_editor)
        .get("/api/governance/steering-reports/")
        .json()["count"]
        == 0
    )


def test_generate_endpoint_and_bad_input(incidents, api_client_for):
    api = api_client_for(incidents.world.integrator_admin)
    bad = api.post(
        "/api/governance/steering-reports/generate/",
        {"ecosystem": incidents.world.a.pk, "month": "November"},
        format="json",
    )
    assert bad.status_code == 400 and "month" in bad.json()
    made = api.post(
        "/api/governance/steering-reports/generate/",
        {"ecosystem": incidents.world.a.pk, "month": "2026-11"},
        format="json",
    )
    assert made.status_code == 201
    data = made.json()
    assert data["period_start"] == "2026-11-01" and data["period_end"] == "2026-11-30"
    assert data["snapshot"]["service_levels"]["overall"]["attainment"] == 50.0
    assert data["download"].endswith(f"/governance/reports/{data['id']}/download/")


def test_the_monthly_schedule_reports_each_ecosystem_once(incidents):
    made = tasks.generate_monthly_reports("2026-11-01")
    assert len(made) == 2  # both ecosystems of the test world
    assert tasks.generate_monthly_reports("2026-11-01") == []  # a repeated beat is harmless
    assert (
        SteeringReport.objects.filter(scheduled=True, period_start=date(2026, 11, 1)).count() == 2
    )
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE["monthly-steering-reports"]
    assert schedule["task"] == "governance.tasks.generate_monthly_reports"
    assert schedule["schedule"].day_of_month == {1}


def test_the_steering_status_is_the_worst_priority_and_any_p1_breach_is_amber():
    from governance.rag import overall_rag, priority_rag

    # 98 % overall against 95 %, but one P1 breach: P1 is amber, so is the report
    p1 = {"key": "P1", "attainment": 96.0, "breached": 1}
    p1["status"] = priority_rag(p1, 95, major=True, amber_margin=5)
    p3 = {"key": "P3", "attainment": 99.0, "breached": 1}
    p3["status"] = priority_rag(p3, 95, major=False, amber_margin=5)
    assert (p1["status"], p3["status"]) == ("amber", "green")
    assert overall_rag(98.0, [p1, p3], 95) == "amber"
    # P1 at 0 % is red whatever the overall attainment says
    zero = {"key": "P1", "attainment": 0.0, "breached": 2}
    zero["status"] = priority_rag(zero, 95, major=True, amber_margin=5)
    assert overall_rag(97.0, [zero, p3], 95) == "red"
    # nothing finished: grey
    assert overall_rag(None, [], 95) == "grey"


def test_a_future_month_is_refused_and_a_regenerated_month_replaces_the_report(
    gov, client_for, api_client_for
):
    from datetime import date

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from governance import steering
    from governance.models import SteeringReport

    world = gov.world
    today = timezone.localdate()
    future = date(today.year + 1, 1, 1)
    with pytest.raises(ValidationError):
        steering.generate(world.a, future)
    api = api_client_for(world.integrator_admin)
    response = api.post(
        "/api/governance/steering-reports/generate/",
        {"ecosystem": world.a.pk, "month": future.strftime("%Y-%m")},
        format="json",
    )
    assert response.status_code == 400 and "month" in response.json()
    page = client_for(world.integrator_admin).post(
        "/governance/reports/generate/",
        {"ecosystem": world.a.pk, "month": future.strftime("%Y-%m")},
    )
    assert page.status_code == 422 and "has not begun" in page.content.decode()

    first = steering.generate(world.a, today)
    second = steering.generate(world.a, today)
    first.refresh_from_db()
    assert second.replaced == 1 and first.superseded_by == second and first.superseded_at
    assert first.pdf and first.pdf.storage.exists(first.pdf.name)  # kept in the archive
    assert SteeringReport.objects.filter(ecosystem=world.a, superseded_at__isnull=True).count() == 1
    page = client_for(world.integrator_admin).get(first.get_absolute_url()).content.decode()
    assert "This report was replaced" in page
