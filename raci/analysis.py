"""The workload analysis of a loaded matrix: who carries how many R and A, and the
activities nobody owns (pure over ``LoadedMatrix``)."""

from __future__ import annotations

from dataclasses import dataclass

from siam.choices import LayerChoices

from . import rules
from .models import RaciActivity, RaciColumn
from .services import LoadedMatrix, column_layer


@dataclass
class Analysis:
    letters: tuple[str, ...]
    per_column: list[tuple[RaciColumn, dict[str, int], int]]  # column, letter counts, total
    per_person: list[tuple[object, dict[str, int], int]]  # person, letter counts, total
    unowned: list[RaciActivity]  # no owner letter (A, or D's approver in DACI)
    owners_by_organisation: list[tuple[str, str, int]]  # organisation, layer, A count
    owners_by_layer: dict[str, int]
    max_load: int


def analyse(loaded: LoadedMatrix) -> Analysis:
    """Load per role and per person, unowned activities, and who holds the A's.

    A person's load is the sum over the columns they are in: the roles they hold and
    their own column. ``loaded`` must come from ``load(matrix, holders=True)``.
    """
    variant = loaded.variant
    letters = tuple(variant.letters)
    load_by_column = rules.workload(loaded.rule_data())
    eco = loaded.matrix.ecosystem
    per_column = []
    people: dict[int, tuple[object, dict]] = {}
    owners_by_org: dict[tuple[str, str], int] = {}
    owners_by_layer = {layer: 0 for layer in LayerChoices.values}
    for column in loaded.columns:
        counts = {letter: load_by_column[column.pk][letter] for letter in letters}
        per_column.append((column, counts, sum(counts.values())))
        members = list(column.role.holders.all()) if column.role_id else [column.person]
        for person in members:
            _, total = people.setdefault(person.pk, (person, dict.fromkeys(letters, 0)))
            for letter, count in counts.items():
                total[letter] += count
        owned = counts.get(variant.owner_letter, 0)
        if owned:
            org = column.role.organisation if column.role_id else column.person.organisation
            layer = column_layer(column, eco)
            owners_by_org[(org.name, layer)] = owners_by_org.get((org.name, layer), 0) + owned
            owners_by_layer[layer] += owned
    owned_activities = {
        a for (a, _), cell in loaded.cells.items() if variant.owner_letter in cell.letters
    }
    per_person = sorted(
        ((p, c, sum(c.values())) for p, c in people.values()),
        key=lambda row: (-row[2], row[0].name),
    )
    return Analysis(
        letters=letters,
        per_column=per_column,
        per_person=per_person,
        unowned=[a for a in loaded.activities if a.pk not in owned_activities],
        owners_by_organisation=sorted(
            ((org, layer, n) for (org, layer), n in owners_by_org.items()), key=lambda r: -r[2]
        ),
        owners_by_layer=owners_by_layer,
        max_load=max(
            [n for _, counts, _ in per_column for n in counts.values()]
            + [n for _, counts, _ in per_person for n in counts.values()]
            + [0]
        ),
    )
