"""One description per requirements model with pages and an API endpoint, driving the
generic CRUD, isolation and query-count tests of ``tests.generic.harness``. The context
is the ``req`` fixture (``tests/requirements/conftest.py``): ecosystem ``a`` with a pain
point and a draft requirement tracing to it.

Field and value mappings (a flow's data dictionary) are not here: they are moving to
another app. Codes (REQ-001, US-001, UC-001) are allocated on save, per ecosystem, so
no case names one."""

from django.utils import timezone

from requirements_app.models import (
    AcceptanceCriterion,
    BusinessRule,
    DesignQuestion,
    PainPoint,
    Requirement,
    StoryLink,
    Transition,
    UseCase,
    UseCaseLink,
    UserStory,
    Vision,
)
from tests.generic.harness import ModelCase, ids, spare_ecosystem


def _listed(obj) -> str:
    """The lists show an object as a link to its page (a requirement, story or use case
    by its code, a vision by its ecosystem), not by its whole name."""
    return f'href="{obj.get_absolute_url()}"'


def _vision(req):
    return Vision.objects.get_or_create(
        ecosystem=req.world.a,
        defaults={"statement": "One service desk for every provider", "goals": "No re-typing\nOne view"},
    )[0]  # fmt: skip


def _story(req):
    story = UserStory.objects.filter(ecosystem=req.world.a, role="service desk agent").first()
    if story is None:
        story = UserStory.objects.create(
            ecosystem=req.world.a, role="service desk agent", goal="see the provider's updates",
            benefit="I can answer the customer without calling the provider",
        )  # fmt: skip
        StoryLink.objects.create(story=story, requirement=req.requirement)
        story.criteria.create(position=1, text="Updates appear within a minute")
    return story


def _use_case(req):
    use_case = UseCase.objects.filter(ecosystem=req.world.a, title="Escalate to a provider").first()
    if use_case is None:
        use_case = UseCase.objects.create(
            ecosystem=req.world.a, title="Escalate to a provider", actors="Agent (Jira), Zendesk",
            preconditions="The incident is open",
        )  # fmt: skip
        UseCaseLink.objects.create(use_case=use_case, requirement=req.requirement)
        use_case.steps.create(position=1, text="The agent assigns the incident to the provider")
        use_case.steps.create(kind="alternative", position=1, text="The provider rejects it")
    return use_case


def _question(req):
    return DesignQuestion.objects.get_or_create(
        ecosystem=req.world.a, question="Which side owns the ticket number?",
        defaults={"category": "data", "answer": "The customer's tool", "answered_by": req.world.person,
                  "status": "answered"},
    )[0]  # fmt: skip


def _rule(req):
    rule, created = BusinessRule.objects.get_or_create(
        ecosystem=req.world.a, name="Closed stays closed",
        defaults={"statement": "No new information may be added to closed tickets."},
    )  # fmt: skip
    if created:
        rule.flows.set([req.world.flow])
    return rule


# --- n more rows in ecosystem ``a``, filling the columns and relations each list shows ----


def _pain_points(req, n):
    start = PainPoint.objects.count()
    for i in range(n):
        point = PainPoint.objects.create(
            ecosystem=req.world.a,
            title=f"Pain {start + i}",
            severity="low" if i % 2 else "critical",
        )
        point.parties.set(
            [req.world.customer, req.world.provider2] if i % 2 else [req.world.integrator]
        )
        if i % 3 == 0:
            req.requirement.pain_points.add(point)


def _visions(req, n):
    start = Vision.objects.count()
    for i in range(n):
        eco = spare_ecosystem(req, f"vision-{start + i}")
        Vision.objects.create(ecosystem=eco, statement=f"Vision {start + i}", goals="One\nTwo")


def _requirements(req, n):
    start = Requirement.objects.count()
    for i in range(n):
        requirement = Requirement.objects.create(
            ecosystem=req.world.a, title=f"Requirement {start + i}", statement="It shall.",
            owner=req.world.person if i % 2 else None,
        )  # fmt: skip
        requirement.pain_points.add(req.pain_point)
        requirement.criteria.create(position=1, text="Checkable")
        if i % 2:
            Transition.objects.create(
                requirement=requirement, source="draft", target="in_review",
                by=req.world.integrator_admin, at=timezone.now(),
            )  # fmt: skip
            Requirement.objects.filter(pk=requirement.pk).update(status="in_review")
        story = UserStory.objects.create(ecosystem=req.world.a, role="agent", goal="g", benefit="b")
        StoryLink.objects.create(story=story, requirement=requirement, suspect=bool(i % 3 == 0))


