"""Open the governance dashboard, follow a tile to the list behind it, and download the
month's steering report."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_governance_journey(page, login, tmp_path):
    from governance.models import Action, SteeringReport
    from tests.conftest import build_world
    from tests.factories import PersonFactory

    world = build_world()
    owner = PersonFactory(organisation=world.provider1, name="Pia Provider")
    Action.objects.create(
        ecosystem=world.a,
        title="Root-cause the P2 breaches",
        owner=owner,
        due_date=date(2026, 1, 5),
    )
    Action.objects.create(
        ecosystem=world.a, title="Agree reopen criteria", owner=owner, due_date=date(2099, 1, 5)
    )
    login("integrator_admin")

    page.goto("/governance/")
    expect(page.locator("h1")).to_contain_text("Alpha — governance dashboard")
    tile = page.locator("#tile-actions")
    expect(tile.locator("#overdue-count")).to_have_text("1")
    expect(tile).to_contain_text("Root-cause the P2 breaches")
    expect(page.locator("#tile-attainment svg")).to_be_visible()

    tile.get_by_role("link", name="Overdue actions").click()
    expect(page).to_have_url(re.compile(r"/governance/actions/\?ecosystem=\d+&overdue=true"))
    rows = page.locator("#object-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Root-cause the P2 breaches")
    expect(rows.first).to_have_attribute("data-overdue", "true")

    page.go_back()
    page.get_by_role("link", name="Steering report").click()
    page.get_by_label("Month").fill("2026-10")
    with page.expect_download() as info:
        page.get_by_role("button", name="Generate and download").click()
    download = info.value
    assert download.suggested_filename == "alpha-steering-report-2026-10.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    report = SteeringReport.objects.get()
    assert (
        report.period_start == date(2026, 10, 1)
        and report.generated_by.username == "integrator_admin"
    )

    page.goto("/governance/reports/")
    expect(page.locator("#object-table")).to_contain_text("October 2026")
