"""RACI operations: building from templates, editing cells, approval, versions,
comparison, import and export. Loads a matrix in a constant number of queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from siam.choices import LayerChoices

from . import rules
from .choices import MatrixStatusChoices, ProcessChoices
from .models import RaciActivity, RaciAssignment, RaciColumn, RaciMatrix, Role

FIXED_HEADERS = ("phase", "activity", "process")


@dataclass
class LoadedMatrix:
    matrix: RaciMatrix
    activities: list[RaciActivity]
    columns: list[RaciColumn]
    cells: dict[tuple[int, int], RaciAssignment]

    @property
    def variant(self) -> rules.Variant:
        return rules.VARIANTS[self.matrix.variant]

    def rule_data(self) -> rules.MatrixData:
        eco = self.matrix.ecosystem
        return rules.MatrixData(
            self.variant,
            [
                rules.Activity(a.pk, a.name, frozenset(a.must_be_owned_by or ()))
                for a in self.activities
            ],
            [rules.Column(c.pk, c.label, _layer(c, eco)) for c in self.columns],
            {key: cell.letters for key, cell in self.cells.items()},
            owner_share_limit=self.matrix.owner_share_limit / 100,
        )

    def findings(self) -> list[rules.Finding]:
        return rules.check(self.rule_data())

    def keyed_cells(self) -> dict[tuple[str, str], str]:
        """Cells keyed by names, so two versions can be compared."""
        activities = {a.pk: a.name for a in self.activities}
        columns = {c.pk: c.label for c in self.columns}
        return {(activities[a], columns[c]): cell.letters for (a, c), cell in self.cells.items()}


def _layer(column: RaciColumn, ecosystem) -> str:
    org_id = column.role.organisation_id if column.role_id else column.person.organisation_id
    if org_id == ecosystem.integrator_id:
        return LayerChoices.INTEGRATOR
    if org_id == ecosystem.customer_id:
        return LayerChoices.CUSTOMER
    return LayerChoices.PROVIDER


def load(matrix: RaciMatrix) -> LoadedMatrix:
    activities = list(matrix.activities.all())
    columns = list(matrix.columns.select_related("role__organisation", "person__organisation"))
    cells = {
        (a.activity_id, a.column_id): a
        for a in RaciAssignment.objects.filter(activity__matrix=matrix)
    }
    return LoadedMatrix(matrix, activities, columns, cells)


def _check_draft(matrix: RaciMatrix):
    if matrix.is_frozen:
        raise ValidationError("An approved matrix is frozen: create a new version to change it.")


@transaction.atomic
def set_cell(matrix: RaciMatrix, activity: RaciActivity, column: RaciColumn, value: str) -> str:
    _check_draft(matrix)
    if activity.matrix_id != matrix.pk or column.matrix_id != matrix.pk:
        raise ValidationError("That cell is not part of this matrix.")
    try:
        letters = rules.VARIANTS[matrix.variant].normalise(value)
    except ValueError as exc:
        raise ValidationError({"letters": str(exc)}) from exc
    if letters:
        RaciAssignment.objects.update_or_create(
            activity=activity, column=column, defaults={"letters": letters}
        )
    else:
        RaciAssignment.objects.filter(activity=activity, column=column).delete()
    return letters


@transaction.atomic
def approve(matrix: RaciMatrix, user) -> RaciMatrix:
    _check_draft(matrix)
    found = rules.errors(load(matrix).findings())
    if found:
        raise ValidationError([f.message for f in found])
    RaciMatrix.objects.filter(lineage=matrix.lineage, status=MatrixStatusChoices.APPROVED).update(
        status=MatrixStatusChoices.SUPERSEDED
    )
    matrix.status = MatrixStatusChoices.APPROVED
    matrix.approved_by = user
    matrix.approved_at = timezone.now()
    matrix._history_user = user
    matrix.save()
    return matrix


@transaction.atomic
def new_version(matrix: RaciMatrix, user=None) -> RaciMatrix:
    """A draft copy of ``matrix`` (usually the approved one) with the next number."""
    loaded = load(matrix)
    latest = RaciMatrix.objects.filter(lineage=matrix.lineage).order_by("-version").first()
    draft = RaciMatrix.objects.create(
        ecosystem=matrix.ecosystem, name=matrix.name, variant=matrix.variant, description=matrix.description,
        lineage=matrix.lineage, version=latest.version + 1, owner_share_limit=matrix.owner_share_limit,
    )  # fmt: skip
    activity_map = {}
    for a in loaded.activities:
        activity_map[a.pk] = RaciActivity.objects.create(
            matrix=draft,
            position=a.position,
            phase=a.phase,
            name=a.name,
            process=a.process,
            must_be_owned_by=a.must_be_owned_by,
        )
    column_map = {
        c.pk: RaciColumn.objects.create(
            matrix=draft, position=c.position, role=c.role, person=c.person
        )
        for c in loaded.columns
    }
    RaciAssignment.objects.bulk_create(
        RaciAssignment(activity=activity_map[a], column=column_map[c], letters=cell.letters)
        for (a, c), cell in loaded.cells.items()
    )
    return draft


def compare(old: RaciMatrix, new: RaciMatrix) -> dict:
    return rules.diff(load(old).keyed_cells(), load(new).keyed_cells())


@transaction.atomic
def create_from_template(
    ecosystem, name: str, template: dict, variant: str = "raci", user=None
) -> RaciMatrix:
    """A draft matrix from template data; columns become roles of the ecosystem's parties
    (customer, integrator, the first provider), created when missing."""
    provider = ecosystem.service_providers.select_related("organisation").first()
    orgs = {
        LayerChoices.CUSTOMER: ecosystem.customer,
        LayerChoices.INTEGRATOR: ecosystem.integrator,
        LayerChoices.PROVIDER: provider.organisation if provider else ecosystem.integrator,
    }
    matrix = RaciMatrix.objects.create(
        ecosystem=ecosystem, name=name, variant=variant, lineage=uuid.uuid4()
    )
    columns = {}
    for position, spec in enumerate(template["columns"]):
        role, _ = Role.objects.get_or_create(
            ecosystem=ecosystem, organisation=orgs[spec["layer"]], name=spec["name"]
        )
        columns[spec["name"]] = RaciColumn.objects.create(
            matrix=matrix, position=position, role=role
        )
    variant_rules = rules.VARIANTS[variant]
    for position, spec in enumerate(template["activities"]):
        activity = RaciActivity.objects.create(
            matrix=matrix, position=position, phase=spec.get("phase", ""), name=spec["name"],
            process=spec.get("process", ""), must_be_owned_by=spec.get("must_be_owned_by", []),
        )  # fmt: skip
        RaciAssignment.objects.bulk_create(
            RaciAssignment(
                activity=activity, column=columns[col], letters=variant_rules.normalise(letters)
            )
            for col, letters in spec.get("cells", {}).items()
            if col in columns and letters
        )
    return matrix


def as_template(matrix: RaciMatrix) -> dict:
    """The matrix as template data ("save as template")."""
    loaded = load(matrix)
    eco = matrix.ecosystem
    labels = {c.pk: (c.role.name if c.role_id else c.person.name) for c in loaded.columns}
    return {
        "columns": [{"name": labels[c.pk], "layer": _layer(c, eco)} for c in loaded.columns],
        "activities": [
            {
                "phase": a.phase,
                "name": a.name,
                "process": a.process,
                "must_be_owned_by": a.must_be_owned_by,
                "cells": {
                    labels[c]: cell.letters
                    for (act, c), cell in loaded.cells.items()
                    if act == a.pk
                },
            }
            for a in loaded.activities
        ],
    }


# --- Export / import ---------------------------------------------------------------------------


def export_dataset(matrix: RaciMatrix) -> tablib.Dataset:
    loaded = load(matrix)
    data = tablib.Dataset(
        headers=[*FIXED_HEADERS, *[c.label for c in loaded.columns]], title=str(matrix)[:31]
    )
    for a in loaded.activities:
        row = [a.phase, a.name, a.process]
        row += [
            loaded.cells[(a.pk, c.pk)].letters if (a.pk, c.pk) in loaded.cells else ""
            for c in loaded.columns
        ]
        data.append(row)
    return data


@dataclass
class ImportResult:
    activities: int
    cells: int
    errors: list[str]


def import_dataset(matrix: RaciMatrix, data: tablib.Dataset) -> ImportResult:
    """Replace a draft's activities and cells with ``data``; columns must exist by label.

    All or nothing: any row-level error leaves the matrix as it was.
    """
    _check_draft(matrix)
    loaded = load(matrix)
    columns = {c.label: c for c in loaded.columns}
    headers = [h.strip() for h in (data.headers or [])]
    problems = []
    if [h.lower() for h in headers[:3]] != list(FIXED_HEADERS):
        return ImportResult(
            0,
            0,
            [
                f"The first columns must be {', '.join(FIXED_HEADERS)}; found {', '.join(headers[:3]) or 'none'}."
            ],
        )
    unknown = [h for h in headers[3:] if h not in columns]
    if unknown:
        problems.append(f"Unknown columns (add the roles first): {', '.join(unknown)}.")
    variant = rules.VARIANTS[matrix.variant]
    parsed, seen = [], set()
    for number, row in enumerate(data, start=2):
        phase, name, process, *letters = [str(v or "").strip() for v in row]
        if not name:
            problems.append(f"Row {number}: the activity has no name.")
            continue
        if name in seen:
            problems.append(f"Row {number}: “{name}” appears twice.")
        if process and process not in ProcessChoices.values:
            problems.append(
                f"Row {number}: unknown process {process!r} (use {', '.join(ProcessChoices.values)})."
            )
        seen.add(name)
        cells = {}
        for header, value in zip(headers[3:], letters, strict=False):
            try:
                normal = variant.normalise(value)
            except ValueError as exc:
                problems.append(f"Row {number}, {header}: {exc}")
                continue
            if normal and header in columns:
                cells[columns[header]] = normal
        parsed.append((phase, name, process, cells))
    if problems:
        return ImportResult(0, 0, problems)
    with transaction.atomic():
        matrix.activities.all().delete()
        count = 0
        for position, (phase, name, process, cells) in enumerate(parsed):
            activity = RaciActivity.objects.create(
                matrix=matrix, position=position, phase=phase, name=name, process=process
            )
            RaciAssignment.objects.bulk_create(
                RaciAssignment(activity=activity, column=c, letters=v) for c, v in cells.items()
            )
            count += len(cells)
    return ImportResult(len(parsed), count, [])
