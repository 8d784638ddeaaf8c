"""Open an incident, hand it to a provider, pause, resolve — and watch the SLA bars."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def bar_states(page):
    return page.locator("#sla-bars [data-state]").evaluate_all(
        "els => els.map(e => e.dataset.state)"
    )


def sla_world(*, with_ola: bool):
    """The test world with an active SLA (and OLA) with 24x7 P2 targets."""
    from siam.choices import ContractStatusChoices
    from tests import factories as f
    from tests.conftest import build_world

    world = build_world()
    f.PriorityMatrixFactory(ecosystem=world.a)
    always = f.BusinessCalendarFactory(
        ecosystem=world.a, name="24x7", always_open=True, office_hours=False
    )
    contracts = [(world.sla, 60, 480)] + ([(world.ola1, 30, 240)] if with_ola else [])
    for contract, response, resolution in contracts:
        contract.status = ContractStatusChoices.ACTIVE
        contract.save()
        f.ServiceLevelTargetFactory(
            contract=contract, priority="P2", response_minutes=response,
            resolution_minutes=resolution, calendar=always,
        )  # fmt: skip
    return world


def test_incident_journey_changes_the_sla_bars(page, login):
    world = sla_world(with_ola=True)

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

    # a new incident offers what can be done now, and nothing else
    offered = page.locator("#incident-actions [data-action]").evaluate_all(
        "els => els.map(e => e.dataset.action)"
    )
    assert "hand-off" in offered and not {"resume", "reopen", "close"} & set(offered)

    # hand it to the provider: its OLA starts
    hand_off = open_action(page, "hand-off")
    hand_off.get_by_label("Hand to").select_option(label="Provider One")
    hand_off.get_by_role("button", name="Hand off").click()
    page.wait_for_load_state()
    assert page.get_by_text("OLA Provider One · resolution").is_visible()
    assert "running" in bar_states(page)

    # pause: every resolution clock stops; the pause form shows only its own fields
    pause = open_action(page, "pause")
    assert pause.get_by_label("Hand to").count() == 0
    pause.get_by_label("Waiting for").select_option("awaiting_customer")
    pause.get_by_role("button", name="Wait for someone").click()
    page.wait_for_load_state()
    states = bar_states(page)
    assert states.count("paused") == 2, states

    # resolve without a note: refused and said; with one: met
    resolve = open_action(page, "resolve")
    resolve.locator("textarea").evaluate("el => el.removeAttribute('required')")
    resolve.get_by_role("button", name="Resolve").click()
    page.wait_for_load_state()
    assert "Write a note" in page.locator("body").inner_text()
    resolve = open_action(page, "resolve")
    resolve.get_by_label("How it was resolved").fill("Gateway certificate renewed")
    resolve.get_by_role("button", name="Resolve").click()
    page.wait_for_load_state()
    assert "Gateway certificate renewed" in page.locator("#timeline").inner_text()
    assert set(bar_states(page)) == {"met"}
    offered = page.locator("#incident-actions [data-action]").evaluate_all(
        "els => els.map(e => e.dataset.action)"
    )
    assert set(offered) == {"reopen", "close", "comment"}
    page.screenshot(path="var/incident-journey.png", full_page=True)


def open_action(page, action):
    """Unfold one action of the "Act on it" card and return its form."""
    details = page.locator(f'#incident-actions details[data-action="{action}"]')
    details.locator("summary").click()
    return details.locator("form")


def test_the_business_owner_approves_and_a_ticket_sent_back_to_the_queue_is_a_gap(page, login):
    from raci.models import Role
    from slas import services
    from slas.models import Incident

    world = sla_world(with_ola=False)
    world.person.user = world.customer_viewer
    world.person.save()
    role = Role.objects.create(
        ecosystem=world.a, organisation=world.customer, name="Business Owner", approves_changes=True
    )
    role.holders.add(world.person)
    change = services.open_incident(
        Incident(ecosystem=world.a, title="New payment provider", service=world.service,
                 classification="change_request", impact="High", urgency="Medium"),
        author=world.integrator_admin,
    )  # fmt: skip

    # The business owner, with a read-only account, is offered the approval and nothing else.
    login(world.customer_viewer.username)
    page.goto(change.get_absolute_url())
    offered = page.locator("#incident-actions [data-action]").evaluate_all(
        "els => els.map(e => e.dataset.action)"
    )
    assert offered == ["approve-change"]
    approve = open_action(page, "approve-change")
    assert approve.get_by_label("Approved by").count() == 0  # she approves in her own name
    approve.get_by_role("button", name="Approve the change").click()
    page.wait_for_load_state()
    assert f"Approved by {world.person}" in page.locator("#timeline").inner_text()
    page.screenshot(path="var/approval-journey.png", full_page=True)

    # The integrator hands it to a provider, who sends it back: nobody owns it.
    page.context.clear_cookies()
    login(world.integrator_admin.username)
    page.goto(change.get_absolute_url())
    hand_off = open_action(page, "hand-off")
    hand_off.get_by_label("Hand to").select_option(label="Provider One")
    hand_off.get_by_role("button", name="Hand off").click()
    page.wait_for_load_state()
    hand_off = open_action(page, "hand-off")
    hand_off.get_by_label("Hand to").select_option(label="Nobody (back to the queue)")
    hand_off.get_by_label("Note").fill("Not ours")
    hand_off.get_by_role("button", name="Hand off").click()
    page.wait_for_load_state()
    assert "until now" in page.locator("#incident-gaps").inner_text()
    page.goto("/slas/ownership-gaps/?open=true")
    assert change.reference in page.locator("table").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(change.get_absolute_url())
    page.screenshot(path="var/gap-journey-390.png", full_page=True)


def test_paging_through_a_long_incident_list_and_back(page, login):
    """Sixty incidents: Next twice reaches the end, Previous comes back, and no incident
    is shown twice or skipped — the pages are cut by cursor, not by page number."""
    from datetime import UTC, datetime, timedelta

    from slas.models import Incident

    world = sla_world(with_ola=False)
    start = datetime(2024, 3, 1, 9, tzinfo=UTC)
    Incident.objects.bulk_create(
        Incident(
            ecosystem=world.a, reference=f"INC-{n:06d}", title=f"Ticket number {n}",
            service=world.service, impact="High", urgency="High", priority="P2",
            opened_at=start - timedelta(hours=n // 2),  # pairs share an opening time
        )
        for n in range(60)
    )  # fmt: skip

    login(world.integrator_admin.username)
    page.goto("/slas/incidents/")
    assert page.get_by_role("heading", name="60 incidents").is_visible()

    def references():
        return page.locator("table tbody tr td:first-child").all_inner_texts()

    seen = references()
    assert len(seen) == 25
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**after=*")
    seen += references()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="var/incident-list-pages-390.png", full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.get_by_role("link", name="Next").click()
    seen += references()
    assert len(seen) == 60 and len(set(seen)) == 60
    assert page.locator(".page-item.disabled", has_text="Next").count() == 1
    page.screenshot(path="var/incident-list-pages-1440.png", full_page=True)

    page.get_by_role("link", name="Previous").click()
    page.wait_for_url("**before=*")
    assert references() == seen[25:50]
    page.get_by_role("link", name="First").click()
    assert references() == seen[:25]
