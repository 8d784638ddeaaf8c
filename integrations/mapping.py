"""The data dictionary applied to a tool's values (pure).

A feed's data dictionary is the integration flow from its tool to the SIAM hub: each
field mapping whose *target field* names an incident field (``status``, ``priority``,
``impact``, ``urgency``, ``holder``, ``classification``) says which tool field feeds
it, and its value mappings translate the values (rules *map*, *same*, *default*,
*skip*). A value nothing translates is reported, never guessed; the event fails
and can be replayed once the dictionary is fixed.

Assignment groups are the exception that proves the rule: a group no value mapping
names is looked up in the feed's register of groups (``AssignmentGroup``), and an
unknown one is created as a team of the integrator or reported, as the feed says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .choices import TRACKED_FIELDS


@dataclass
class FieldRules:
    source_field: str
    mapped: dict[str, str] = field(default_factory=dict)  # lower(source value) -> target
    same: bool = False
    default: str | None = None
    skipped: set[str] = field(default_factory=set)  # lower(source values) not synchronised

    def translate(self, value: str) -> tuple[str | None, bool]:
        """(target value, known): ``(None, True)`` means skip it."""
        key = value.strip().lower()
        if key in self.mapped:
            return self.mapped[key], True
        if key in self.skipped:
            return None, True
        if self.same:
            return value.strip(), True
        if self.default is not None:
            return self.default, True
        return None, False


@dataclass(frozen=True)
class Vocabulary:
    """What the target values may be in this ecosystem (lower-case keys)."""

    statuses: dict[str, str]  # value or label -> status value
    priorities: dict[str, str]
    levels: dict[str, str]  # impact and urgency levels of the priority matrix
    classifications: dict[str, str]
    organisations: dict[str, int]  # slug or name -> organisation id


class MappingError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass
class Translation:
    changes: dict  # incident field -> value (holder: organisation id)
    group: str | None = None  # the tool's assignment group, when it names one
    unresolved_group: bool = False  # the group still needs the register


class Dictionary:
    def __init__(self, rules: dict[str, list[FieldRules]], vocabulary: Vocabulary, flow_name=""):
        self.rules = rules
        self.vocabulary = vocabulary
        self.flow_name = flow_name

    @classmethod
    def build(cls, field_mappings, vocabulary: Vocabulary, flow_name: str = "") -> Dictionary:
        """From ``FieldMapping`` rows (with ``value_mappings`` prefetched) or alike."""
        rules: dict[str, list[FieldRules]] = {}
        for mapping in field_mappings:
            target = (mapping.target_field or "").strip().lower()
            if target not in TRACKED_FIELDS or not mapping.source_field:
                continue
            field_rules = FieldRules(mapping.source_field.strip())
            for value in mapping.value_mappings.all():
                if value.direction != "forward":
                    continue
                source = (value.source_value or "").strip().lower()
                if value.rule == "map" and source:
                    field_rules.mapped[source] = value.target_value.strip()
                elif value.rule == "same":
                    field_rules.same = True
                elif value.rule == "default":
                    field_rules.default = value.target_value.strip()
                elif value.rule == "skip" and source:
                    field_rules.skipped.add(source)
            rules.setdefault(target, []).append(field_rules)
        return cls(rules, vocabulary, flow_name)

    @property
    def source_fields(self) -> set[str]:
        return {r.source_field for rules in self.rules.values() for r in rules}

    def _resolve(self, target: str, value: str) -> str | int | None:
        vocab = self.vocabulary
        table = {
            "status": vocab.statuses,
            "priority": vocab.priorities,
            "impact": vocab.levels,
            "urgency": vocab.levels,
            "classification": vocab.classifications,
            "holder": vocab.organisations,
        }[target]
        return table.get(value.strip().lower())

    def translate(self, values: dict[str, str]) -> Translation:
        """The incident fields ``values`` set; ``MappingError`` lists every problem."""
        changes: dict = {}
        problems: list[str] = []
        translation = Translation(changes)
        for target, candidates in self.rules.items():
            rules = next((r for r in candidates if values.get(r.source_field)), None)
            if rules is None:
                if target == "holder" and any(r.source_field in values for r in candidates):
                    # The tool cleared the assignment group: nobody owns it from here
                    # (an ownership gap), not "still the last group's".
                    changes["holder"] = None
                    translation.group = ""
                continue
            raw = values[rules.source_field]
            if target == "holder":
                translation.group = raw
            mapped, known = rules.translate(raw)
            if not known:
                if target == "holder":
                    translation.unresolved_group = True
                    continue
                problems.append(
                    f"No mapping for {rules.source_field} {raw!r} (→ {target}) in the data "
                    f"dictionary{f' of {self.flow_name}' if self.flow_name else ''}."
                )
                continue
            if mapped is None:
                continue  # skipped on purpose
            resolved = self._resolve(target, mapped)
            if resolved is None:
                problems.append(
                    f"{rules.source_field} {raw!r} maps to {mapped!r}, which is no {target} here."
                )
                continue
            changes[target] = resolved
        if problems:
            raise MappingError(problems)
        return translation
