"""The demo shows what the lifecycle issue asked for: a change approved by the business
owner herself, an ownership gap, and who used the budget of breached clocks."""

import pytest
from django.contrib.auth import get_user_model

from slas import reports
from slas.models import Incident, IncidentSla, OwnershipGap

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_owner_approved_change_a_gap_and_a_breach_attribution(demo):
    change = Incident.objects.get(title="Add Apple Pay to the checkout")
    assert change.change_approved_by.name == "Sophie" and not change.change_approval_on_behalf
    assert change.change_approval_recorded_by.username == "sophie"
    waiting = Incident.objects.get(title="Extend the returns window to 60 days")
    assert waiting.change_approved_at is None
    queue = Incident.objects.get(title="Vouchers rejected at the kiosk")
    gap = OwnershipGap.objects.get(incident=queue)
    assert gap.is_open and gap.handed_over_by.slug == "mercuri"
    assert OwnershipGap.objects.filter(end__isnull=False).exists()  # closed gaps as well
    breached = IncidentSla.objects.filter(state="breached", provider__isnull=True)
    assert breached.exists() and all(row.party_seconds for row in breached)
    john = get_user_model().objects.get(username="john")
    report = reports.build_report(john, {})
    assert report.budget_use and any(r.party == "Nobody (no owner)" for r in report.budget_use)
    assert report.gaps_by_month and report.gaps_by_party
