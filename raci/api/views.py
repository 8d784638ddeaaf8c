import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from core.api.views import RestrictedModelViewSet
from core.params import id_param
from core.querysets import ADD, VIEW
from siam.models import Person

from .. import filtersets, identity, services
from ..analysis import analyse
from ..models import (
    AccessGrant,
    AccessMatrix,
    DataObject,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    RaciMatrix,
    RaciTemplate,
    Role,
)
from . import serializers


def _django_errors(exc: DjangoValidationError):
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class RoleViewSet(RestrictedModelViewSet):
    queryset = Role.objects.select_related("organisation", "ecosystem").prefetch_related("holders")
    serializer_class = serializers.RoleSerializer
    filterset_class = filtersets.RoleFilterSet


class MatrixFilterSet(filtersets.RaciMatrixFilterSet):
    lineage = django_filters.UUIDFilter(help_text="Every version of one matrix.")

    class Meta(filtersets.RaciMatrixFilterSet.Meta):
        fields = (*filtersets.RaciMatrixFilterSet.Meta.fields, "lineage")


class GovernMixin:
    """Approve, version, compare a versioned document (``raci.versioning``): on the
    document as seen, governed by the integrator. ``document_services``: the module
    whose ``approve(document, user)`` and ``new_version(document, user)`` do it."""

    document_services = None

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve this draft version: it is frozen, and the one approved before is
        superseded."""
        document = self.document_services.approve(self.governed(pk), request.user)
        return Response(self.get_serializer(document).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        """A draft copy with the next version number (edit it, then approve it); a 400
        while a version is a draft already."""
        draft = self.document_services.new_version(self.governed(pk), request.user)
        return Response(self.get_serializer(draft).data, status=201)

    def governed(self, pk):
        model = self.queryset.model
        matrix = self.get_object()
        if not model.objects.restrict(self.request.user, ADD).filter(pk=matrix.pk).exists():
            raise PermissionDenied("Only the integrator's editors govern this matrix.")
        return matrix

    def get_object(self):
        # Actions read the matrix even when it is frozen (the default would restrict a
        # POST to changeable rows, hiding approved versions).
        queryset = self.queryset.restrict(self.request.user, VIEW)
        try:
            return queryset.get(pk=self.kwargs["pk"])
        except (self.queryset.model.DoesNotExist, ValueError) as exc:
            raise NotFound() from exc

    def other_version(self, matrix, same):
        raw = self.request.query_params.get("with")
        other_pk = id_param(raw)
        if raw and other_pk is None:
            raise ValidationError({"with": "Give the id of another version of this matrix."})
        versions = self.queryset.restrict(self.request.user).filter(**same).exclude(pk=matrix.pk)
        other = (
            versions.filter(pk=other_pk).first()
            if other_pk
            else versions.order_by("-version").first()
        )
        if other is None:
            raise ValidationError({"with": "No other version of this matrix to compare with."})
        return sorted((matrix, other), key=lambda m: m.version)


def _diff_payload(old, new, changes, keys=("activity", "column")):
    a, b = keys
    return {
        "old": old.version,
        "new": new.version,
        "added": [{a: k[0], b: k[1], "letters": v} for k, v in changes["added"]],
        "removed": [{a: k[0], b: k[1], "letters": v} for k, v in changes["removed"]],
        "changed": [
            {a: k[0], b: k[1], "before": before, "after": after}
            for k, before, after in changes["changed"]
        ],
    }


class RaciMatrixViewSet(GovernMixin, RestrictedModelViewSet):
    queryset = RaciMatrix.objects.select_related("ecosystem", "approved_by")
    serializer_class = serializers.RaciMatrixSerializer
    filterset_class = MatrixFilterSet
    document_services = services

    def get_object(self):
        if self.action in ("retrieve", "update", "partial_update", "destroy"):
            return RestrictedModelViewSet.get_object(self)
        return GovernMixin.get_object(self)

    @extend_schema(responses=serializers.FindingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def findings(self, request, pk=None):
        """Errors (which block approval) and warnings of the rules of the matrix's variant."""
        findings = services.load(self.get_object()).findings()
        return Response(serializers.FindingSerializer(findings, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "with", int, description="Other version's id (default: the latest other)"
            )
        ],
        responses=serializers.DiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """Cell by cell between this version and another of the same matrix."""
        matrix = self.get_object()
        old, new = self.other_version(matrix, {"lineage": matrix.lineage})
        return Response(_diff_payload(old, new, services.compare(old, new)))

    @extend_schema(responses=serializers.AnalysisSerializer)
    @action(detail=True, methods=["get"])
    def analysis(self, request, pk=None):
        """Workload per role and per person, unowned activities, who holds the A's."""
        result = analyse(services.load(self.get_object(), holders=True))
        return Response(
            {
                "per_role": [
                    {"id": c.pk, "label": c.label, "counts": counts, "total": total}
                    for c, counts, total in result.per_column
                ],
                "per_person": [
                    {"id": p.pk, "label": str(p), "counts": counts, "total": total}
                    for p, counts, total in result.per_person
                ],
                "unowned_activities": [{"id": a.pk, "name": a.name} for a in result.unowned],
                "owners_by_organisation": [
                    {"organisation": org, "layer": layer, "count": n}
                    for org, layer, n in result.owners_by_organisation
                ],
                "owners_by_layer": result.owners_by_layer,
            }
        )

    @extend_schema(
        request=None,
        responses={200: {"type": "object", "properties": {"acknowledged": {"type": "integer"}}}},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The caller acknowledges their assignments in this approved matrix."""
        person = Person.objects.filter(user=request.user).first()
        try:
            count = services.acknowledge(self.get_object(), person, request.data.get("assignments"))
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return Response({"acknowledged": count})


class RaciActivityViewSet(RestrictedModelViewSet):
    queryset = RaciActivity.objects.select_related("matrix")
    serializer_class = serializers.RaciActivitySerializer
    filterset_fields = ("matrix", "process")


class RaciColumnViewSet(RestrictedModelViewSet):
    queryset = RaciColumn.objects.select_related(
        "matrix", "role__organisation", "person__organisation"
    )
    serializer_class = serializers.RaciColumnSerializer
    filterset_fields = ("matrix", "role", "person")


class RaciAssignmentViewSet(RestrictedModelViewSet):
    queryset = RaciAssignment.objects.select_related("activity", "column", "acknowledged_by")
    serializer_class = serializers.RaciAssignmentSerializer
    filterset_fields = {
        "activity__matrix": ["exact"],
        "column": ["exact"],
        "activity": ["exact"],
        "letters": ["exact"],
    }


class RaciTemplateViewSet(RestrictedModelViewSet):
    queryset = RaciTemplate.objects.select_related("owner")
    serializer_class = serializers.RaciTemplateSerializer
    filterset_class = filtersets.RaciTemplateFilterSet
    http_method_names = ["get", "patch", "put", "delete", "head", "options"]


class DataObjectViewSet(RestrictedModelViewSet):
    queryset = DataObject.objects.select_related("ecosystem")
    serializer_class = serializers.DataObjectSerializer
    filterset_class = filtersets.DataObjectFilterSet


class AccessMatrixViewSet(GovernMixin, RestrictedModelViewSet):
    queryset = AccessMatrix.objects.select_related("ecosystem", "approved_by")
    serializer_class = serializers.AccessMatrixSerializer
    filterset_class = filtersets.AccessMatrixFilterSet
    document_services = identity

    def get_object(self):
        if self.action in ("retrieve", "update", "partial_update", "destroy"):
            return RestrictedModelViewSet.get_object(self)
        return GovernMixin.get_object(self)

    @extend_schema(
        parameters=[OpenApiParameter("with", int, description="Other version's id")],
        responses=serializers.DiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        matrix = self.get_object()
        old, new = self.other_version(matrix, {"ecosystem_id": matrix.ecosystem_id})
        return Response(
            _diff_payload(old, new, identity.compare(old, new), keys=("role", "data_object"))
        )


class AccessGrantViewSet(RestrictedModelViewSet):
    queryset = AccessGrant.objects.select_related(
        "matrix", "role__organisation", "role__ecosystem", "data_object"
    )
    serializer_class = serializers.AccessGrantSerializer
    filterset_fields = ("matrix", "role", "data_object", "level")
