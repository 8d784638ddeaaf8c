"""Import and export of requirements and user stories (CSV / XLSX).

The export is the import's format, so an export imports back unchanged. Rows are
matched by code within the chosen ecosystem (a new code or an empty one creates an
item). All or nothing: any row-level error changes nothing, and every error is listed.
Criteria are one cell, one criterion per line; a story's requirements are codes
separated by spaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tablib
from django import forms
from django.db import transaction

from core.forms.base import StyledFormMixin
from siam.models import Ecosystem, Person

from .choices import MoscowChoices
from .models import Requirement, StoryLink, UserStory
from .services import changed_after_approval, replace_criteria, set_trace_links

REQUIREMENT_HEADERS = (
    "code",
    "title",
    "statement",
    "rationale",
    "priority",
    "owner",
    "status",
    "criteria",
)
STORY_HEADERS = ("code", "role", "goal", "benefit", "requirements", "criteria")


class ImportForm(StyledFormMixin, forms.Form):
    ecosystem = forms.ModelChoiceField(queryset=Ecosystem.objects.none())
    file = forms.FileField(help_text="CSV or XLSX with the columns of an export.")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ecosystem"].queryset = Ecosystem.objects.restrict(user, "change")
        self._style_widgets()


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _lines(value) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _rows(data: tablib.Dataset, expected: tuple[str, ...], result: Result):
    headers = [str(h or "").strip().lower() for h in (data.headers or [])]
    missing = [h for h in expected if h not in headers]
    if missing:
        result.errors.append(
            f"Missing columns: {', '.join(missing)} (expected {', '.join(expected)})."
        )
        return []
    index = {h: headers.index(h) for h in expected}
    return [
        (
            number,
            {h: str(row[index[h]] if row[index[h]] is not None else "").strip() for h in expected},
        )
        for number, row in enumerate(data, start=2)
    ]


def _requirement_problems(row: dict, current, people: dict, seen: set, ecosystem) -> list[str]:
    """What is wrong with one imported requirement row, in words."""
    problems = []
    if not row["title"]:
        problems.append("the title is empty")
    if not row["statement"]:
        problems.append("the statement is empty")
    if row["priority"] and row["priority"] not in MoscowChoices.values:
        problems.append(
            f"priority {row['priority']!r} is not one of {', '.join(MoscowChoices.values)}"
        )
    if row["owner"] and row["owner"] not in people:
        problems.append(f"no person named {row['owner']!r} works for a party of {ecosystem}")
    if row["code"] and row["code"] in seen:
        problems.append(f"{row['code']} appears twice")
    if current is not None and row["status"] and row["status"] != current.status:
        problems.append("the status changes through the workflow, not by import")
    return problems


def import_requirements(ecosystem, data: tablib.Dataset, user) -> Result:
    result = Result()
    rows = _rows(data, REQUIREMENT_HEADERS, result)
    existing = {r.code: r for r in Requirement.objects.filter(ecosystem=ecosystem)}
    people = {p.name: p for p in Person.objects.filter(organisation_id__in=ecosystem.party_ids())}
    planned, seen = [], set()
    for number, row in rows:
        current = existing.get(row["code"])
        problems = _requirement_problems(row, current, people, seen, ecosystem)
        seen.add(row["code"])
        if problems:
            result.errors.append(f"Row {number}: {'; '.join(problems)}.")
        planned.append((row, current))
    if result.errors:
        return result
    with transaction.atomic():
        for row, current in planned:
            requirement = current or Requirement(
                ecosystem=ecosystem, code=row["code"] if row["code"] else ""
            )
            values = {
                "title": row["title"], "statement": row["statement"], "rationale": row["rationale"],
                "priority": row["priority"] or MoscowChoices.SHOULD, "owner": people.get(row["owner"]),
            }  # fmt: skip
            if (
                current is not None
                and all(getattr(current, k) == v for k, v in values.items())
                and [c.text for c in current.criteria.all()] == _lines(row["criteria"])
            ):
                continue
            for key, value in values.items():
                setattr(requirement, key, value)
            requirement._history_user = user
            requirement.save()
            replace_criteria("requirement", requirement, _lines(row["criteria"]))
            if current is None:
                result.created += 1
            else:
                result.updated += 1
                changed_after_approval(requirement, user, "imported")
    return result


def import_stories(ecosystem, data: tablib.Dataset, user) -> Result:
    result = Result()
    rows = _rows(data, STORY_HEADERS, result)
    existing = {s.code: s for s in UserStory.objects.filter(ecosystem=ecosystem)}
    requirements = {r.code: r for r in Requirement.objects.filter(ecosystem=ecosystem)}
    planned = []
    for number, row in rows:
        problems = [
            f"“{label}” is empty" for key, label in (("role", "As a …"), ("goal", "I want …"), ("benefit", "so that …"))
            if not row[key]
        ]  # fmt: skip
        codes = row["requirements"].replace(",", " ").split()
        unknown = [c for c in codes if c not in requirements]
        if unknown:
            problems.append(f"unknown requirements {', '.join(unknown)}")
        if problems:
            result.errors.append(f"Row {number}: {'; '.join(problems)}.")
        planned.append(
            (row, existing.get(row["code"]), [requirements[c] for c in codes if c in requirements])
        )
    if result.errors:
        return result
    with transaction.atomic():
        for row, current, linked in planned:
            story = current or UserStory(ecosystem=ecosystem, code=row["code"] or "")
            same = (
                current is not None
                and (current.role, current.goal, current.benefit)
                == (row["role"], row["goal"], row["benefit"])
                and {r.pk for r in current.requirements.all()} == {r.pk for r in linked}
                and [c.text for c in current.criteria.all()] == _lines(row["criteria"])
            )
            if same:
                continue
            story.role, story.goal, story.benefit = row["role"], row["goal"], row["benefit"]
            story._history_user = user
            story.save()
            set_trace_links(StoryLink, story, linked)
            replace_criteria("story", story, _lines(row["criteria"]))
            result.created += current is None
            result.updated += current is not None
    return result


def export_requirements(ecosystem, user) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(REQUIREMENT_HEADERS), title="Requirements")
    rows = (
        Requirement.objects.restrict(user)
        .filter(ecosystem=ecosystem)
        .select_related("owner")
        .prefetch_related("criteria")
    )
    for r in rows:
        data.append([
            r.code, r.title, r.statement, r.rationale, r.priority, r.owner.name if r.owner else "", r.status,
            "\n".join(c.text for c in r.criteria.all()),
        ])  # fmt: skip
    return data


def export_stories(ecosystem, user) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(STORY_HEADERS), title="User stories")
    rows = (
        UserStory.objects.restrict(user)
        .filter(ecosystem=ecosystem)
        .prefetch_related("criteria", "requirements")
    )
    for s in rows:
        data.append([
            s.code, s.role, s.goal, s.benefit, " ".join(sorted(r.code for r in s.requirements.all())),
            "\n".join(c.text for c in s.criteria.all()),
        ])  # fmt: skip
    return data
