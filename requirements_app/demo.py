"""Requirements of the demo ecosystem, from the seed's steps 1, 2 and 4: Mercuri's
manual e-mails and calls, Elaine's re-keying, Mercuri in the dark; the four business
requirements; stories; some design answers; the data dictionary of the Zendesk -> Jira
and Jira <-> ServiceNow flows; and the "no new information on closed tickets" rule."""

from siam.demo import DemoResult
from siam.models import Ecosystem, IntegrationFlow, Organisation, Person

from . import services
from .choices import MoscowChoices, QuestionStatusChoices, SeverityChoices
from .models import (
    AcceptanceCriterion,
    BusinessRule,
    DesignQuestion,
    PainPoint,
    Requirement,
    StoryLink,
    UseCase,
    UseCaseLink,
    UserStory,
    Vision,
)

PAIN_POINTS = (
    ("Tickets travel by e-mail and phone", "Mercuri's agents e-mail, call or paste ticket details into a template for Infinity.", "Mercuri customer service, Elaine", SeverityChoices.HIGH, ("mercuri", "infinity")),
    ("Status updated by hand in three tools", "John and Elaine re-key Global's feedback into Jira and ServiceNow; mistakes cause friction.", "John, Elaine, Global's developers", SeverityChoices.HIGH, ("infinity", "global")),
    ("Mercuri is in the dark", "Mercuri does not know where a ticket is or what to tell its customers.", "Mercuri's customers", SeverityChoices.CRITICAL, ("mercuri",)),
    ("SLA is slipping", "The manual round trips have brought Infinity's SLA down.", "Infinity's business", SeverityChoices.CRITICAL, ("infinity",)),
)  # fmt: skip

REQUIREMENTS = (
    ("Holistic view of tickets end to end", "Infinity shall see every ticket, issue and change request, within and across companies, and track it end to end.", MoscowChoices.MUST, (0, 2), ("Every ticket shows its current holder and status in each connected tool", "A ticket can be followed from Zendesk to Azure DevOps and back")),
    ("Autonomy / loose coupling", "Each party keeps control of what it sends and how it processes what it receives; systems stay loosely coupled.", MoscowChoices.MUST, (1,), ("A party can change its own workflow without changing the others'", "Outgoing data is filtered by the sender's rules")),
    ("Consistent information in real time", "Work management systems stay synchronised in real time through automatic triggers.", MoscowChoices.MUST, (1, 3), ("A status change reaches the other tools within one minute",)),
    ("Secure exchange with access control", "Information is exchanged encrypted, and access control keeps insider data of one party from the others.", MoscowChoices.SHOULD, (), ("Traffic is encrypted (TLS 1.2 or later)", "No Infinity user can read Mercuri's or Global's insider data")),
)  # fmt: skip

STORIES = (
    ("customer service agent at Mercuri", "a Zendesk ticket I escalate to appear in Infinity's Jira automatically", "I stop e-mailing and calling", (0, 2), ("The Jira issue is created within a minute with summary, description and priority",)),
    ("customer service agent at Mercuri", "to see the current status of an escalated ticket in Zendesk", "I can tell my customer where it stands", (0, 2), ("Status changes in Jira appear on the Zendesk ticket",)),
    ("project manager at Infinity", "comments and attachments synced both ways between Jira and ServiceNow", "John and I work on one record", (2,), ()),
)  # fmt: skip


def load(actor) -> DemoResult:
    result = DemoResult()
    eco = Ecosystem.objects.filter(slug="infinity-ecommerce").first()
    if eco is None or Requirement.objects.filter(ecosystem=eco).exists():
        return result
    orgs = {
        o.slug: o for o in Organisation.objects.filter(slug__in=["infinity", "mercuri", "global"])
    }
    people = {p.name: p for p in Person.objects.filter(organisation__in=orgs.values())}
    services.seed_design_questions(eco)

    Vision.objects.create(
        ecosystem=eco,
        statement="Every party keeps its own tool; tickets flow between them automatically, so Infinity, Mercuri and Global see the same truth at the same time.",
        goals="No ticket travels by e-mail or phone\nStatus in sync within a minute\nSLA attainment back above 95 %",
    )
    requirements = _requirements(eco, orgs, people, actor)
    _stories_and_use_cases(eco, requirements)
    _answers(eco, people)
    _business_rules(eco)
    result.created += 30
    return result


