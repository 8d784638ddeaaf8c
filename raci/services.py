"""RACI operations: building from templates, editing cells, approval, versions,
comparison, acknowledgements, escalation routing and templates (import and export in
``raci.exchange``, the workload analysis in ``raci.analysis``). Loads a matrix in a
constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core.commands import Write, save_command
from siam.choices import LayerChoices

from . import rules
from .choices import MatrixStatusChoices
from .models import RaciActivity, RaciAssignment, RaciColumn, RaciMatrix, Role
from .versioning import DraftExists, check_draft, lock_versions, mark_approved

__all__ = ["DraftExists"]  # where the views and tests have always found it


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
            [rules.Column(c.pk, c.label, column_layer(c, eco)) for c in self.columns],
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


def column_layer(column: RaciColumn, ecosystem) -> str:
    if column.role_id and column.role.acts_as:
        return column.role.acts_as
    return ecosystem.layer_of(column.organisation_id)


def load(matrix: RaciMatrix, holders: bool = False) -> LoadedMatrix:
    """The matrix with its activities, columns and cells in three queries (four with
    the people holding each role)."""
    activities = list(matrix.activities.all())
    columns = matrix.columns.select_related("role__organisation", "person__organisation")
    if holders:
        columns = columns.prefetch_related("role__holders")
    columns = list(columns)
    cells = {
        (a.activity_id, a.column_id): a
        for a in RaciAssignment.objects.filter(activity__matrix=matrix)
    }
    return LoadedMatrix(matrix, activities, columns, cells)


@transaction.atomic
def set_cell(matrix: RaciMatrix, activity: RaciActivity, column: RaciColumn, value: str) -> str:
    check_draft(matrix)
    if activity.matrix_id != matrix.pk or column.matrix_id != matrix.pk:
        raise ValidationError("That cell is not part of this matrix.")
    try:
        letters = rules.VARIANTS[matrix.variant].normalise(value)
    except ValueError as exc:
        raise ValidationError({"letters": str(exc)}) from exc
    if letters:
        cell, created = RaciAssignment.objects.get_or_create(
            activity=activity, column=column, defaults={"letters": letters}
        )
        if not created and cell.letters != letters:
            # New letters are a new commitment: the holder acknowledges again.
            cell.letters, cell.acknowledged_by, cell.acknowledged_at = letters, None, None
            cell.save()
    else:
        RaciAssignment.objects.filter(activity=activity, column=column).delete()
    return letters


@transaction.atomic
def approve(matrix: RaciMatrix, user) -> RaciMatrix:
    check_draft(matrix)
    found = rules.errors(load(matrix).findings())
    if found:
        raise ValidationError([f.message for f in found])
    return mark_approved(matrix, user)


@transaction.atomic
def new_version(matrix: RaciMatrix, user=None) -> RaciMatrix:
    """A draft copy of ``matrix`` (usually the approved one) with the next number;
    ``DraftExists`` while one is a draft."""
    versions = lock_versions(RaciMatrix, **matrix.lineage_lookup())
    loaded = load(matrix)
    latest = versions[0]
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
        RaciAssignment(
            activity=activity_map[a],
            column=column_map[c],
            letters=cell.letters,
            # Unchanged letters stay acknowledged; set_cell clears it when they change.
            acknowledged_by_id=cell.acknowledged_by_id,
            acknowledged_at=cell.acknowledged_at,
        )
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
    matrix = RaciMatrix.objects.create(ecosystem=ecosystem, name=name, variant=variant)
    columns = {}
    for position, spec in enumerate(template["columns"]):
        role, _ = Role.objects.get_or_create(
            ecosystem=ecosystem,
            organisation=orgs[spec["layer"]],
            name=spec["name"],
            defaults={"acts_as": spec["layer"]},
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


@save_command(RaciMatrix)
def save_matrix(write: Write) -> RaciMatrix:
    """A matrix started from a template gets the template's activities, roles and
    letters, in the template's variant (its letters are written in it)."""
    template = write.values.get("template")
    if not write.creating or template is None:
        return write.save()
    values = write.values
    matrix = create_from_template(
        values["ecosystem"], values["name"], template.content, template.variant, user=write.user
    )
    matrix.description = values.get("description", "")
    matrix.owner_share_limit = values.get("owner_share_limit", matrix.owner_share_limit)
    matrix.full_clean()
    matrix.save()
    return matrix


@save_command(RaciAssignment)
def save_assignment(write: Write) -> RaciAssignment:
    """New letters need a new acknowledgement from the people who hold them."""
    if "letters" in write.changed:
        return write.save(acknowledged_by=None, acknowledged_at=None)
    return write.save()


