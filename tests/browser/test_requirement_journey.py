"""Write a requirement with two acceptance criteria (a draft survives a reload, fields
check themselves as you leave them), link a user story, submit for review, approve,
and find it complete in the traceability matrix."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_requirement_journey(page, login):
    from requirements_app.models import PainPoint, Requirement
    from tests.conftest import build_world

    world = build_world()
    PainPoint.objects.create(ecosystem=world.a, title="Agents cannot see provider status")
    login("integrator_admin")

    page.goto("/requirements/requirements/add/")
    page.get_by_label("Ecosystem").select_option(label=str(world.a))
    # The pain points list follows the ecosystem chosen (refreshed in place).
    pain_points = page.get_by_label("Pain points")
    expect(pain_points.locator("option")).to_have_text(["Agents cannot see provider status"])
    page.get_by_label("Title").fill("Holistic view of tickets end to end")
    page.get_by_label("Statement").fill("Every party sees the status of a ticket across tools.")
    page.get_by_label("Statement").press("Tab")

    # A draft is kept in the browser: reload, restore, carry on.
    expect(page.locator("[data-draft-status]")).to_contain_text("Draft saved")
    page.reload()
    banner = page.locator("[data-draft-banner]")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Restore draft").click()
    expect(page.get_by_label("Title")).to_have_value("Holistic view of tickets end to end")

    # Inline validation: an emptied statement complains as soon as it is left.
    statement = page.get_by_label("Statement")
    statement.fill("")
    statement.press("Tab")
    expect(page.locator("#id_statement_group .invalid-feedback")).to_contain_text("required")
    page.get_by_label("Statement").fill("Every party sees the status of a ticket across tools.")
    page.get_by_label("Pain points").select_option(label="Agents cannot see provider status")
    page.get_by_label("Priority").select_option(label="Must have")
    page.get_by_label("Text 1").fill("The customer sees the provider's status within 5 minutes")
    page.get_by_label("Text 2").fill("Every hand-off is visible on the ticket")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator("h1")).to_contain_text("REQ-001")
    expect(page.locator("#criteria li")).to_have_count(2)
    expect(page.locator("#status")).to_have_text("Draft")

    # A story linked to it; leaving out "so that" is refused with a clear message.
    page.goto("/requirements/stories/add/")
    page.get_by_label("Ecosystem").select_option(label=str(world.a))
    page.get_by_label("As a …").fill("customer service agent at Mercuri")
    page.get_by_label("I want …").fill("to see where my ticket is")
    benefit = page.get_by_label("so that …")
    benefit.fill(" ")
    benefit.press("Tab")
    expect(page.locator("#id_benefit_group .invalid-feedback")).to_contain_text(
        "A user story says why (so that …)"
    )
    page.get_by_label("so that …").fill("I can answer the customer without chasing providers")
    requirement = Requirement.objects.get()
    page.get_by_label("Requirements").select_option(value=str(requirement.pk))
    page.get_by_label("Text 1").fill("Status shown on the Zendesk ticket")
    page.get_by_role("button", name="Add a row").click()
    expect(page.get_by_label("Text 3")).to_be_focused()
    page.get_by_label("Text 3").fill("Hand-offs shown with their time")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator("h1")).to_contain_text("US-001")
    expect(page.get_by_text("Hand-offs shown with their time")).to_be_visible()

    page.goto(requirement.get_absolute_url())
    expect(page.locator("#traced")).to_contain_text("US-001")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#status")).to_have_text("In review")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#status")).to_have_text("Approved")
    expect(page.locator("#transitions")).to_contain_text("In review → Approved")

    page.goto("/requirements/traceability/")
    page.get_by_label("Ecosystem").select_option(label=str(world.a))
    row = page.locator("#traceability tr[data-code='REQ-001']")
    expect(row).to_contain_text("Agents cannot see provider status")
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("US-001")
    expect(row.locator("td").nth(4)).to_have_text("2")
    expect(row).not_to_have_class(re.compile("trace-gap"))
