from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import RestrictedModelViewSet
from core.db import subquery_count
from core.querysets import CHANGE

from .. import filtersets, reports, services
from ..models import (
    BusinessCalendar,
    Incident,
    IncidentSla,
    KnownError,
    PriorityMatrix,
    ServiceLevelTarget,
)
from . import serializers


class BusinessCalendarViewSet(RestrictedModelViewSet):
    queryset = BusinessCalendar.objects.select_related("ecosystem").prefetch_related(
        "working_periods", "custom_holidays"
    )
    serializer_class = serializers.BusinessCalendarSerializer
    filterset_class = filtersets.BusinessCalendarFilterSet


class PriorityMatrixViewSet(RestrictedModelViewSet):
    queryset = PriorityMatrix.objects.select_related("ecosystem")
    serializer_class = serializers.PriorityMatrixSerializer
    filterset_class = filtersets.PriorityMatrixFilterSet


class ServiceLevelTargetViewSet(RestrictedModelViewSet):
    queryset = ServiceLevelTarget.objects.select_related("contract", "calendar")
    serializer_class = serializers.ServiceLevelTargetSerializer
    filterset_class = filtersets.ServiceLevelTargetFilterSet


class KnownErrorViewSet(RestrictedModelViewSet):
    queryset = KnownError.objects.select_related("ecosystem", "service").annotate(
        times_used=subquery_count(Incident.objects.all(), known_error_id="pk")
    )
    serializer_class = serializers.KnownErrorSerializer
    filterset_class = filtersets.KnownErrorFilterSet


class IncidentViewSet(RestrictedModelViewSet):
    queryset = Incident.objects.select_related(
        "ecosystem", "service", "holder", "change_approved_by", "known_error"
    ).prefetch_related(Prefetch("slas", IncidentSla.objects.select_related("incident")))
    serializer_class = serializers.IncidentSerializer
    filterset_class = filtersets.IncidentFilterSet
    ordering_fields = ("opened_at", "priority", "reference")

    @extend_schema(
        request=serializers.EventInputSerializer,
        responses=serializers.IncidentEventSerializer(many=True),
    )
    @action(detail=True, methods=["get", "post"], url_path="events")
    def events(self, request, pk=None):
        """The incident's timeline; POST appends an event (append-only)."""
        incident = self.get_object() if request.method == "GET" else self._writable_incident(pk)
        if request.method == "GET":
            events = incident.events.select_related("holder", "author").order_by(
                "at", "sequence", "id"
            )
            return Response(
                serializers.IncidentEventSerializer(
                    events, many=True, context={"request": request}
                ).data
            )
        data = serializers.EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        holder = values.get("holder")
        if holder is not None and holder not in incident.ecosystem.party_ids():
            raise ValidationError({"holder": ["Not a party of this incident's ecosystem."]})
        try:
            event = services.record_event(
                incident, kind=values["kind"], at=values.get("at"), status=values.get("status"),
                holder=holder, note=values.get("note", ""), author=request.user,
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise ValidationError(
                getattr(exc, "message_dict", {"non_field_errors": exc.messages})
            ) from exc
        return Response(
            serializers.IncidentEventSerializer(event).data, status=status.HTTP_201_CREATED
        )

    def _writable_incident(self, pk):
        visible = (
            Incident.objects.restrict(self.request.user)
            .select_related("ecosystem")
            .filter(pk=pk)
            .first()
        )
        if visible is None:
            from django.http import Http404

            raise Http404
        if not Incident.objects.restrict(self.request.user, CHANGE).filter(pk=pk).exists():
            raise PermissionDenied("You may view this incident but not change its timeline.")
        return visible


class IncidentSlaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Derived SLA state per incident and target (read only: recomputed from timelines)."""

    queryset = IncidentSla.objects.select_related("incident")
    lookup_value_regex = "[0-9]+"
    serializer_class = serializers.IncidentSlaSerializer
    filterset_class = filtersets.IncidentSlaFilterSet
    ordering_fields = ("due_at", "breach_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return self.queryset.restrict(self.request.user)


class ServiceLevelReportView(APIView):
    """Attainment and mean times (the report page's figures) as JSON."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        form = reports.ReportFilterForm(request.query_params or None, user=request.user)
        if request.query_params and not form.is_valid():
            raise ValidationError(form.errors)
        report = reports.build_report(request.user, form.cleaned_data if form.is_bound else {})

        def rows(items):
            return [
                {"group": r.key, "clocks": r.clocks, "met": r.met, "breached": r.breached, "attainment_percent": r.attainment,
                 "mean_seconds": r.mean_seconds, "mean_target_seconds": r.mean_target_seconds, "goal_seconds": r.goal_seconds}
                for r in items
            ]  # fmt: skip

        return Response(
            {
                "metric": report.metric,
                "overall": rows([report.overall])[0],
                "by_provider": rows(report.by_provider),
                "by_service": rows(report.by_service),
                "by_priority": rows(report.by_priority),
                "by_month": rows(report.by_month),
                "mean_response_by_priority": rows(report.mean_response_by_priority),
                "breaches": [
                    {
                        "incident": b.incident.reference,
                        "metric": b.metric,
                        "provider": b.provider_id,
                        "breach_at": b.breach_at,
                    }
                    for b in report.breaches
                ],
            }
        )