def as_template(matrix: RaciMatrix) -> dict:
    """The matrix as template data ("save as template")."""
    loaded = load(matrix)
    eco = matrix.ecosystem
    labels = {c.pk: (c.role.name if c.role_id else c.person.name) for c in loaded.columns}
    return {
        "columns": [{"name": labels[c.pk], "layer": column_layer(c, eco)} for c in loaded.columns],
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


# --- Acknowledgements -----------------------------------------------------------------------------


def holder_columns(loaded: LoadedMatrix, person) -> set[int]:
    """Columns ``person`` answers for: roles they hold and their own column."""
    if person is None:
        return set()
    return {
        c.pk
        for c in loaded.columns
        if c.person_id == person.pk or (c.role_id and person in c.role.holders.all())
    }


@transaction.atomic
def acknowledge(matrix: RaciMatrix, person, assignment_ids=None) -> int:
    """``person`` acknowledges their assignments (all, or those listed) in an approved
    matrix; returns how many were acknowledged."""
    if matrix.status != MatrixStatusChoices.APPROVED:
        raise ValidationError("Only the approved version of a matrix is acknowledged.")
    loaded = load(matrix, holders=True)
    columns = holder_columns(loaded, person)
    if not columns:
        raise ValidationError("You hold no role in this matrix.")
    cells = RaciAssignment.objects.filter(
        activity__matrix=matrix, column_id__in=columns, acknowledged_at__isnull=True
    )
    if assignment_ids is not None:
        cells = cells.filter(pk__in=assignment_ids)
    return cells.update(acknowledged_by=person, acknowledged_at=timezone.now())


def unacknowledged(matrix: RaciMatrix):
    return (
        RaciAssignment.objects.filter(activity__matrix=matrix, acknowledged_at__isnull=True)
        .select_related("activity", "column__role__organisation", "column__person__organisation")
        .prefetch_related("column__role__holders")
        .order_by("column__position", "activity__position")
    )


# --- Escalation routing ---------------------------------------------------------------------------


def accountable_users(ecosystem_ids, process: str) -> dict[int, set[int]]:
    """Per ecosystem, the users holding R or A (or DACI's D / A) for ``process``'s
    activities in that ecosystem's approved matrices: who is told of an SLA warning or
    breach. Two queries whatever the number of ecosystems."""
    from siam.models import Person

    worker_and_owner = set()
    for variant in rules.VARIANTS.values():
        worker_and_owner |= {variant.owner_letter, variant.worker_letter}
    cells = RaciAssignment.objects.filter(
        activity__process=process,
        activity__matrix__status=MatrixStatusChoices.APPROVED,
        activity__matrix__ecosystem_id__in=ecosystem_ids,
    ).values_list(
        "activity__matrix__ecosystem_id", "letters", "column__person_id", "column__role_id"
    )
    person_ids_by_eco: dict[int, set[int]] = {}
    role_ids_by_eco: dict[int, set[int]] = {}
    for eco, letters, person_id, role_id in cells:
        if not set(letters) & worker_and_owner:
            continue
        if person_id:
            person_ids_by_eco.setdefault(eco, set()).add(person_id)
        else:
            role_ids_by_eco.setdefault(eco, set()).add(role_id)
    all_roles = set().union(*role_ids_by_eco.values()) if role_ids_by_eco else set()
    all_people = set().union(*person_ids_by_eco.values()) if person_ids_by_eco else set()
    users_by_person: dict[int, int] = {}
    users_by_role: dict[int, set[int]] = {}
    if all_roles or all_people:
        rows = (
            Person.objects.filter(user__isnull=False, user__is_active=True)
            .filter(models.Q(pk__in=all_people) | models.Q(raci_roles__in=all_roles))
            .values_list("pk", "user_id", "raci_roles")
        )
        for person_id, user_id, role_id in rows:
            users_by_person[person_id] = user_id
            if role_id is not None:
                users_by_role.setdefault(role_id, set()).add(user_id)
    result: dict[int, set[int]] = {}
    for eco in set(person_ids_by_eco) | set(role_ids_by_eco):
        users = {users_by_person[p] for p in person_ids_by_eco.get(eco, ()) if p in users_by_person}
        for role in role_ids_by_eco.get(eco, ()):
            users |= users_by_role.get(role, set())
        result[eco] = users
    return result


# --- Templates ---------------------------------------------------------------------------------


def sync_built_in_templates(**kwargs) -> None:
    """Keep the built-in templates in the database (after every migrate), so they are
    listed, previewed and chosen like saved ones. Built-ins have no owner: everybody
    sees them and only administrators change them."""
    from .models import RaciTemplate
    from .templates import BUILT_IN

    # Written only when missing or changed: templates keep history, and every migrate
    # (a deploy, a restore) would otherwise add a change per template that changed nothing.
    existing = {t.name: t for t in RaciTemplate.objects.filter(owner=None, name__in=BUILT_IN)}
    for name, spec in BUILT_IN.items():
        wanted = {
            "variant": spec["variant"],
            "description": spec.get("description", ""),
            "content": spec["content"],
        }
        template = existing.get(name)
        if template is None:
            RaciTemplate.objects.create(name=name, owner=None, **wanted)
        elif any(getattr(template, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(template, field, value)
            template.save()


def save_as_template(matrix: RaciMatrix, name: str, owner, description: str = ""):
    from .models import RaciTemplate

    return RaciTemplate.objects.create(
        name=name,
        description=description,
        variant=matrix.variant,
        content=as_template(matrix),
        owner=owner,
    )


def place_activity(activity: RaciActivity) -> RaciActivity:
    """Save a new activity at the end of its phase (or of the matrix), so phases stay
    together in the grid."""
    check_draft(activity.matrix)
    siblings = RaciActivity.objects.filter(matrix=activity.matrix)
    last_in_phase = (
        siblings.filter(phase=activity.phase)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
        if activity.phase
        else None
    )
    if last_in_phase is None:
        activity.position = (
            siblings.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
    else:
        siblings.filter(position__gt=last_in_phase).update(position=models.F("position") + 1)
        activity.position = last_in_phase + 1
    activity.save()
    return activity