def _requirements(eco, orgs, people, actor) -> list:
    """Pain points and the requirements that remove them, some reviewed and approved."""
    pains = []
    for title, description, affected, severity, parties in PAIN_POINTS:
        pain = PainPoint.objects.create(
            ecosystem=eco,
            title=title,
            description=description,
            affected=affected,
            severity=severity,
        )
        pain.parties.set([orgs[p] for p in parties])
        pains.append(pain)
    requirements = []
    for title, statement, priority, pain_ids, criteria in REQUIREMENTS:
        req = Requirement.objects.create(
            ecosystem=eco, title=title, statement=statement, priority=priority, owner=people.get("Elaine"),
            rationale=f"Removes: {'; '.join(pains[i].title for i in pain_ids) or 'a risk to every party'}.",
        )  # fmt: skip
        req.pain_points.set([pains[i] for i in pain_ids])
        for n, text in enumerate(criteria):
            AcceptanceCriterion.objects.create(requirement=req, position=n, text=text)
        requirements.append(req)
    john = people["John"].user if "John" in people else actor
    for req in requirements[:3]:
        services.move(req, "in_review", john)
    for req in requirements[:2]:
        services.move(req, "approved", john, note="Agreed at the kick-off steering meeting.")
    return requirements


def _stories_and_use_cases(eco, requirements) -> None:
    for role, goal, benefit, req_ids, criteria in STORIES:
        story = UserStory.objects.create(ecosystem=eco, role=role, goal=goal, benefit=benefit)
        StoryLink.objects.bulk_create(
            StoryLink(story=story, requirement=requirements[i]) for i in req_ids
        )
        for n, text in enumerate(criteria):
            AcceptanceCriterion.objects.create(story=story, position=n, text=text)
    use_case = UseCase.objects.create(
        ecosystem=eco, title="Escalate a customer ticket to Infinity", actors="Mercuri agent (Zendesk), Elaine (Jira)",
        preconditions="The ticket needs Infinity's help.", postconditions="A linked Jira issue exists and Zendesk shows its status.",
    )  # fmt: skip
    for n, text in enumerate(
        (
            "The agent escalates the Zendesk ticket.",
            "The integration creates a Jira issue in Elaine's project.",
            "Elaine completes what, where and how.",
            "Status changes flow back to Zendesk.",
        )
    ):
        use_case.steps.create(position=n, text=text)
    use_case.steps.create(
        kind="alternative",
        position=0,
        text="The connection is down: the change is queued and applied in order when it is back.",
    )
    UseCaseLink.objects.create(use_case=use_case, requirement=requirements[0])


def _answers(eco, people) -> None:
    """Some design questions answered, one agreed."""
    answers = {
        "What are the APIs provided by these toolsets?": ("REST APIs of Jira Cloud, ServiceNow Table API, Zendesk API v2, Azure DevOps REST.", "John", QuestionStatusChoices.AGREED),
        "What is the retry mechanism for resolving errors?": ("Changes are queued and retried in source order until delivered.", "John", QuestionStatusChoices.ANSWERED),
        "What network layout is applicable between the different systems?": ("Hub: every tool talks to the integration platform over HTTPS only.", "David", QuestionStatusChoices.ANSWERED),
    }  # fmt: skip
    for question in DesignQuestion.objects.filter(ecosystem=eco):
        if question.question in answers:
            text, who, status = answers[question.question]
            question.answer, question.answered_by, question.status = text, people.get(who), status
            question.save()


def _business_rules(eco) -> None:
    """A business rule on the two flows whose data dictionaries the integrations demo
    writes."""
    flows = {f.name: f for f in IntegrationFlow.objects.filter(ecosystem=eco)}
    collaboration = flows.get("Architecture and project collaboration")
    escalations = flows.get("Customer escalations")
    rule = BusinessRule.objects.create(
        ecosystem=eco, name="No new information on closed tickets",
        statement="ServiceNow does not accept comments on closed incidents: comments on a closed record are held and reported, not sent.",
    )  # fmt: skip
    rule.flows.set([f for f in (collaboration, escalations) if f])
