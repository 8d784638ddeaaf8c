"""Build a matrix from the incident-management template, break the one-A rule, see the
error, fix it, approve, edit it as a new version, and see the diff."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cell(page, activity, role):
    return page.get_by_label(f"{activity} — {role}", exact=True)


def test_raci_journey(page, login):
    from tests.conftest import build_world

    world = build_world()
    page.on("dialog", lambda dialog: dialog.accept())  # "Approve version 1? It will be frozen."
    login("integrator_admin")

    page.goto("/raci/matrices/add/")
    page.get_by_label("Ecosystem").select_option(label=str(world.a))
    page.get_by_label("Name").fill("Incident management")
    page.get_by_label("Start from").select_option(label="Incident management")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator("h1")).to_contain_text("v1 · Draft")
    findings = page.locator("#raci-findings")
    expect(findings.locator("[data-errors]")).to_have_attribute("data-errors", "0")

    # Break the one-A rule: the desk lead becomes accountable too (saved on leaving the cell).
    desk = cell(page, "Log and classify the incident", "Service Desk Lead")
    desk.fill("a")
    desk.press("Tab")
    expect(findings.locator("[data-errors]")).to_have_attribute("data-errors", "2")
    row_status = page.locator("tbody tr", has=desk).locator(".raci-status")
    expect(row_status).to_contain_text("has 2 Accountable (A); it needs exactly one")
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    expect(desk).to_have_value("A")

    # Fix it from the keyboard: Enter saves and moves down, like a spreadsheet.
    desk = cell(page, "Log and classify the incident", "Service Desk Lead")
    desk.fill("R")
    desk.press("Enter")
    expect(findings.locator("[data-errors]")).to_have_attribute("data-errors", "0")
    expect(cell(page, "Prioritise (impact x urgency)", "Service Desk Lead")).to_be_focused()
    expect(row_status.locator("[data-level=error]")).to_have_count(0)

    page.get_by_role("button", name="Approve").click()
    expect(page.locator("h1")).to_contain_text("v1 · Approved")
    expect(page.locator("input.raci-cell")).to_have_count(0)  # frozen: no editable cells

    page.get_by_role("button", name="Edit as new version").click()
    expect(page.locator("h1")).to_contain_text("v2 · Draft")
    owner = cell(page, "Investigate and resolve", "Business Owner")
    owner.fill("i")
    owner.press("Tab")
    expect(page.locator("#grid-message")).to_contain_text("Saved Investigate and resolve")

    page.get_by_role("link", name="Compare versions").click()
    expect(page.locator("h1")).to_contain_text("v1 → v2")
    expect(page.locator("#count-added")).to_have_text("1")
    expect(page.locator("#count-changed")).to_have_text("0")
    added = page.locator('#diff-grid td[data-state="added"]')
    expect(added).to_have_count(1)
    expect(added).to_have_text(re.compile(r"^I"))
