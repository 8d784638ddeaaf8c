"""generate_data: deterministic, five years deep, with the stories real exports hold."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min

from raci.models import RaciMatrix
from requirements_app.models import Requirement
from siam.models import Ecosystem
from slas.models import Incident, IncidentEvent, IncidentSla, OwnershipGap

pytestmark = pytest.mark.django_db


def fingerprint():
    return [
        (
            i.reference,
            i.ecosystem.slug,
            i.opened_at,
            i.status,
            i.holder.slug if i.holder else None,
            i.priority,
        )
        for i in Incident.objects.select_related("ecosystem", "holder").order_by(
            "ecosystem__slug", "reference"
        )
    ]


def test_generated_data_is_deterministic_old_and_full_of_real_stories():
    with transaction.atomic():
        call_command("generate_data", incidents=200, seed=3, stdout=io.StringIO())
        first = fingerprint()
        transaction.set_rollback(True)  # the second run starts from the same empty database
    call_command("generate_data", incidents=200, seed=3, stdout=io.StringIO())
    assert fingerprint() == first
    assert (
        len(first) == 200 and Ecosystem.objects.filter(slug__startswith="generated-3-").count() >= 2
    )
    span = Incident.objects.aggregate(first=Min("opened_at"), last=Max("opened_at"))
    assert (span["last"] - span["first"]).days > 4 * 365  # tickets opened years ago
    assert IncidentEvent.objects.filter(kind="reopened").exists()
    assert IncidentEvent.objects.filter(holder__isnull=True).exists()
    assert OwnershipGap.objects.exists()
    assert IncidentSla.objects.filter(state="breached").exists()
    assert not IncidentSla.objects.filter(
        breach_at__lte=max(r[2] for r in first), breach_recorded_at__isnull=True
    ).exists()
    assert IncidentSla.objects.filter(provider__isnull=False).exists()  # OLAs too
    assert RaciMatrix.objects.filter(ecosystem__slug__startswith="generated-3-").exists()
    assert Requirement.objects.filter(ecosystem__slug__startswith="generated-3-").count() >= 24
