from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import RestrictedModelViewSet
from core.querysets import CHANGE
from siam.models import Ecosystem

from .. import filtersets, services, steering
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
from . import serializers


class BoardViewSet(RestrictedModelViewSet):
    queryset = Board.objects.select_related("ecosystem")
    serializer_class = serializers.BoardSerializer
    filterset_class = filtersets.BoardFilterSet


class BoardMemberViewSet(RestrictedModelViewSet):
    queryset = BoardMember.objects.select_related("board", "person")
    serializer_class = serializers.BoardMemberSerializer
    filterset_fields = ("board",)


class MeetingViewSet(RestrictedModelViewSet):
    queryset = Meeting.objects.select_related("ecosystem", "board").prefetch_related(
        "attendees", "board__members", "decisions", "actions"
    )
    serializer_class = serializers.MeetingSerializer
    filterset_class = filtersets.MeetingFilterSet

    @extend_schema(request=None, responses=serializers.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        meeting = self.get_object()
        try:
            services.close_meeting(meeting, request.user)
        except DjangoValidationError as exc:
            raise ValidationError({"non_field_errors": exc.messages}) from exc
        return Response(self.get_serializer(meeting).data)


class DecisionViewSet(RestrictedModelViewSet):
    queryset = Decision.objects.select_related("ecosystem", "owner", "meeting__board")
    serializer_class = serializers.DecisionSerializer
    filterset_class = filtersets.DecisionFilterSet


class ActionViewSet(RestrictedModelViewSet):
    queryset = Action.objects.select_related("ecosystem", "owner", "meeting__board")
    serializer_class = serializers.ActionSerializer
    filterset_class = filtersets.ActionFilterSet


class KpiViewSet(RestrictedModelViewSet):
    queryset = services.kpis_with_measurements(Kpi.objects.all()).prefetch_related("requirements")
    serializer_class = serializers.KpiSerializer
    filterset_class = filtersets.KpiFilterSet


class MeasurementViewSet(RestrictedModelViewSet):
    queryset = Measurement.objects.select_related("kpi")
    serializer_class = serializers.MeasurementSerializer
    filterset_fields = ("kpi", "period_start")


class ImprovementItemViewSet(RestrictedModelViewSet):
    queryset = ImprovementItem.objects.select_related("ecosystem", "owner")
    serializer_class = serializers.ImprovementItemSerializer
    filterset_class = filtersets.ImprovementItemFilterSet

    def get_queryset(self):
        return services.ranked(super().get_queryset())

    def get_object(self):
        return services.with_rank(super().get_object())

    @extend_schema(
        request=serializers.OverrideSerializer, responses=serializers.ImprovementItemSerializer
    )
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        item = self.get_object()
        data = serializers.OverrideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.override(
            item,
            data.validated_data["override_score"],
            data.validated_data["override_reason"],
            request.user,
        )
        return Response(self.get_serializer(services.with_rank(item)).data)


class ScoringModelViewSet(RestrictedModelViewSet):
    queryset = ScoringModel.objects.select_related("ecosystem")
    serializer_class = serializers.ScoringModelSerializer
    filterset_class = filtersets.ScoringModelFilterSet


class PodViewSet(RestrictedModelViewSet):
    queryset = Pod.objects.select_related("ecosystem", "head").prefetch_related("members")
    serializer_class = serializers.PodSerializer
    filterset_class = filtersets.PodFilterSet


class PodMemberViewSet(RestrictedModelViewSet):
    queryset = PodMember.objects.select_related("pod", "person")
    serializer_class = serializers.PodMemberSerializer
    filterset_fields = ("pod", "role", "part_time")


class AssessmentViewSet(RestrictedModelViewSet):
    queryset = Assessment.objects.select_related("ecosystem", "assessed_by")
    serializer_class = serializers.AssessmentSerializer
    filterset_class = filtersets.AssessmentFilterSet


class SteeringReportViewSet(RestrictedModelViewSet):
    """The archive (read only; reports are made by ``generate``, never edited)."""

    queryset = SteeringReport.objects.select_related("ecosystem", "generated_by")
    serializer_class = serializers.SteeringReportSerializer
    filterset_class = filtersets.SteeringReportFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        raise ValidationError({"non_field_errors": ["Use /generate/ to make a report."]})

    @extend_schema(
        request=serializers.GenerateReportSerializer,
        responses={201: serializers.SteeringReportSerializer},
    )
    @action(detail=False, methods=["post"])
    def generate(self, request):
        """Snapshot and render the steering report of an ecosystem for a month, archive
        it and return it (with its download URL)."""
        data = serializers.GenerateReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ecosystem = (
            SteeringReport.ecosystems_for(request.user, CHANGE)
            .filter(pk=data.validated_data["ecosystem"])
            .first()
        )
        if ecosystem is None:
            if (
                Ecosystem.objects.restrict(request.user)
                .filter(pk=data.validated_data["ecosystem"])
                .exists()
            ):
                raise PermissionDenied("You may not generate reports for this ecosystem.")
            raise ValidationError({"ecosystem": ["No such ecosystem."]})
        report = steering.generate(ecosystem, data.validated_data["month"], user=request.user)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


class DashboardView(APIView):
    """The figures behind an ecosystem's dashboard tiles, as the user may see them."""

    @extend_schema(responses=dict)
    def get(self, request, pk):
        ecosystem = get_object_or_404(Ecosystem.objects.restrict(request.user), pk=pk)
        d = services.dashboard(request.user, ecosystem)
        return Response({
            "ecosystem": ecosystem.pk,
            "attainment": [{"month": m.isoformat(), "attainment": a} for m, a in zip(d["months"], d["attainment"], strict=True)],
            "attainment_target": d["attainment_target"],
            # Each figure names the incident list (its filters) it counts.
            "resolution_breaches": [{"clock": f.label, "incidents": f.count, "filters": f.query} for f in d["breaches_by_provider"]],
            "open_incidents": {"incidents": d["open_total"].count, "filters": d["open_total"].query},
            "open_by_priority_age": {p: dict(zip(d["age_labels"], counts, strict=True)) for p, counts in d["open_by_priority_age"]},
            "due_within_24_hours": {"incidents": d["due_soon_count"].count, "filters": d["due_soon_count"].query},
            "kpis": [{"kpi": s.kpi.pk, "name": s.kpi.name, "latest": s.latest, "target": s.kpi.target, "trend": s.trend, "on_target": s.on_target} for s in d["kpis"]],
            "raci": [{"matrix": m.pk, "name": str(m), "errors": e, "warnings": w} for m, e, w in d["raci"]],
            "requirements": d["requirements"],
            "overdue_actions": d["overdue_count"],
        })  # fmt: skip
