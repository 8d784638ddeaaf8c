"""Governance records end to end: meetings (quorum, closure), the improvement register
(scoring, weights, override with reason and author), pods, KPIs computed from the
SLA data, pages, API, access and constant queries."""

from datetime import date

import pytest
from django.urls import reverse

from governance import services
from governance.models import Action, Decision, ImprovementItem, Kpi, Measurement, Pod, ScoringModel

from .conftest import grow

pytestmark = pytest.mark.django_db


def test_meeting_page_shows_quorum_and_refuses_to_close_until_items_are_owned(gov, client_for):
    client = client_for(gov.world.integrator_admin)
    gov.meeting.attendees.set([gov.customer_rep])
    page = client.get(gov.meeting.get_absolute_url()).content.decode()
    assert 'data-quorum="not-met"' in page and "1 voting members present, 2 needed" in page
    gov.meeting.attendees.set([gov.customer_rep, gov.integrator_rep, gov.provider_rep])
    decision = Decision.objects.create(
        ecosystem=gov.world.a, meeting=gov.meeting, title="Adopt a hub"
    )
    action = Action.objects.create(
        ecosystem=gov.world.a, meeting=gov.meeting, title="Map priorities", owner=gov.integrator_rep
    )
    page = client.get(gov.meeting.get_absolute_url()).content.decode()
    assert 'data-quorum="met"' in page
    assert (
        "Decision “Adopt a hub” has no owner." in page
        and "Action “Map priorities” has no due date." in page
    )

    response = client.post(reverse("governance:meeting_close", args=[gov.meeting.pk]), follow=True)
    gov.meeting.refresh_from_db()
    assert gov.meeting.status == "held" and "Not closed" in response.content.decode()

    decision.owner = gov.customer_rep
    decision.save()
    action.due_date = date(2026, 12, 1)
    action.save()
    client.post(reverse("governance:meeting_close", args=[gov.meeting.pk]))
    gov.meeting.refresh_from_db()
    assert gov.meeting.status == "closed" and gov.meeting.closed_by == gov.world.integrator_admin


def test_meeting_close_through_the_api(gov, api_client_for):
    api = api_client_for(gov.world.integrator_admin)
    Action.objects.create(ecosystem=gov.world.a, meeting=gov.meeting, title="No date")
    url = f"/api/governance/meetings/{gov.meeting.pk}/close/"
    refused = api.post(url)
    assert refused.status_code == 400
    assert "Action “No date” has no due date." in refused.json()["non_field_errors"]
    Action.objects.filter(meeting=gov.meeting).update(
        due_date=date(2026, 12, 1), owner=gov.integrator_rep
    )
    closed = api.post(url)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["quorum"]["required"] == 2


