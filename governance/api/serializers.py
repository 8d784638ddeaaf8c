from rest_framework import serializers

from core.api.serializers import ValidatedModelSerializer

from .. import services
from ..models import (
    Action,
    Assessment,
    Board,
    BoardMember,
    Decision,
    ImprovementItem,
    Kpi,
    Measurement,
    Meeting,
    Pod,
    PodMember,
    ScoringModel,
    SteeringReport,
)

COMMON = ("id", "url", "display")


class BoardSerializer(ValidatedModelSerializer):
    class Meta:
        model = Board
        fields = (
            *COMMON,
            "ecosystem",
            "name",
            "level",
            "element",
            "cadence",
            "terms_of_reference",
            "quorum",
            "quorum_every_layer",
        )


class BoardMemberSerializer(ValidatedModelSerializer):
    class Meta:
        model = BoardMember
        fields = (*COMMON, "board", "person", "layer", "role")


class MeetingSerializer(ValidatedModelSerializer):
    quorum = serializers.SerializerMethodField()
    closure_problems = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = (
            *COMMON,
            "ecosystem",
            "board",
            "title",
            "scheduled_at",
            "agenda",
            "minutes",
            "attendees",
            "status",
            "closed_at",
            "closed_by",
            "quorum",
            "closure_problems",
        )
        read_only_fields = ("ecosystem", "closed_at", "closed_by")

    def validate(self, attrs):
        board = attrs.get("board") or getattr(self.instance, "board", None)
        if board is not None:
            attrs["ecosystem"] = board.ecosystem
        return super().validate(attrs)

    def get_quorum(self, obj) -> dict:
        result = obj.quorum()
        return {
            "met": result.met,
            "present_voting": result.present_voting,
            "required": result.required,
            "missing_layers": list(result.missing_layers),
            "message": result.message,
        }

    def get_closure_problems(self, obj) -> list[str]:
        return obj.closure_problems()


class DecisionSerializer(ValidatedModelSerializer):
    class Meta:
        model = Decision
        fields = (
            *COMMON,
            "ecosystem",
            "meeting",
            "title",
            "description",
            "status",
            "owner",
            "decided_on",
        )


class ActionSerializer(ValidatedModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Action
        fields = (
            *COMMON,
            "ecosystem",
            "meeting",
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "overdue",
        )
        read_only_fields = ("completed_on",)


class MeasurementSerializer(ValidatedModelSerializer):
    class Meta:
        model = Measurement
        fields = (
            *COMMON,
            "kpi",
            "period_start",
            "value",
            "computed",
            "note",
            "recorded_by",
            "recorded_at",
        )
        read_only_fields = ("computed", "recorded_by", "recorded_at")


class KpiSerializer(ValidatedModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = Kpi
        fields = (
            *COMMON,
            "ecosystem",
            "name",
            "kind",
            "description",
            "unit",
            "direction",
            "baseline",
            "target",
            "frequency",
            "source",
            "priority",
            "measured_from",
            "requirements",
            "status",
        )

    def get_status(self, obj) -> dict:
        status = services.kpi_status(obj)
        return {
            "latest": status.latest, "trend": status.trend, "on_target": status.on_target,
            "missed": [m.isoformat() for m in status.missed],
            "values": [{"period": p.isoformat(), "value": v} for p, v in status.values],
        }  # fmt: skip


class ImprovementItemSerializer(ValidatedModelSerializer):
    rank = serializers.SerializerMethodField(
        help_text="Place in its register; null once the item is done or rejected."
    )

    def get_rank(self, obj) -> int | None:
        return None if getattr(obj, "closed", False) else getattr(obj, "rank", None)

    effective = serializers.FloatField(read_only=True, required=False)

    class Meta:
        model = ImprovementItem
        fields = (
            *COMMON,
            "ecosystem",
            "register",
            "title",
            "description",
            "business_impact",
            "complexity",
            "cost",
            "risk",
            "score",
            "override_score",
            "override_reason",
            "override_by",
            "override_at",
            "effective",
            "rank",
            "status",
            "owner",
            "requirement",
        )
        read_only_fields = (
            "score",
            "override_score",
            "override_reason",
            "override_by",
            "override_at",
        )


class OverrideSerializer(serializers.Serializer):
    override_score = serializers.FloatField(allow_null=True, min_value=0, max_value=100)
    override_reason = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=300
    )

    def validate(self, attrs):
        if attrs["override_score"] is not None and not attrs["override_reason"].strip():
            raise serializers.ValidationError(
                {"override_reason": "Say why the ranking is overridden."}
            )
        return attrs


class ScoringModelSerializer(ValidatedModelSerializer):
    class Meta:
        model = ScoringModel
        fields = (*COMMON, "ecosystem", "business_impact", "complexity", "cost", "risk")


class PodMemberSerializer(ValidatedModelSerializer):
    class Meta:
        model = PodMember
        fields = (*COMMON, "pod", "person", "role", "part_time")


class PodSerializer(ValidatedModelSerializer):
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Pod
        fields = (*COMMON, "ecosystem", "name", "focus", "head", "warnings")

    def get_warnings(self, obj) -> list[str]:
        return obj.warnings()


class AssessmentSerializer(ValidatedModelSerializer):
    scores = serializers.SerializerMethodField()
    overall = serializers.FloatField(read_only=True)

    class Meta:
        model = Assessment
        fields = (
            *COMMON,
            "ecosystem",
            "title",
            "assessed_on",
            "assessed_by",
            "answers",
            "notes",
            "scores",
            "overall",
        )

    def get_scores(self, obj) -> dict:
        return obj.scores


class SteeringReportSerializer(ValidatedModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = SteeringReport
        fields = (
            *COMMON,
            "ecosystem",
            "period_start",
            "period_end",
            "generated_at",
            "generated_by",
            "scheduled",
            "pages",
            "render_seconds",
            "snapshot",
            "download",
        )
        read_only_fields = fields

    def get_download(self, obj) -> str:
        from django.urls import reverse

        path = reverse("governance:steeringreport_download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class GenerateReportSerializer(serializers.Serializer):
    ecosystem = serializers.IntegerField()
    month = serializers.DateField(input_formats=["%Y-%m", "%Y-%m-%d"], help_text="YYYY-MM")

    def validate_month(self, value):
        from django.core.exceptions import ValidationError as DjangoValidationError

        from ..steering import refuse_future

        try:
            refuse_future(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["month"]) from None
        return value
