from rest_framework import serializers

from core.api.serializers import ValidatedModelSerializer

from .. import services
from ..choices import RequirementStatusChoices
from ..models import (
    AcceptanceCriterion,
    BusinessRule,
    DesignQuestion,
    PainPoint,
    Requirement,
    Transition,
    UseCase,
    UseCaseStep,
    UserStory,
    Vision,
)

COMMON = ("id", "url", "display")


class PainPointSerializer(ValidatedModelSerializer):
    class Meta:
        model = PainPoint
        fields = (*COMMON, "ecosystem", "title", "description", "affected", "parties", "severity")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        eco = attrs.get("ecosystem") or self.instance.ecosystem
        outsiders = PainPoint.outsiders(eco, attrs.get("parties", []))
        if outsiders:
            raise serializers.ValidationError(
                {"parties": f"Not parties of {eco}: {', '.join(outsiders)}."}
            )
        return attrs


class VisionSerializer(ValidatedModelSerializer):
    class Meta:
        model = Vision
        fields = (*COMMON, "ecosystem", "statement", "goals")


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcceptanceCriterion
        fields = ("id", "position", "text", "met")


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()

    class Meta:
        model = Transition
        fields = ("source", "target", "by", "at", "note")


class RequirementSerializer(ValidatedModelSerializer):
    criteria = CriterionSerializer(many=True, required=False)
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta:
        model = Requirement
        fields = (
            *COMMON, "ecosystem", "code", "title", "statement", "rationale", "priority", "owner", "pain_points",
            "status", "criteria", "transitions", "created", "last_updated",
        )  # fmt: skip
        read_only_fields = ("code", "status")

    def validate(self, attrs):
        criteria = attrs.pop("criteria", None)
        attrs = super().validate(attrs)
        eco = attrs.get("ecosystem") or self.instance.ecosystem
        for point in attrs.get("pain_points", []):
            if point.ecosystem_id != eco.pk:
                raise serializers.ValidationError(
                    {"pain_points": f"“{point}” is a pain point of another ecosystem."}
                )
        if criteria is not None:
            attrs["criteria"] = criteria
        return attrs

    def _save_criteria(self, requirement, criteria):
        if criteria is not None:
            services.replace_criteria("requirement", requirement, criteria)

    def create(self, validated_data):
        criteria = validated_data.pop("criteria", None)
        requirement = super().create(validated_data)
        self._save_criteria(requirement, criteria)
        return requirement

    def changed_fields(self):
        changed = super().changed_fields()
        criteria = self.validated_data.get("criteria")
        if criteria is not None and [c["text"] for c in criteria] != [
            c.text for c in self.instance.criteria.all()
        ]:
            changed.append("criteria")
        return changed

    def update(self, instance, validated_data):
        criteria = validated_data.pop("criteria", None)
        requirement = super().update(instance, validated_data)
        self._save_criteria(requirement, criteria)
        return requirement


class TransitionInputSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=RequirementStatusChoices.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class TracedSerializer(ValidatedModelSerializer):
    """Stories and use cases with the codes of the requirements they trace to."""

    def validate(self, attrs):
        requirements = attrs.pop("requirements", None)
        attrs = super().validate(attrs)
        eco = attrs.get("ecosystem") or self.instance.ecosystem
        for req in requirements or []:
            if req.ecosystem_id != eco.pk:
                raise serializers.ValidationError(
                    {"requirements": f"{req.code} belongs to another ecosystem."}
                )
        if requirements is not None:
            attrs["requirements"] = requirements
        return attrs

    def create(self, validated_data):
        # Linked by the save command (requirements_app.services).
        validated_data.pop("requirements", None)
        extra = {k: validated_data.pop(k) for k in list(validated_data) if k in self.nested}
        item = super().create(validated_data)
        self.save_nested(item, extra)
        return item

    def update(self, instance, validated_data):
        validated_data.pop("requirements", None)
        extra = {k: validated_data.pop(k) for k in list(validated_data) if k in self.nested}
        item = super().update(instance, validated_data)
        self.save_nested(item, extra)
        return item

    nested: tuple = ()

    def save_nested(self, item, extra):
        pass


class LinkSerializer(serializers.Serializer):
    requirement = serializers.CharField(source="requirement.code")
    suspect = serializers.BooleanField()


class UserStorySerializer(TracedSerializer):
    nested = ("criteria",)
    requirements = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Requirement.objects.all(), required=False
    )
    criteria = CriterionSerializer(many=True, required=False)
    links = LinkSerializer(many=True, read_only=True)
    sentence = serializers.CharField(read_only=True)

    class Meta:
        model = UserStory
        fields = (
            *COMMON,
            "ecosystem",
            "code",
            "role",
            "goal",
            "benefit",
            "sentence",
            "requirements",
            "links",
            "criteria",
        )
        read_only_fields = ("code",)

    def validate(self, attrs):
        criteria = attrs.pop("criteria", None)
        attrs = super().validate(attrs)
        if criteria is not None:
            attrs["criteria"] = criteria
        return attrs

    def save_nested(self, story, extra):
        if "criteria" in extra:
            services.replace_criteria("story", story, extra["criteria"])


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = UseCaseStep
        fields = ("id", "kind", "position", "text")


class UseCaseSerializer(TracedSerializer):
    nested = ("steps",)
    requirements = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Requirement.objects.all(), required=False
    )
    steps = StepSerializer(many=True, required=False)
    links = LinkSerializer(many=True, read_only=True)

    class Meta:
        model = UseCase
        fields = (
            *COMMON, "ecosystem", "code", "title", "actors", "preconditions", "postconditions", "steps",
            "requirements", "links",
        )  # fmt: skip
        read_only_fields = ("code",)

    def validate(self, attrs):
        steps = attrs.pop("steps", None)
        attrs = super().validate(attrs)
        if steps is not None:
            attrs["steps"] = steps
        return attrs

    def save_nested(self, use_case, extra):
        if "steps" in extra:
            use_case.steps.all().delete()
            UseCaseStep.objects.bulk_create(
                UseCaseStep(use_case=use_case, **s) for s in extra["steps"]
            )


class DesignQuestionSerializer(ValidatedModelSerializer):
    class Meta:
        model = DesignQuestion
        fields = (
            *COMMON,
            "ecosystem",
            "category",
            "position",
            "question",
            "answer",
            "answered_by",
            "answered_at",
            "status",
        )
        read_only_fields = ("answered_at",)


class BusinessRuleSerializer(ValidatedModelSerializer):
    class Meta:
        model = BusinessRule
        fields = (*COMMON, "ecosystem", "name", "statement", "flows")


class TraceRowSerializer(serializers.Serializer):
    requirement = serializers.CharField(source="requirement.code")
    title = serializers.CharField(source="requirement.title")
    status = serializers.CharField(source="requirement.status")
    pain_points = serializers.SerializerMethodField()
    stories = serializers.SerializerMethodField()
    use_cases = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    gaps = serializers.ListField(child=serializers.CharField())

    def get_pain_points(self, row) -> list[str]:
        return [p.title for p in row.pain_points]

    def get_stories(self, row) -> list[dict]:
        return [{"code": s.code, "suspect": suspect} for s, suspect in row.stories]

    def get_use_cases(self, row) -> list[dict]:
        return [{"code": u.code, "suspect": suspect} for u, suspect in row.use_cases]

    def get_criteria(self, row) -> int:
        return len(row.criteria)
