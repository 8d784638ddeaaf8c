"""A RACI matrix as a spreadsheet: exported with one row per activity and one column
per role, imported back into a draft with row-level errors and nothing changed on
failure."""

from __future__ import annotations

from dataclasses import dataclass

import tablib
from django.db import transaction

from siam.choices import LayerChoices

from . import rules
from .choices import ProcessChoices
from .models import RaciActivity, RaciAssignment, RaciMatrix
from .services import load
from .versioning import check_draft

FIXED_HEADERS = ("phase", "activity", "process", "owned_by")


def export_dataset(matrix: RaciMatrix) -> tablib.Dataset:
    loaded = load(matrix)
    data = tablib.Dataset(
        headers=[*FIXED_HEADERS, *[c.label for c in loaded.columns]], title=str(matrix)[:31]
    )
    for a in loaded.activities:
        row = [a.phase, a.name, a.process, " ".join(a.must_be_owned_by or ())]
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


def _activity_problems(number: int, name: str, process: str, owned_by: list, seen: set) -> list:
    """What is wrong with one imported activity row, apart from its letters."""
    if not name:
        return [f"Row {number}: the activity has no name."]
    problems = []
    if name in seen:
        problems.append(f"Row {number}: “{name}” appears twice.")
    if process and process not in ProcessChoices.values:
        problems.append(
            f"Row {number}: unknown process {process!r} (use {', '.join(ProcessChoices.values)})."
        )
    bad_layers = set(owned_by) - set(LayerChoices.values)
    if bad_layers:
        problems.append(
            f"Row {number}: unknown layer {', '.join(sorted(bad_layers))} in owned_by "
            f"(use {', '.join(LayerChoices.values)})."
        )
    return problems


def import_dataset(matrix: RaciMatrix, data: tablib.Dataset) -> ImportResult:
    """Replace a draft's activities and cells with ``data``; columns must exist by label.

    All or nothing: any row-level error leaves the matrix as it was.
    """
    check_draft(matrix)
    loaded = load(matrix)
    columns = {c.label: c for c in loaded.columns}
    headers = [str(h or "").strip() for h in (data.headers or [])]
    fixed = len(FIXED_HEADERS)
    problems = []
    if [h.lower() for h in headers[:fixed]] != list(FIXED_HEADERS):
        found = ", ".join(headers[:fixed]) or "none"
        return ImportResult(
            0, 0, [f"The first columns must be {', '.join(FIXED_HEADERS)}; found {found}."]
        )
    unknown = [h for h in headers[fixed:] if h not in columns]
    if unknown:
        problems.append(f"Unknown columns (add the roles first): {', '.join(unknown)}.")
    variant = rules.VARIANTS[matrix.variant]
    parsed, seen = [], set()
    for number, row in enumerate(data, start=2):
        phase, name, process, owned, *letters = [str(v or "").strip() for v in row]
        owned_by = owned.replace(",", " ").split()
        problems += _activity_problems(number, name, process, owned_by, seen)
        if not name:
            continue
        seen.add(name)
        cells = {}
        for header, value in zip(headers[fixed:], letters, strict=False):
            try:
                normal = variant.normalise(value)
            except ValueError as exc:
                problems.append(f"Row {number}, {header}: {exc}")
                continue
            if normal and header in columns:
                cells[columns[header]] = normal
        parsed.append((phase, name, process, owned_by, cells))
    if problems:
        return ImportResult(0, 0, problems)
    with transaction.atomic():
        matrix.activities.all().delete()
        count = 0
        for position, (phase, name, process, owned_by, cells) in enumerate(parsed):
            activity = RaciActivity.objects.create(
                matrix=matrix, position=position, phase=phase, name=name, process=process,
                must_be_owned_by=owned_by,
            )  # fmt: skip
            RaciAssignment.objects.bulk_create(
                RaciAssignment(activity=activity, column=c, letters=v) for c, v in cells.items()
            )
            count += len(cells)
    return ImportResult(len(parsed), count, [])
