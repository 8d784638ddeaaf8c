"""Connect a tool: create its feed and copy the secret shown once, receive its signed
webhooks, find the event the data dictionary could not read, map the value, replay
it, and import a CSV export through the upload form."""

import json
import re

import pytest
import requests
from playwright.sync_api import expect

from integrations import signatures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JIRA_CSV = (
    "Issue key,Summary,Issue Type,Status,Priority,Created,Updated,Resolved,Assignee,Status history\n"
    "CUS-7,Payment page slow,Bug,Done,High,25/Nov/26 9:00 AM,25/Nov/26 3:00 PM,25/Nov/26 2:00 PM,Ann,"
    "2026-11-25 09:30 To Do -> In Progress; 2026-11-25 14:00 In Progress -> Done\n"
    "CUS-8,Broken row,Bug,Done,High,,,,,\n"
)


def test_ingestion_journey(page, login, live_server, tmp_path):
    from slas.models import Incident
    from tests.conftest import build_world

    world = build_world()
    login("integrator_admin")

    page.goto(f"/integrations/feeds/add/?ecosystem={world.a.pk}")
    page.get_by_label("System", exact=True).select_option(label="Customer Jira")
    page.get_by_label("Service").select_option(label="Web shop")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Secret of Feed from Customer Jira")
    secret = page.locator("#secret").input_value()
    endpoint = page.locator("#endpoint").input_value()
    assert len(secret) > 30
    path = re.search(r"/integrations/hooks/[0-9a-f-]+/", endpoint).group(0)

    issue = {"key": "CUS-1", "fields": {"summary": "Checkout fails", "created": "2026-11-25T09:00:00+00:00",
                                        "status": {"name": "To Do"}, "priority": {"name": "High"}}}  # fmt: skip
    bodies = [
        {"timestamp": 1795597200000, "webhookEvent": "jira:issue_created", "issue": issue},
        {"timestamp": 1795598100000, "webhookEvent": "jira:issue_updated", "issue": issue,
         "changelog": {"id": "501", "items": [{"field": "status", "toString": "Waiting for Global"}]}},
    ]  # fmt: skip
    for data in bodies:
        body = json.dumps(data).encode()
        answer = requests.post(
            live_server.url + path,
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature": signatures.sign(secret, body),
            },
            timeout=30,
        )
        assert answer.status_code == 202, answer.text
    forged = requests.post(
        live_server.url + path, data=b"{}", headers={"X-Hub-Signature": "sha256=00"}, timeout=30
    )
    assert forged.status_code == 401

    page.get_by_role("link", name="I have copied it").click()
    expect(page.locator("body")).not_to_contain_text(secret)
    expect(page.get_by_role("link", name="Failed: 1")).to_be_visible()
    expect(page.get_by_role("link", name="Rejected (signature): 1")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"CUS-1 changelog-501")).click()
    expect(page.locator(".alert-danger")).to_contain_text(
        "No mapping for status 'Waiting for Global'"
    )

    page.get_by_role("link", name="Customer Jira → SIAM hub").first.click()
    page.get_by_role("link", name="Edit mappings").click()
    index = page.locator('input[name="values-INITIAL_FORMS"]').input_value()
    page.locator(f'select[name="values-{index}-field"]').select_option(label="status → status")
    page.locator(f'input[name="values-{index}-source_value"]').fill("Waiting for Global")
    page.locator(f'input[name="values-{index}-target_value"]').fill("awaiting_vendor")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Waiting for Global")

    page.goto("/integrations/feeds/")
    page.get_by_role("link", name="Customer Jira").first.click()
    page.get_by_role("button", name="Replay the 1 failed event").click()
    expect(page.get_by_role("link", name="Failed: 0")).to_be_visible()
    expect(page.get_by_role("link", name="Applied: 2")).to_be_visible()
    assert Incident.objects.get(tool_keys__key="CUS-1").status == "awaiting_vendor"

    export = tmp_path / "jira-export.csv"
    export.write_text(JIRA_CSV)
    page.get_by_role("link", name="Import a CSV export").click()
    page.get_by_label("File").set_input_files(str(export))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("h1")).to_contain_text("jira-export.csv")
    expect(page.locator("h1")).to_contain_text("Done")
    expect(page.locator("table")).to_contain_text("The row has no Created date.")
    assert Incident.objects.get(tool_keys__key="CUS-7").status == "resolved"