def test_a_meeting_saved_with_its_decisions_and_actions_inline(gov, client_for):
    client = client_for(gov.world.integrator_admin)
    data = {
        "ecosystem": gov.world.a.pk, "board": gov.board.pk, "title": "", "scheduled_at": "2026-12-03T10:00",
        "agenda": "Figures\nDecisions", "attendees": [gov.customer_rep.pk, gov.provider_rep.pk], "minutes": "", "status": "held",
        "decisions-TOTAL_FORMS": 1, "decisions-INITIAL_FORMS": 0, "decisions-MIN_NUM_FORMS": 0, "decisions-MAX_NUM_FORMS": 1000,
        "decisions-0-title": "Extend support hours", "decisions-0-owner": gov.customer_rep.pk, "decisions-0-status": "needed",
        "actions-TOTAL_FORMS": 1, "actions-INITIAL_FORMS": 0, "actions-MIN_NUM_FORMS": 0, "actions-MAX_NUM_FORMS": 1000,
        "actions-0-title": "Quote cover", "actions-0-owner": gov.provider_rep.pk, "actions-0-due_date": "2026-12-20", "actions-0-status": "open",
    }  # fmt: skip
    response = client.post(reverse("governance:meeting_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    decision = Decision.objects.get(title="Extend support hours")
    assert decision.ecosystem == gov.world.a and decision.meeting.board == gov.board
    assert Action.objects.get(title="Quote cover").meeting == decision.meeting
    # Someone from another ecosystem cannot be an attendee.
    outsider = gov.world.b_objects["system"].organisation.people.create(name="Bea Beta")
    bad = client.post(reverse("governance:meeting_add"), {**data, "attendees": [outsider.pk]})
    assert bad.status_code == 422


def test_scoring_override_keeps_reason_and_author_and_weights_rerank(
    gov, client_for, api_client_for
):
    eco = gov.world.a
    connector = ImprovementItem.objects.create(
        ecosystem=eco, title="Connector", business_impact=5, complexity=3, cost=3, risk=2
    )
    encrypt = ImprovementItem.objects.create(
        ecosystem=eco, title="Encrypt", business_impact=3, complexity=3, cost=3, risk=4
    )
    assert connector.score == 72.5 and encrypt.score == 47.5
    ranks = {i.title: i.rank for i in services.ranked(ImprovementItem.objects.all())}
    assert ranks == {"Connector": 1, "Encrypt": 2}

    client = client_for(gov.world.integrator_admin)
    url = reverse("governance:improvementitem_override", args=[encrypt.pk])
    client.post(url, {"override_score": 90, "override_reason": ""})
    encrypt.refresh_from_db()
    assert encrypt.override_score is None  # refused: no reason
    client.post(url, {"override_score": 90, "override_reason": "Regulatory compliance (GDPR)"})
    encrypt.refresh_from_db()
    assert (encrypt.override_score, encrypt.override_reason, encrypt.override_by) == (
        90,
        "Regulatory compliance (GDPR)",
        gov.world.integrator_admin,
    )
    ranks = {i.title: i.rank for i in services.ranked(ImprovementItem.objects.all())}
    assert ranks == {"Encrypt": 1, "Connector": 2}
    page = client.get(encrypt.get_absolute_url()).content.decode()
    assert "Overridden to 90.0" in page and "Regulatory compliance (GDPR)" in page

    api = api_client_for(gov.world.integrator_admin)
    bad = api.post(
        f"/api/governance/improvement-items/{connector.pk}/override/",
        {"override_score": 99},
        format="json",
    )
    assert bad.status_code == 400 and "override_reason" in bad.json()
    removed = api.post(
        f"/api/governance/improvement-items/{encrypt.pk}/override/",
        {"override_score": None},
        format="json",
    )
    assert (
        removed.status_code == 200
        and removed.json()["override_reason"] == ""
        and removed.json()["rank"] == 2
    )

    # Weights are the ecosystem's: put everything on business impact and the order holds,
    # with scores rescaled; weights that do not make 100 are refused.
    response = client.post(
        reverse("governance:scoringmodel_add"),
        {"ecosystem": eco.pk, "business_impact": 70, "complexity": 10, "cost": 10, "risk": 20},
    )
    assert response.status_code == 422 and "they must add up to 100" in response.content.decode()
    client.post(
        reverse("governance:scoringmodel_add"),
        {"ecosystem": eco.pk, "business_impact": 100, "complexity": 0, "cost": 0, "risk": 0},
    )
    assert ScoringModel.objects.get(ecosystem=eco).weights["business_impact"] == 100
    connector.refresh_from_db()
    encrypt.refresh_from_db()
    assert (connector.score, encrypt.score) == (100.0, 50.0)


def test_pod_warnings_show_on_list_and_page(gov, client_for):
    pod = Pod.objects.create(ecosystem=gov.world.a, name="Connectors", head=gov.integrator_rep)
    pod.members.create(person=gov.provider_rep, role="technologist")
    client = client_for(gov.world.integrator_admin)
    page = client.get(pod.get_absolute_url()).content.decode()
    assert "No integration lead: a pod needs an integration lead." in page and "No analyst" in page
    lonely = Pod.objects.create(ecosystem=gov.world.a, name="Tooling")
    assert (
        "2 pods without a head of integration"
        in client.get(lonely.get_absolute_url()).content.decode()
    )
    assert "without a head" not in client.get(pod.get_absolute_url()).content.decode()
    lonely.delete()
    pod.members.create(person=gov.integrator_rep, role="lead")
    pod.members.create(person=gov.customer_rep, role="analyst")
    listing = client.get(reverse("governance:pod_list")).content.decode()
    assert "Complete" in listing and "No integration lead" not in listing
    api = client.get(f"/api/governance/pods/{pod.pk}/").json()
    assert api["warnings"] == []


def test_computed_kpis_match_the_sla_report(sla, gov, client_for):
    from slas.choices import EventKindChoices
    from slas.reports import build_report
    from tests.slas.conftest import at

    met = sla.open()
    sla.event(met, at(0, 10), kind=EventKindChoices.RESOLVED, status="resolved")
    breached = sla.open(opened=at(1, 9))
    sla.event(breached, at(1, 15), kind=EventKindChoices.RESOLVED, status="resolved")
    sla.event(breached, at(1, 16), kind=EventKindChoices.REOPENED, status="in_progress")
    from slas import crossings as sla_crossings

    sla_crossings.record_crossings(at=at(1, 17))
    eco = sla.world.a
    kpis = {
        source: Kpi.objects.create(ecosystem=eco, name=source, source=source, priority="P1" if source == "mttr" else "", measured_from=date(2026, 11, 1))
        for source in ("sla_attainment", "mttr", "breaches", "reopen_rate")
    }  # fmt: skip
    assert services.compute_kpis(eco.pk, date(2026, 11, 1)) >= 3
    report = build_report(
        sla.world.integrator_admin,
        {"ecosystem": eco, "opened_from": date(2026, 11, 1), "opened_to": date(2026, 11, 30)},
    )
    values = {m.kpi.source: m.value for m in Measurement.objects.select_related("kpi")}
    assert values["sla_attainment"] == report.overall.attainment == 50.0
    assert values["breaches"] == report.overall.breached == 1
    p1 = next(r for r in report.by_priority if r.key == "P1")
    assert values["mttr"] == round(p1.mean_seconds / 3600, 2)
    # Idempotent: a second run updates, never duplicates.
    services.compute_kpis(eco.pk, date(2026, 11, 1))
    assert Measurement.objects.filter(kpi=kpis["sla_attainment"]).count() == 1


LISTS = [
    "board_list",
    "meeting_list",
    "decision_list",
    "action_list",
    "kpi_list",
    "improvementitem_list",
    "pod_list",
    "assessment_list",
    "steeringreport_list",
]


@pytest.mark.parametrize("name", LISTS)
def test_lists_take_constant_queries(gov, client_for, name, query_count):
    client = client_for(gov.world.integrator_admin)
    grow(gov.world, 2, gov.integrator_rep)
    url = reverse(f"governance:{name}")
    query_count.constant(
        lambda: client.get(url), grow=lambda: grow(gov.world, 15, gov.integrator_rep)
    )


def test_dashboard_takes_constant_queries_and_links_each_tile(sla, gov, client_for, query_count):
    from slas.choices import EventKindChoices
    from tests.slas.conftest import at

    client = client_for(sla.world.integrator_admin)
    url = reverse("governance:dashboard", args=[sla.world.a.pk])

    def more(n, hour):
        for k in range(n):
            incident = sla.open(opened=at(0, hour, k))
            sla.event(
                incident, at(0, hour, k + 30), kind=EventKindChoices.RESOLVED, status="resolved"
            )

    def grow_both():
        more(6, 11)
        grow(sla.world, 6, gov.integrator_rep)

    more(1, 9)
    grow(sla.world, 1, gov.integrator_rep)
    page = query_count.constant(lambda: client.get(url), grow=grow_both)
    html = page.content.decode()
    eco = sla.world.a.pk
    for link in (
        f"/slas/report/?ecosystem={eco}",
        f"/slas/incidents/?ecosystem={eco}&amp;breached=true",
        f"/slas/incidents/?ecosystem={eco}&amp;due_within_hours=24",
        f"/governance/kpis/?ecosystem={eco}",
        f"/governance/actions/?ecosystem={eco}&amp;overdue=true",
        f"/raci/matrices/?ecosystem={eco}",
        f"/requirements/requirements/?ecosystem={eco}&amp;status=approved",
    ):
        assert link in html, link
    assert "<svg" in html and "SLA attainment by month" in html
    api = client.get(f"/api/governance/ecosystems/{eco}/dashboard/").json()
    assert api["overdue_actions"] == 7 and len(api["attainment"]) == 6


def test_overdue_filter_and_other_ecosystems_see_nothing(gov, client_for):
    Action.objects.create(
        ecosystem=gov.world.a, title="Late", due_date=date(2020, 1, 1), owner=gov.integrator_rep
    )
    Action.objects.create(
        ecosystem=gov.world.a, title="Later", due_date=date(2099, 1, 1), owner=gov.integrator_rep
    )
    client = client_for(gov.world.integrator_admin)
    listing = client.get(reverse("governance:action_list"), {"overdue": "true"}).content.decode()
    assert "Late" in listing and "Later" not in listing and 'data-overdue="true"' in listing
    other = client_for(gov.world.b_admin)
    assert "Late" not in other.get(reverse("governance:action_list")).content.decode()
    assert other.get(gov.meeting.get_absolute_url()).status_code == 404
    assert other.get(reverse("governance:dashboard", args=[gov.world.a.pk])).status_code == 404


def test_api_creates_and_validates(gov, api_client_for):
    api = api_client_for(gov.world.integrator_admin)
    created = api.post(
        "/api/governance/boards/",
        {"ecosystem": gov.world.a.pk, "name": "Service review", "level": "tactical", "quorum": 2},
        format="json",
    )
    assert created.status_code == 201, created.json()
    bad = api.post(
        "/api/governance/boards/",
        {"ecosystem": gov.world.a.pk, "name": "X", "level": "galactic", "quorum": 0},
        format="json",
    )
    assert bad.status_code == 400 and {"level", "quorum"} <= set(bad.json())
    kpi = api.post(
        "/api/governance/kpis/",
        {
            "ecosystem": gov.world.a.pk,
            "name": "MTTR",
            "source": "mttr",
            "measured_from": "2026-06-01",
        },
        format="json",
    )
    assert kpi.status_code == 400 and "priority" in kpi.json()
    outsider = api.post(
        "/api/governance/board-members/",
        {
            "board": gov.board.pk,
            "person": gov.world.b_objects["system"].organisation.people.create(name="Bea").pk,
        },
        format="json",
    )
    assert outsider.status_code in (400, 404)
    viewer = api_client_for(gov.world.provider1_editor)
    assert viewer.post(
        "/api/governance/boards/",
        {"ecosystem": gov.world.a.pk, "name": "Mine", "level": "tactical"},
        format="json",
    ).status_code in (400, 403)


def test_kpis_complete_the_traceability_matrix(gov, client_for):
    from requirements_app.models import Requirement

    requirement = Requirement.objects.create(
        ecosystem=gov.world.a, title="Holistic view", statement="s"
    )
    kpi = Kpi.objects.create(
        ecosystem=gov.world.a, name="End-to-end attainment", measured_from=date(2026, 6, 1)
    )
    kpi.requirements.add(requirement)
    page = (
        client_for(gov.world.integrator_admin)
        .get(reverse("requirements_app:traceability"))
        .content.decode()
    )
    row = page[page.index(f'data-code="{requirement.code}"') :]
    assert (
        f'<a href="{kpi.get_absolute_url()}">End-to-end attainment</a>' in row[: row.index("</tr>")]
    )


def test_dates_are_shown_where_date_inputs_can_read_them(gov, client_for):
    """A date input shows only ISO dates: a localised one would be blank and lost on save."""
    Action.objects.create(
        ecosystem=gov.world.a,
        meeting=gov.meeting,
        title="Quote cover",
        owner=gov.provider_rep,
        due_date=date(2026, 11, 20),
    )
    client = client_for(gov.world.integrator_admin)
    meeting_form = client.get(
        reverse("governance:meeting_edit", args=[gov.meeting.pk])
    ).content.decode()
    assert 'type="date" name="actions-0-due_date" value="2026-11-20"' in meeting_form
    action = Action.objects.get()
    assert (
        'value="2026-11-20"'
        in client.get(reverse("governance:action_edit", args=[action.pk])).content.decode()
    )


def test_a_finished_improvement_has_no_rank_anywhere(gov, client_for, api_client_for):
    eco = gov.world.a
    done = ImprovementItem.objects.create(
        ecosystem=eco, title="Done item", business_impact=5, complexity=1, cost=1, risk=1,
        status="done",
    )  # fmt: skip
    ImprovementItem.objects.create(
        ecosystem=eco, title="Open item", business_impact=1, complexity=3, cost=3, risk=1
    )
    client = client_for(gov.world.integrator_admin)
    page = client.get(done.get_absolute_url()).content.decode()
    assert "no longer ranked" in page and "rank 1" not in page
    api = api_client_for(gov.world.integrator_admin)
    assert api.get(f"/api/governance/improvement-items/{done.pk}/").json()["rank"] is None
    listed = {
        i["title"]: i["rank"]
        for i in api.get("/api/governance/improvement-items/").json()["results"]
    }
    assert listed == {"Done item": None, "Open item": 1}


def test_the_dashboard_opens_on_the_users_own_then_last_visited_ecosystem(gov, client):
    from siam.models import ServiceProvider

    world = gov.world
    # Beta's integrator also provides to Alpha: Alpha comes first by name, Beta is its own.
    ServiceProvider.objects.create(ecosystem=world.a, organisation=world.b.integrator)
    client.force_login(world.b_admin)
    index = reverse("governance:dashboard_index")
    assert client.get(index).url == reverse("governance:dashboard", kwargs={"pk": world.b.pk})
    client.get(reverse("governance:dashboard", kwargs={"pk": world.a.pk}))
    assert client.get(index).url == reverse("governance:dashboard", kwargs={"pk": world.a.pk})


def test_a_pod_member_must_be_with_a_party_of_the_pods_ecosystem(gov, api_client_for):
    from django.core.exceptions import ValidationError

    from governance.models import PodMember
    from tests import factories as f

    pod = Pod.objects.create(ecosystem=gov.world.a, name="Connectors", head=gov.integrator_rep)
    outsider = f.PersonFactory(organisation=gov.world.spare_org, name="Sam Spare")
    with pytest.raises(ValidationError) as refused:
        PodMember(pod=pod, person=outsider, role="technologist").full_clean()
    assert "person" in refused.value.message_dict
    PodMember(pod=pod, person=gov.provider_rep, role="technologist").full_clean()

    api = api_client_for(gov.world.integrator_admin)
    answer = api.post(
        "/api/governance/pod-members/",
        {"pod": pod.pk, "person": outsider.pk, "role": "technologist"},
        format="json",
    )
    assert answer.status_code == 400 and "person" in answer.json()
    assert not pod.members.exists()
