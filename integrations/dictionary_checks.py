"""Data-dictionary checks, on plain data (no ORM): what would go wrong in a sync.

- a target field shorter than its source (values would be truncated);
- a source value with no value mapping (and no default or skip rule);
- a bidirectional flow whose two directions disagree (A->B maps x to y, but B->A does
  not map y back to x);
- a mapped field missing on one side (no source or no target field name).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    id: int
    source: str
    target: str
    source_max_length: int | None = None
    target_max_length: int | None = None
    source_values: tuple[str, ...] = ()  # the values the source can hold (for enumerations)


@dataclass(frozen=True)
class ValueRule:
    field_id: int
    direction: str  # "forward" (source -> target) or "backward"
    source_value: str
    target_value: str
    rule: str  # map / same / default / skip


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field_id: int | None = None


@dataclass
class Dictionary:
    bidirectional: bool
    fields: list[Field]
    values: list[ValueRule] = field(default_factory=list)


def check(dictionary: Dictionary) -> list[Problem]:
    problems: list[Problem] = []
    rules = defaultdict(list)
    for rule in dictionary.values:
        rules[(rule.field_id, rule.direction)].append(rule)

    for f in dictionary.fields:
        label = f"{f.source or '?'} → {f.target or '?'}"
        if not f.source or not f.target:
            side = "source" if not f.source else "target"
            problems.append(Problem("missing_side", f"{label}: the {side} field is missing.", f.id))
            continue
        forward = rules[(f.id, "forward")]
        problems += _truncations(f, label, dictionary.bidirectional)
        problems += _unmapped_values(f, label, forward)
        if dictionary.bidirectional:
            problems += _direction_mismatches(f, label, forward, rules[(f.id, "backward")])
    return problems


def _truncations(f: Field, label: str, bidirectional: bool) -> list[Problem]:
    if not (f.source_max_length and f.target_max_length):
        return []
    if f.target_max_length < f.source_max_length:
        return [Problem(
            "truncation",
            f"{label}: the target holds {f.target_max_length} characters, the source "
            f"{f.source_max_length}; longer values will be truncated.", f.id,
        )]  # fmt: skip
    if bidirectional and f.source_max_length < f.target_max_length:
        return [Problem(
            "truncation",
            f"{f.target} → {f.source} (back): the source holds {f.source_max_length} characters, "
            f"the target {f.target_max_length}; longer values will be truncated.", f.id,
        )]  # fmt: skip
    return []


def _unmapped_values(f: Field, label: str, forward: list[ValueRule]) -> list[Problem]:
    if not f.source_values or any(r.rule in ("default", "same") for r in forward):
        return []
    mapped = {r.source_value for r in forward if r.rule in ("map", "skip")}
    return [
        Problem(
            "unmapped_value",
            f"{label}: the source value “{value}” has no mapping (add one, a default or a skip).",
            f.id,
        )
        for value in f.source_values
        if value not in mapped
    ]


def _direction_mismatches(
    f: Field, label: str, forward: list[ValueRule], backward: list[ValueRule]
) -> list[Problem]:
    problems = []
    there = {r.source_value: r.target_value for r in forward if r.rule == "map"}
    back = {r.source_value: r.target_value for r in backward if r.rule == "map"}
    back_default = any(r.rule in ("default", "same") for r in backward)
    for source_value, target_value in sorted(there.items()):
        returned = back.get(target_value)
        if returned is None and not back_default:
            problems.append(Problem(
                "direction_mismatch",
                f"{label}: “{source_value}” goes to “{target_value}”, but “{target_value}” "
                "has no mapping back.", f.id,
            ))  # fmt: skip
        elif (
            returned is not None
            and returned != source_value
            and there.get(returned) != target_value
        ):
            problems.append(Problem(
                "direction_mismatch",
                f"{label}: “{source_value}” goes to “{target_value}”, which comes back as "
                f"“{returned}”.", f.id,
            ))  # fmt: skip
    return problems
