"""The identity access matrix: which role may do what with which data object.

One versioned matrix per ecosystem (roles x data objects -> none / read / write /
full). Like RACI matrices, an approved version is frozen and editing starts a new
draft; any two versions compare cell by cell. A provider role with write or full
access to a data object the ecosystem marks confidential is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction

from core.commands import Write, save_command
from siam.choices import LayerChoices

from . import rules
from .choices import AccessLevelChoices
from .models import AccessGrant, AccessMatrix, DataObject, Role
from .versioning import check_draft, lock_versions, mark_approved

RISKY_LEVELS = {AccessLevelChoices.WRITE, AccessLevelChoices.FULL}


@dataclass
class AccessGrid:
    matrix: AccessMatrix
    roles: list[Role]
    data_objects: list[DataObject]
    levels: dict[tuple[int, int], str]  # (role, data object) -> level; missing = none

    def level(self, role: Role, data_object: DataObject) -> str:
        return self.levels.get((role.pk, data_object.pk), AccessLevelChoices.NONE)

    def flags(self) -> list[tuple[Role, DataObject, str]]:
        return [
            (role, obj, self.level(role, obj))
            for role in self.roles
            for obj in self.data_objects
            if obj.confidential
            and role.layer == LayerChoices.PROVIDER
            and self.level(role, obj) in RISKY_LEVELS
        ]

    def rows(self):
        """Per role, its cells in data-object order, with the confidential flag."""
        for role in self.roles:
            cells = []
            for obj in self.data_objects:
                level = self.level(role, obj)
                flagged = (
                    obj.confidential
                    and level in RISKY_LEVELS
                    and role.layer == LayerChoices.PROVIDER
                )
                cells.append((obj, level, flagged))
            yield role, cells

    def keyed(self) -> dict[tuple[str, str], str]:
        roles = {r.pk: str(r) for r in self.roles}
        objects = {o.pk: o.name for o in self.data_objects}
        return {
            (roles[r], objects[o]): level
            for (r, o), level in self.levels.items()
            if r in roles and o in objects and level != AccessLevelChoices.NONE
        }


def load(matrix: AccessMatrix) -> AccessGrid:
    eco = matrix.ecosystem
    roles = list(Role.objects.filter(ecosystem=eco).select_related("organisation", "ecosystem"))
    objects = list(DataObject.objects.filter(ecosystem=eco))
    levels = {
        (g.role_id, g.data_object_id): g.level
        for g in AccessGrant.objects.filter(matrix=matrix).only(
            "role_id", "data_object_id", "level"
        )
    }
    return AccessGrid(matrix, roles, objects, levels)


@transaction.atomic
def start_version(ecosystem, user=None) -> AccessMatrix:
    """A new draft: version 1, or a copy of the latest version with the next number."""
    versions = lock_versions(AccessMatrix, ecosystem_id=ecosystem.pk)
    latest = versions[0] if versions else None
    draft = AccessMatrix(ecosystem=ecosystem, version=(latest.version + 1) if latest else 1)
    draft._history_user = user
    draft.save()
    if latest:
        AccessGrant.objects.bulk_create(
            AccessGrant(
                matrix=draft, role_id=g.role_id, data_object_id=g.data_object_id, level=g.level
            )
            for g in latest.grants.all()
        )
    return draft


@save_command(AccessMatrix)
def save_access_matrix(write: Write) -> AccessMatrix:
    """A new access matrix is the ecosystem's next version (a copy of the latest)."""
    if not write.creating:
        return write.save()
    draft = start_version(write.values["ecosystem"], write.user)
    draft.note = write.values.get("note", "")
    draft.save()
    return draft


@transaction.atomic
def set_level(matrix: AccessMatrix, role: Role, data_object: DataObject, level: str) -> str:
    check_draft(matrix)
    if role.ecosystem_id != matrix.ecosystem_id or data_object.ecosystem_id != matrix.ecosystem_id:
        raise ValidationError("That role or data object is not part of this ecosystem.")
    if level not in AccessLevelChoices.values:
        raise ValidationError({"level": f"Use one of {', '.join(AccessLevelChoices.values)}."})
    if level == AccessLevelChoices.NONE:
        AccessGrant.objects.filter(matrix=matrix, role=role, data_object=data_object).delete()
    else:
        AccessGrant.objects.update_or_create(
            matrix=matrix, role=role, data_object=data_object, defaults={"level": level}
        )
    return level


@transaction.atomic
def approve(matrix: AccessMatrix, user) -> AccessMatrix:
    return mark_approved(matrix, user)


def new_version(matrix: AccessMatrix, user=None) -> AccessMatrix:
    """The ecosystem's next version, whichever of its versions it is asked from."""
    return start_version(matrix.ecosystem, user)


def compare(old: AccessMatrix, new: AccessMatrix) -> dict:
    return rules.diff(load(old).keyed(), load(new).keyed())


def export_dataset(matrix: AccessMatrix) -> tablib.Dataset:
    grid = load(matrix)
    data = tablib.Dataset(
        headers=["role", "organisation", "layer", *[o.name for o in grid.data_objects]],
        title=f"Access v{matrix.version}",
    )
    for role, cells in grid.rows():
        data.append([role.name, role.organisation.name, role.layer, *[lvl for _, lvl, _ in cells]])
    return data
