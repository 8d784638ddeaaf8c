from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import RestrictedModelViewSet
from core.db import subquery_count

from .. import actions as incident_actions
from .. import filtersets, reports
from ..choices import IncidentStatusChoices
from ..lifecycle import SPECS, WAITING, Action
from ..models import (
    BusinessCalendar,
    Incident,
    IncidentSla,
    KnownError,
    OwnershipGap,
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
    queryset = ServiceLevelTarget.objects.select_related(
        "contract", "calendar", "service"
    ).prefetch_related("escalations")
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
    ).prefetch_related(
        Prefetch("slas", IncidentSla.objects.select_related("incident")), "tool_keys"
    )
    serializer_class = serializers.IncidentSerializer
    filterset_class = filtersets.IncidentFilterSet
    ordering_fields = ("opened_at", "priority", "reference")

    @extend_schema(
        request=serializers.EventInputSerializer,
        responses=serializers.IncidentEventSerializer(many=True),
    )
    @action(detail=True, methods=["get", "post"], url_path="events")
    def events(self, request, pk=None):
        """The incident's timeline; POST appends an event through the action it stands for
        (``status`` with a waiting status: pause; back to in progress: resume; closed:
        close), with that action's rules."""
        incident = self._visible_incident(pk)
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
        name, values = _action_of_event(incident, dict(data.validated_data))
        return self._perform(request, incident, name, values)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], url_path="actions")
    def actions(self, request, pk=None):
        """The actions allowed now, for you, each with its inputs."""
        incident = self._visible_incident(pk)
        return Response(
            [_describe(a) for a in incident_actions.allowed_actions(incident, request.user)]
        )

    @extend_schema(request=serializers.ActionInputSerializer, responses={201: dict})
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[a-z-]+)", url_name="act")
    def act(self, request, pk=None, name=None):
        """Take one action (``hand-off``, ``pause``, ``resume``, ``resolve``, ``reopen``,
        ``close``, ``approve-change``, ``override-priority``, ``apply-known-error``,
        ``comment``): the same rules and errors as the incident page."""
        incident = self._visible_incident(pk)
        if name not in set(Action):
            raise NotFound(f"No action {name!r}; the actions are {', '.join(Action)}.")
        spec = SPECS[Action(name)]
        unknown = sorted(set(request.data) - set(spec.fields))
        if unknown:
            raise ValidationError(
                {key: [f"{name} takes only: {', '.join(spec.fields)}."] for key in unknown}
            )
        data = serializers.ActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._perform(request, incident, name, dict(data.validated_data))

    def _visible_incident(self, pk):
        """Actions look the incident up among those the user may *see* (404 otherwise),
        then ``authorize`` answers 403 for what they may not do: the incident page's rule."""
        incident = (
            Incident.objects.restrict(self.request.user)
            .select_related("ecosystem")
            .filter(pk=pk)
            .first()
        )
        if incident is None:
            raise NotFound()
        return incident

    def _perform(self, request, incident, name, values):
        incident_actions.authorize(request.user, incident, Action(name))
        try:
            event = incident_actions.perform(incident, name, values, user=request.user)
        except DjangoValidationError as exc:
            raise ValidationError(
                getattr(exc, "message_dict", {"non_field_errors": exc.messages})
            ) from exc
        incident.refresh_from_db()
        return Response(
            {
                "event": serializers.IncidentEventSerializer(event).data,
                "status": incident.status,
                "holder": incident.holder_id,
                "allowed_actions": [
                    str(a) for a in incident_actions.allowed_actions(incident, request.user)
                ],
            },
            status=status.HTTP_201_CREATED,
        )


def _describe(action: Action) -> dict:
    spec = SPECS[action]
    return {
        "action": str(action),
        "label": spec.label,
        "fields": list(spec.fields),
        "required": list(spec.required),
    }


def _action_of_event(incident, values: dict) -> tuple[str, dict]:
    """The action a bare event stands for (the ``events/`` endpoint)."""
    kind = values.pop("kind")
    new_status = values.pop("status", None)
    if kind == "handoff":
        return Action.HAND_OFF, values
    values.pop("holder", None)
    if kind == "comment":
        return Action.COMMENT, values
    if kind == "resolved":
        return Action.RESOLVE, values
    if kind == "reopened":
        return Action.REOPEN, values
    if new_status in WAITING:
        return Action.PAUSE, {**values, "waiting_for": new_status}
    if new_status == IncidentStatusChoices.CLOSED:
        return Action.CLOSE, values
    if new_status == IncidentStatusChoices.IN_PROGRESS and incident.status in WAITING:
        return Action.RESUME, values
    raise ValidationError(
        {"status": ["Give a waiting status (pause), in progress (resume) or closed (close)."]}
    )


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


class OwnershipGapViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Stretches in which nobody owned an open incident (read only: derived from timelines)."""

    queryset = OwnershipGap.objects.select_related("incident")
    serializer_class = serializers.OwnershipGapSerializer
    filterset_class = filtersets.OwnershipGapFilterSet
    ordering_fields = ("start", "business_seconds")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return self.queryset.restrict(self.request.user)


class ServiceLevelReportView(APIView):
    """Attainment and mean times (the report page's figures) as JSON."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        form = reports.report_form(request.query_params, request.user)
        if not form.is_valid():
            raise ValidationError(form.errors)
        report = reports.build_report(request.user, form.cleaned_data)
        return Response(report_payload(report, form.cleaned_data))


def _rows(items) -> list[dict]:
    return [
        {"group": r.key, "clocks": r.clocks, "met": r.met, "breached": r.breached, "attainment_percent": r.attainment,
         "mean_seconds": r.mean_seconds, "mean_target_seconds": r.mean_target_seconds, "goal_seconds": r.goal_seconds}
        for r in items
    ]  # fmt: skip


def report_payload(report, cleaned: dict) -> dict:
    """The API's shape of a service-level report."""
    return {
        "metric": report.metric,
        "opened_from": cleaned["opened_from"],
        "opened_to": cleaned["opened_to"],
        "overall": _rows([report.overall])[0],
        "by_provider": _rows(report.by_provider),
        "by_service": _rows(report.by_service),
        "by_priority": _rows(report.by_priority),
        "by_month": _rows(report.by_month),
        "mean_response_by_priority": _rows(report.mean_response_by_priority),
        "budget_use": [
            {
                "party": r.party,
                "breached_clocks": r.clocks,
                "business_seconds": r.seconds,
                "share_percent": r.share,
            }
            for r in report.budget_use
        ],
        "ownership_gaps_by_month": [
            {
                "month": r.key,
                "gaps": r.gaps,
                "still_open": r.open,
                "business_seconds": r.seconds,
            }
            for r in report.gaps_by_month
        ],
        "ownership_gaps_by_party": [
            {
                "left_by": r.key,
                "gaps": r.gaps,
                "still_open": r.open,
                "business_seconds": r.seconds,
            }
            for r in report.gaps_by_party
        ],
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
