"""RACI variants and their rules, as plain data and functions (no ORM).

The RACI rules (docs/raci.md): per activity exactly one A and at least one R (the A may
also be the R: a cell may hold "AR"). Errors block approval; warnings do not. Each
variant (RACI, RASCI, RACI-VS, DACI) has its own letters and its own rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Variant:
    code: str
    name: str
    letters: Mapping[str, str]  # letter -> meaning, in display order
    combos: tuple[str, ...] = ()  # allowed multi-letter cells, e.g. "AR"
    exactly_one: tuple[str, ...] = ("A",)  # letters every activity has exactly once
    at_least_one: tuple[str, ...] = ("R",)  # letters every activity has at least once
    at_most_one: tuple[str, ...] = ()
    owner_letter: str = "A"  # who owns the activity (for the layer rule and the A-share warning)
    worker_letter: str = "R"  # who does the work (for "a role with no R anywhere")
    consulted_letter: str | None = "C"

    @property
    def values(self) -> tuple[str, ...]:
        return (*self.letters, *self.combos)

    def normalise(self, value: str) -> str:
        """A cell's letters in canonical form ("r/a" -> "AR"); "" for empty."""
        letters = {ch for ch in (value or "").upper() if ch.isalpha()}
        if not letters:
            return ""
        for candidate in self.values:
            if set(candidate) == letters:
                return candidate
        raise ValueError(
            f"{value!r} is not a {self.name} value; use one of {', '.join(self.values)}."
        )


VARIANTS: dict[str, Variant] = {
    v.code: v
    for v in (
        Variant("raci", "RACI", {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}, combos=("AR",)),
        Variant(
            "rasci", "RASCI",
            {"R": "Responsible", "A": "Accountable", "S": "Support", "C": "Consulted", "I": "Informed"}, combos=("AR",),
        ),
        Variant(
            "raci_vs", "RACI-VS",
            {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed", "V": "Verify", "S": "Sign-off"},
            combos=("AR",), at_most_one=("S",),
        ),
        Variant(
            "daci", "DACI", {"D": "Driver", "A": "Approver", "C": "Contributor", "I": "Informed"},
            exactly_one=("D", "A"), at_least_one=(), owner_letter="A", worker_letter="D",
        ),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Activity:
    id: int
    name: str
    must_be_owned_by: frozenset[str] = frozenset()  # layers allowed to hold the owner letter


@dataclass(frozen=True)
class Column:
    id: int
    name: str
    layer: str  # customer / integrator / provider


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    message: str
    activity_id: int | None = None
    column_id: int | None = None


@dataclass
class MatrixData:
    variant: Variant
    activities: list[Activity]
    columns: list[Column]
    cells: dict[tuple[int, int], str] = field(default_factory=dict)  # (activity, column) -> letters
    owner_share_limit: float = 0.5  # warn when a column owns more than this share of activities
    max_consulted: int = 3


def check(matrix: MatrixData) -> list[Finding]:
    """Every error and warning of the matrix, row by row, then column by column."""
    by_activity: dict[int, list[tuple[int, str]]] = defaultdict(list)
    by_column: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for (activity_id, column_id), letters in matrix.cells.items():
        if letters:
            by_activity[activity_id].append((column_id, letters))
            by_column[column_id].append((activity_id, letters))
    columns = {c.id: c for c in matrix.columns}
    findings: list[Finding] = []
    for activity in matrix.activities:
        findings += _row_findings(matrix, activity, by_activity[activity.id], columns)
    for column in matrix.columns:
        findings += _column_findings(matrix, column, by_column[column.id])
    return findings


def _row_findings(matrix: MatrixData, activity, cells, columns) -> list[Finding]:
    """One activity's row: the letters each variant requires, the consulted count, who
    may own it."""
    v = matrix.variant
    findings = []
    counts = Counter(letter for _, letters in cells for letter in letters)
    for letter in v.exactly_one:
        if counts[letter] != 1:
            what = "no" if counts[letter] == 0 else f"{counts[letter]}"
            findings.append(Finding(
                Level.ERROR, f"exactly_one_{letter}",
                f"“{activity.name}” has {what} {v.letters[letter]} ({letter}); it needs exactly one.", activity.id,
            ))  # fmt: skip
    for letter in v.at_least_one:
        if counts[letter] == 0:
            findings.append(Finding(
                Level.ERROR, f"at_least_one_{letter}",
                f"“{activity.name}” has no {v.letters[letter]} ({letter}); it needs at least one.", activity.id,
            ))  # fmt: skip
    for letter in v.at_most_one:
        if counts[letter] > 1:
            findings.append(Finding(
                Level.ERROR, f"at_most_one_{letter}",
                f"“{activity.name}” has {counts[letter]} {v.letters[letter]} ({letter}); at most one is allowed.", activity.id,
            ))  # fmt: skip
    if v.consulted_letter and counts[v.consulted_letter] > matrix.max_consulted:
        findings.append(Finding(
            Level.WARNING, "too_many_consulted",
            f"“{activity.name}” consults {counts[v.consulted_letter]} roles; more than {matrix.max_consulted} slows it down.",
            activity.id,
        ))  # fmt: skip
    if not activity.must_be_owned_by:
        return findings
    for column_id, letters in cells:
        column = columns.get(column_id)
        if column and v.owner_letter in letters and column.layer not in activity.must_be_owned_by:
            findings.append(Finding(
                Level.WARNING, "owner_layer",
                f"“{activity.name}” must be owned by the {' or '.join(sorted(activity.must_be_owned_by))}, "
                f"not by {column.name} ({column.layer}).", activity.id, column_id,
            ))  # fmt: skip
    return findings


def _column_findings(matrix: MatrixData, column, entries) -> list[Finding]:
    """One column: filled at all, doing work, not owning too much."""
    v = matrix.variant
    if not entries:
        return [
            Finding(Level.WARNING, "empty_column", f"Nobody fills the column {column.name}.", None, column.id)
        ]  # fmt: skip
    findings = []
    total = len(matrix.activities)
    letters = Counter(letter for _, cell in entries for letter in cell)
    if v.worker_letter and letters[v.worker_letter] == 0:
        findings.append(Finding(
            Level.WARNING, "no_work",
            f"{column.name} is never {v.letters[v.worker_letter]} ({v.worker_letter}).", None, column.id,
        ))  # fmt: skip
    if total and letters[v.owner_letter] / total > matrix.owner_share_limit:
        findings.append(Finding(
            Level.WARNING, "owner_overload",
            f"{column.name} is {v.letters[v.owner_letter]} for {letters[v.owner_letter]} of {total} activities "
            f"(over {matrix.owner_share_limit:.0%}).", None, column.id,
        ))  # fmt: skip
    return findings


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == Level.ERROR]


def workload(matrix: MatrixData) -> dict[int, Counter]:
    """Per column, how many of each letter it holds."""
    load: dict[int, Counter] = {c.id: Counter() for c in matrix.columns}
    for (_, column_id), letters in matrix.cells.items():
        if column_id in load:
            load[column_id].update(letters)
    return load


def diff(old: Mapping[tuple, str], new: Mapping[tuple, str]) -> dict[str, list[tuple]]:
    """Cell by cell between two versions, keyed by (activity key, column key)."""
    added = [(key, new[key]) for key in new.keys() - old.keys() if new[key]]
    removed = [(key, old[key]) for key in old.keys() - new.keys() if old[key]]
    changed = [(key, old[key], new[key]) for key in old.keys() & new.keys() if old[key] != new[key]]
    return {"added": sorted(added), "removed": sorted(removed), "changed": sorted(changed)}
