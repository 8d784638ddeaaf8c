"""Open an incident, hand it to a provider, pause, resolve — and watch the SLA bars."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def bar_states(page):
    return page.locator("#sla-bars [data-state]").evaluate_all(
        "els => els.map(e => e.dataset.state)"
    )


def test_incident_journey_changes_the_sla_bars(page, login):
    from siam.choices import ContractStatusChoices
    from tests import factories as f
    from tests.conftest import build_world

    world = build_world()
    world.sla.status = ContractStatusChoices.ACTIVE
    world.sla.save()
    world.ola1.status = ContractStatusChoices.ACTIVE
    world.ola1.save()
    f.PriorityMatrixFactory(ecosystem=world.a)
    always = f.BusinessCalendarFactory(
        ecosystem=world.a, name="24x7", always_open=True, office_hours=False
    )
    f.ServiceLevelTargetFactory(
        contract=world.sla,
        priority="P2",
        response_minutes=60,
        resolution_minutes=480,
        calendar=always,
    )
    f.ServiceLevelTargetFactory(
        contract=world.ola1,
        priority="P2",
        response_minutes=30,
        resolution_minutes=240,
        calendar=always,
    )

    login(world.integrator_admin.username)
    page.goto("/slas/incidents/add/")
    page.get_by_label("Ecosystem", exact=True).select_option(label="Alpha")
    page.get_by_label("Service", exact=True).select_option(label="Web shop (Alpha)")
    page.get_by_label("Title").fill("Payments fail at checkout")
    page.get_by_label("Impact").select_option("High")
    page.get_by_label("Urgency").select_option("Medium")
    page.get_by_role("button", name="Create", exact=True).click()
    page.wait_for_url("**/slas/incidents/*/")
    assert page.get_by_text("End-to-end SLA · resolution").is_visible()
    assert bar_states(page) == ["running", "running"]

    # hand it to the provider: its OLA starts
    page.get_by_label("Action").select_option("handoff")
    page.get_by_label("Hand to").select_option(label="Provider One")
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state()
    assert page.get_by_text("OLA Provider One · resolution").is_visible()
    assert "running" in bar_states(page)

    # pause: every resolution clock stops
    page.get_by_label("Action").select_option("pause")
    page.get_by_label("Waiting for").select_option("awaiting_customer")
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state()
    states = bar_states(page)
    assert states.count("paused") == 2, states

    # resolve: met
    page.get_by_label("Action").select_option("resolve")
    page.get_by_label("Note").fill("Gateway certificate renewed")
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state()
    assert "Gateway certificate renewed" in page.locator("#timeline").inner_text()
    assert set(bar_states(page)) == {"met"}
    page.screenshot(path="var/incident-journey.png", full_page=True)