def _stories(req, n):
    for i in range(n):
        story = UserStory.objects.create(
            ecosystem=req.world.a, role=f"agent {i}", goal="see updates", benefit="answer faster"
        )
        AcceptanceCriterion.objects.create(story=story, text="Within a minute", met=bool(i % 2))
        StoryLink.objects.create(story=story, requirement=req.requirement, suspect=bool(i % 2))


def _use_cases(req, n):
    for i in range(n):
        use_case = UseCase.objects.create(
            ecosystem=req.world.a, title=f"Use case {i}", actors="Agent"
        )
        use_case.steps.create(position=1, text="First")
        use_case.steps.create(kind="alternative", position=1, text="Otherwise")
        UseCaseLink.objects.create(
            use_case=use_case, requirement=req.requirement, suspect=bool(i % 2)
        )


def _questions(req, n):
    start = DesignQuestion.objects.count()
    for i in range(n):
        answered = bool(i % 2)
        DesignQuestion.objects.create(
            ecosystem=req.world.a, category="technical" if i % 2 else "deployment", position=start + i,
            question=f"Question {start + i}?", answer="Yes" if answered else "",
            answered_by=req.world.person if answered else None, status="answered" if answered else "open",
        )  # fmt: skip


def _rules(req, n):
    start = BusinessRule.objects.count()
    for i in range(n):
        rule = BusinessRule.objects.create(
            ecosystem=req.world.a, name=f"Rule {start + i}", statement="Always."
        )
        rule.flows.set([req.world.flow])


CASES = [
    ModelCase(
        PainPoint,
        "/api/requirements/pain-points/",
        existing=lambda r: r.pain_point,
        create=lambda r: {"ecosystem": r.world.a.pk, "title": "Nobody knows who holds a ticket",
                          "affected": "The customer's agents", "severity": "critical",
                          "parties": [r.world.customer.pk, r.world.integrator.pk]},
        update={"title": "Tickets are re-typed by hand twice a day", "description": "Twenty a day"},
        bulk=_pain_points,
        listed=_listed,
    ),
    ModelCase(
        Vision,
        "/api/requirements/visions/",
        existing=_vision,
        create=lambda r: {"ecosystem": spare_ecosystem(r, "gamma").pk, "statement": "Every provider on one bus",
                          "goals": "One bus\nNo e-mail hand-offs"},
        update={"statement": "One service desk for every provider, by spring", "goals": "No re-typing"},
        bulk=_visions,
        listed=_listed,
    ),
    ModelCase(
        Requirement,
        "/api/requirements/requirements/",
        existing=lambda r: r.requirement,
        create=lambda r: {"ecosystem": r.world.a.pk, "title": "Keep the provider's reference",
                          "statement": "Each incident shows the provider's ticket number.", "priority": "must",
                          "owner": r.world.person.pk, "pain_points": [r.pain_point.pk]},
        # Plain fields only: the status moves by the workflow's transitions.
        update={"title": "Synchronise incidents both ways, in real time", "rationale": "No re-typing"},
        bulk=_requirements,
        listed=_listed,
    ),
    ModelCase(
        UserStory,
        "/api/requirements/stories/",
        existing=_story,
        create=lambda r: {"ecosystem": r.world.a.pk, "role": "provider engineer", "goal": "get the full history",
                          "benefit": "I need not ask again", "requirements": [r.requirement.pk]},
        update={"goal": "see every update the provider makes"},
        bulk=_stories,
        listed=_listed,
    ),
    ModelCase(
        UseCase,
        "/api/requirements/use-cases/",
        existing=_use_case,
        create=lambda r: {"ecosystem": r.world.a.pk, "title": "Close a ticket everywhere",
                          "actors": "Agent (Jira), Zendesk", "requirements": [r.requirement.pk]},
        update={"title": "Escalate an incident to a provider", "postconditions": "The provider holds it"},
        bulk=_use_cases,
        listed=_listed,
    ),
    ModelCase(
        DesignQuestion,
        "/api/requirements/design-questions/",
        existing=_question,
        create=lambda r: {"ecosystem": r.world.a.pk, "category": "error_handling",
                          "question": "What happens when the target is down?", "status": "open"},
        update={"question": "Which side owns the incident number?", "answer": "The customer's Jira"},
        bulk=_questions,
        listed=_listed,
    ),
    ModelCase(
        BusinessRule,
        "/api/requirements/business-rules/",
        existing=_rule,
        create=lambda r: {"ecosystem": r.world.a.pk, "name": "Priority follows the customer",
                          "statement": "The customer's priority wins.", "flows": [r.world.flow.pk]},
        update={"name": "Closed tickets stay closed", "statement": "Nothing is added to a closed ticket."},
        bulk=_rules,
        listed=_listed,
    ),
]  # fmt: skip

CASE_IDS = ids(CASES)
