"""Requirement operations: the workflow with its who / when, suspect links after an
approved requirement changes, the design-question catalogue, and the traceability
matrix — each in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from core.commands import Write, save_command
from siam.access import get_access_context

from . import workflow
from .catalogue import DESIGN_QUESTIONS
from .choices import QuestionStatusChoices, RequirementStatusChoices
from .models import (
    AcceptanceCriterion,
    DesignQuestion,
    Requirement,
    StoryLink,
    Transition,
    UseCase,
    UseCaseLink,
    UserStory,
)

#: Fields whose change, on an approved requirement, needs a new review.
CONTENT_FIELDS = ("title", "statement", "rationale", "priority")


def actor_for(user, requirement: Requirement) -> workflow.Actor:
    if user.is_superuser:
        return workflow.Actor(superuser=True)
    context = get_access_context(user)
    eco = requirement.ecosystem
    owner_user = requirement.owner.user_id if requirement.owner_id else None
    return workflow.Actor(
        integrator_editor=eco.integrator_id in context.editor_organisation_ids,
        integrator_admin=eco.integrator_id in context.admin_organisation_ids,
        customer_editor=eco.customer_id in context.editor_organisation_ids,
        is_owner=owner_user is not None and owner_user == user.pk,
    )


@transaction.atomic
def move(requirement: Requirement, target: str, user, note: str = "") -> Transition:
    """Apply a workflow transition, recording who and when; ValidationError if not allowed."""
    try:
        workflow.check(requirement.status, target, actor_for(user, requirement))
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if target == RequirementStatusChoices.IN_REVIEW and not requirement.criteria.exists():
        raise ValidationError("Add at least one acceptance criterion before the review.")
    record = Transition.objects.create(
        requirement=requirement, source=requirement.status, target=target, by=user,
        at=timezone.now(), note=note,
    )  # fmt: skip
    requirement.status = target
    requirement._history_user = user
    requirement.save(update_fields=["status", "last_updated"])
    return record


@transaction.atomic
def changed_after_approval(requirement: Requirement, user, what: str) -> int:
    """An approved (or later) requirement was changed: back to review, and every item
    traced to it is suspect until re-confirmed. Returns how many links became suspect."""
    if requirement.status not in workflow.FROZEN:
        return 0
    Transition.objects.create(
        requirement=requirement, source=requirement.status, target=RequirementStatusChoices.IN_REVIEW,
        by=user, at=timezone.now(), note=f"Changed after approval: {what}",
    )  # fmt: skip
    requirement.status = RequirementStatusChoices.IN_REVIEW
    requirement.save(update_fields=["status", "last_updated"])
    return StoryLink.objects.filter(requirement=requirement).update(
        suspect=True, confirmed_at=None
    ) + UseCaseLink.objects.filter(requirement=requirement).update(suspect=True, confirmed_at=None)


#: How the review note names a changed part that is not a field.
_PART_NAMES = {"criteria": "acceptance criteria"}


@save_command(Requirement)
def save_requirement(write: Write) -> Requirement:
    """Save; an approved requirement whose content changed goes back to review."""
    requirement = write.save()
    changed = [n for n in write.changed if n in CONTENT_FIELDS or n in _PART_NAMES]
    if write.creating or not changed or requirement.status not in workflow.FROZEN:
        return requirement
    what = ", ".join(_PART_NAMES.get(name, name) for name in changed)
    count = changed_after_approval(requirement, write.user, what)
    write.notices.append(
        f"{requirement.code} was approved: the change sends it back to review and marks "
        f"{count} traced item{'s' if count != 1 else ''} as suspect."
    )
    return requirement


def _save_traced(link_model):
    def save(write: Write):
        item = write.save()
        requirements = write.values.get("requirements")
        if requirements is not None:
            set_trace_links(link_model, item, list(requirements))
        return item

    save.__name__ = f"save_{link_model.item_field}"
    return save


save_command(UserStory)(_save_traced(StoryLink))
save_command(UseCase)(_save_traced(UseCaseLink))


def confirm(link) -> None:
    link.suspect = False
    link.confirmed_at = timezone.now()
    link.save(update_fields=["suspect", "confirmed_at"])


def seed_design_questions(ecosystem) -> int:
    if DesignQuestion.objects.filter(ecosystem=ecosystem).exists():
        return 0
    DesignQuestion.objects.bulk_create(
        DesignQuestion(ecosystem=ecosystem, category=category, position=n, question=text)
        for n, (category, text) in enumerate(DESIGN_QUESTIONS)
    )
    return len(DESIGN_QUESTIONS)


def question_progress(questions) -> list[dict]:
    """Per category: the questions and how many are answered / agreed."""
    groups: dict[str, dict] = {}
    for q in questions:
        group = groups.setdefault(
            q.category,
            {
                "category": q.get_category_display(),
                "key": q.category,
                "questions": [],
                "answered": 0,
                "agreed": 0,
            },
        )
        group["questions"].append(q)
        group["answered"] += q.status != QuestionStatusChoices.OPEN
        group["agreed"] += q.status == QuestionStatusChoices.AGREED
    for group in groups.values():
        total = len(group["questions"])
        group["total"] = total
        group["percent"] = round(100 * group["answered"] / total) if total else 0
    return list(groups.values())


# --- Traceability ------------------------------------------------------------------------------


@dataclass
class TraceRow:
    requirement: Requirement
    pain_points: list
    stories: list  # (story, suspect)
    use_cases: list  # (use case, suspect)
    criteria: list
    gaps: list[str] = field(default_factory=list)
    #: What shows it met (governance's KPIs): items with a ``name`` and a URL.
    measures: list = field(default_factory=list)


#: The measures of requirements that apps built on this one keep (governance: its
#: KPIs), registered with ``measured_by``: ``(requirement ids) -> {id: [measure]}``,
#: one query each. This context names none of them.
MEASURES: list = []


def measured_by(function):
    MEASURES.append(function)
    return function


def traceability(requirements) -> list[TraceRow]:
    """Pain point -> requirement -> stories / use cases -> criteria, with the gaps:
    a requirement with no story or use case, a story with no acceptance criteria, an
    approved requirement with suspect links; then what measures it (``MEASURES``).
    Five queries, and one per measure, whatever the size."""
    requirements = requirements.prefetch_related(
        "pain_points",
        "criteria",
        Prefetch(
            "story_links",
            StoryLink.objects.select_related("story").prefetch_related("story__criteria"),
        ),
        Prefetch("use_case_links", UseCaseLink.objects.select_related("use_case")),
    )
    requirements = list(requirements)
    measures = defaultdict(list)
    for measure in MEASURES:
        for pk, items in measure([req.pk for req in requirements]).items():
            measures[pk].extend(items)
    rows = []
    for req in requirements:
        stories = [(link.story, link.suspect) for link in req.story_links.all()]
        use_cases = [(link.use_case, link.suspect) for link in req.use_case_links.all()]
        row = TraceRow(
            req, list(req.pain_points.all()), stories, use_cases, list(req.criteria.all()),
            measures=measures[req.pk],
        )  # fmt: skip
        if not stories and not use_cases:
            row.gaps.append("No user story or use case traces to it.")
        if not row.criteria:
            row.gaps.append("No acceptance criteria.")
        for story, _ in stories:
            if not story.criteria.all():
                row.gaps.append(f"{story.code} has no acceptance criteria.")
        if any(s for _, s in stories + use_cases):
            row.gaps.append("Suspect links: re-confirm the items traced to it.")
        rows.append(row)
    return rows


# --- Writing traces and criteria (shared by forms, the API and imports) ------------------------


def set_trace_links(link_model, item, requirements) -> None:
    """Make ``item`` (a story or use case) trace to exactly ``requirements``; links that
    stay keep their suspect flag."""
    field_name = link_model.item_field
    links = link_model.objects.filter(**{field_name: item})
    links.exclude(requirement__in=requirements).delete()
    have = set(links.values_list("requirement_id", flat=True))
    link_model.objects.bulk_create(
        link_model(**{field_name: item}, requirement=r) for r in requirements if r.pk not in have
    )


def replace_criteria(owner_field: str, owner, criteria) -> None:
    """Replace the acceptance criteria of a requirement or story: texts, or dicts with
    ``text`` and optionally ``position`` and ``met``."""
    AcceptanceCriterion.objects.filter(**{owner_field: owner}).delete()
    AcceptanceCriterion.objects.bulk_create(
        AcceptanceCriterion(
            **{owner_field: owner, "position": n, **({"text": c} if isinstance(c, str) else c)}
        )
        for n, c in enumerate(criteria)
    )
