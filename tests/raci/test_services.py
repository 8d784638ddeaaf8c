"""RACI matrices in the database: templates, cells, approval, versions, diff, import."""

import pytest
import tablib
from django.core.exceptions import ValidationError

from raci import exchange, rules, services
from raci.choices import MatrixStatusChoices
from raci.models import RaciAssignment, RaciMatrix
from raci.templates import BUILT_IN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_every_built_in_template_is_valid(world, name):
    spec = BUILT_IN[name]
    matrix = services.create_from_template(world.a, name, spec["content"], spec["variant"])
    loaded = services.load(matrix)
    assert loaded.activities and loaded.columns
    assert rules.errors(loaded.findings()) == []


def cell(matrix, activity_name, role_name):
    loaded = services.load(matrix)
    activity = next(a for a in loaded.activities if a.name == activity_name)
    column = next(c for c in loaded.columns if c.role.name == role_name)
    return activity, column


def test_breaking_the_one_a_rule_blocks_approval(incident_matrix, world):
    activity, column = cell(incident_matrix, "Log and classify the incident", "Service Desk Lead")
    services.set_cell(incident_matrix, activity, column, "A")
    with pytest.raises(ValidationError, match="2 Accountable"):
        services.approve(incident_matrix, world.integrator_admin)
    services.set_cell(incident_matrix, activity, column, "r")
    services.approve(incident_matrix, world.integrator_admin)
    assert (
        incident_matrix.status == MatrixStatusChoices.APPROVED
        and incident_matrix.approved_by == world.integrator_admin
    )


def test_an_approved_matrix_is_frozen_and_a_new_version_is_compared(incident_matrix, world):
    services.approve(incident_matrix, world.integrator_admin)
    activity, column = cell(incident_matrix, "Investigate and resolve", "Provider Resolver Team")
    with pytest.raises(ValidationError, match="frozen"):
        services.set_cell(incident_matrix, activity, column, "C")
    draft = services.new_version(incident_matrix)
    assert (draft.version, draft.status, draft.lineage) == (
        2,
        MatrixStatusChoices.DRAFT,
        incident_matrix.lineage,
    )
    activity, column = cell(draft, "Investigate and resolve", "Provider Resolver Team")
    services.set_cell(draft, activity, column, "AR")
    other, other_column = cell(draft, "Investigate and resolve", "Service Integration Manager")
    services.set_cell(draft, other, other_column, "")
    changes = services.compare(incident_matrix, draft)
    label = column.label
    assert changes["changed"] == [(("Investigate and resolve", label), "R", "AR")]
    assert changes["removed"] == [(("Investigate and resolve", other_column.label), "A")]
    services.approve(draft, world.integrator_admin)
    incident_matrix.refresh_from_db()
    assert incident_matrix.status == MatrixStatusChoices.SUPERSEDED


def test_cell_values_must_belong_to_the_variant(incident_matrix):
    activity, column = cell(incident_matrix, "Log and classify the incident", "Business Owner")
    with pytest.raises(ValidationError, match="not a RACI value"):
        services.set_cell(incident_matrix, activity, column, "S")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_matrix(incident_matrix, world, fmt):
    before = services.load(incident_matrix).keyed_cells()
    exported = exchange.export_dataset(incident_matrix).export(fmt)
    services.approve(incident_matrix, world.integrator_admin)
    draft = services.new_version(incident_matrix)
    RaciAssignment.objects.filter(activity__matrix=draft).delete()
    result = exchange.import_dataset(draft, tablib.Dataset().load(exported, format=fmt))
    assert result.errors == []
    assert services.load(draft).keyed_cells() == before
    assert services.compare(incident_matrix, draft) == {"added": [], "removed": [], "changed": []}

    def attributes(matrix):
        return [(a.phase, a.name, a.process, a.must_be_owned_by) for a in matrix.activities.all()]

    assert attributes(draft) == attributes(incident_matrix)
    assert any(owned for *_, owned in attributes(draft))


def test_a_bad_import_reports_rows_and_changes_nothing(incident_matrix):
    before = services.load(incident_matrix).keyed_cells()
    data = exchange.export_dataset(incident_matrix)
    rows = [list(r) for r in data]
    rows[0][4] = "X"  # not a RACI letter
    rows[1][1] = ""  # no activity name
    rows[2][2] = "astrology"
    rows[3][3] = "customer board"
    bad = tablib.Dataset(*rows, headers=data.headers)
    result = exchange.import_dataset(incident_matrix, bad)
    assert any(e.startswith("Row 2,") and "not a RACI value" in e for e in result.errors)
    assert any(e.startswith("Row 3:") and "no name" in e for e in result.errors)
    assert any("unknown process" in e for e in result.errors)
    assert any(e.startswith("Row 5:") and "unknown layer board" in e for e in result.errors)
    assert services.load(incident_matrix).keyed_cells() == before
    unknown = tablib.Dataset(*rows[:1], headers=[*data.headers[:-1], "Nobody"])
    assert "Unknown columns" in exchange.import_dataset(incident_matrix, unknown).errors[0]


def test_save_as_template_round_trip(incident_matrix, world):
    template = services.as_template(incident_matrix)
    copy = services.create_from_template(world.a, "Copy", template)
    assert services.load(copy).keyed_cells() == services.load(incident_matrix).keyed_cells()


def test_loading_a_large_matrix_takes_constant_queries(world, django_assert_max_num_queries):
    columns = [
        {"name": f"Role {n}", "layer": "provider" if n % 3 else "integrator"} for n in range(15)
    ]
    activities = [
        {
            "name": f"Activity {a}",
            "cells": {
                f"Role {c}": ("A" if c == a % 15 else "R" if c == (a + 1) % 15 else "C")
                for c in range(4)
            },
        }
        for a in range(60)
    ]
    matrix = services.create_from_template(
        world.a, "Big", {"columns": columns, "activities": activities}
    )
    assert RaciMatrix.objects.count() == 1
    with django_assert_max_num_queries(4):
        loaded = services.load(matrix)
        findings = loaded.findings()
    assert len(loaded.activities) == 60 and len(loaded.columns) == 15
    assert isinstance(findings, list)


def test_one_draft_per_matrix_in_the_service_and_in_the_database(incident_matrix, world):
    """Two drafts would fork the matrix: the service says which draft to edit, and the
    database refuses a second draft whatever code path writes it."""
    from django.db import IntegrityError, transaction

    with pytest.raises(services.DraftExists) as refused:
        services.new_version(incident_matrix)
    assert refused.value.draft == incident_matrix
    services.approve(incident_matrix, world.integrator_admin)
    draft = services.new_version(incident_matrix)
    with pytest.raises(services.DraftExists) as again:
        services.new_version(incident_matrix)
    assert again.value.draft == draft
    with pytest.raises(IntegrityError), transaction.atomic():
        RaciMatrix.objects.create(
            ecosystem=world.a, name="Fork", lineage=draft.lineage, version=draft.version + 1
        )
    # A matrix made without a lineage gets one of its own.
    assert RaciMatrix.objects.create(ecosystem=world.a, name="New").lineage != draft.lineage
