import django_tables2 as tables

from core.tables import BaseTable, ChoiceBadgeColumn

from .models import BusinessRule, DesignQuestion, PainPoint, Requirement, UseCase, UserStory, Vision

STATUS_COLOURS = {
    "draft": "secondary", "in_review": "yellow", "approved": "green", "implemented": "blue",
    "validated": "teal", "rejected": "red",
}  # fmt: skip
SEVERITY_COLOURS = {"low": "secondary", "medium": "yellow", "high": "orange", "critical": "red"}
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class PainPointTable(BaseTable):
    title = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    severity = ChoiceBadgeColumn(colors=SEVERITY_COLOURS)
    requirement_count = tables.Column(verbose_name="Requirements", attrs=NUMBER)

    class Meta(BaseTable.Meta):
        model = PainPoint
        fields = ("title", "ecosystem", "affected", "severity", "requirement_count", "actions")


class VisionTable(BaseTable):
    # The statement links to the vision: the ecosystem column is hidden from a user who
    # sees one ecosystem, and the vision must stay reachable from its list.
    ecosystem = tables.Column(linkify=lambda record: record.ecosystem.get_absolute_url())
    statement = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = Vision
        fields = ("ecosystem", "statement", "actions")


class RequirementTable(BaseTable):
    code = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    priority = tables.Column()
    status = ChoiceBadgeColumn(colors=STATUS_COLOURS)
    owner = tables.Column()
    criteria_count = tables.Column(verbose_name="Criteria", attrs=NUMBER)
    story_count = tables.Column(verbose_name="Stories", attrs=NUMBER)
    suspect_count = tables.Column(verbose_name="Suspect links", attrs=NUMBER)

    class Meta(BaseTable.Meta):
        model = Requirement
        fields = (
            "code", "title", "ecosystem", "priority", "status", "owner", "criteria_count",
            "story_count", "suspect_count", "actions",
        )  # fmt: skip


class UserStoryTable(BaseTable):
    code = tables.Column(linkify=True)
    sentence = tables.Column(accessor="sentence", orderable=False, verbose_name="Story")
    ecosystem = tables.Column(linkify=True)
    criteria_count = tables.Column(verbose_name="Criteria", attrs=NUMBER)

    class Meta(BaseTable.Meta):
        model = UserStory
        fields = ("code", "sentence", "ecosystem", "criteria_count", "actions")


class UseCaseTable(BaseTable):
    code = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    step_count = tables.Column(verbose_name="Steps", attrs=NUMBER)

    class Meta(BaseTable.Meta):
        model = UseCase
        fields = ("code", "title", "actors", "ecosystem", "step_count", "actions")


class DesignQuestionTable(BaseTable):
    question = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    category = tables.Column()
    status = ChoiceBadgeColumn(colors={"open": "yellow", "answered": "blue", "agreed": "green"})
    answered_by = tables.Column()

    class Meta(BaseTable.Meta):
        model = DesignQuestion
        fields = ("question", "category", "ecosystem", "status", "answered_by", "actions")


class BusinessRuleTable(BaseTable):
    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    statement = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = BusinessRule
        fields = ("name", "ecosystem", "statement", "actions")
