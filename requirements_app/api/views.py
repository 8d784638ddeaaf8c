from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import RestrictedModelViewSet
from core.querysets import VIEW

from .. import filtersets, services
from ..models import (
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
from . import serializers


class PainPointViewSet(RestrictedModelViewSet):
    queryset = PainPoint.objects.select_related("ecosystem").prefetch_related("parties")
    serializer_class = serializers.PainPointSerializer
    filterset_class = filtersets.PainPointFilterSet


class VisionViewSet(RestrictedModelViewSet):
    queryset = Vision.objects.select_related("ecosystem")
    serializer_class = serializers.VisionSerializer
    filterset_class = filtersets.VisionFilterSet


class RequirementViewSet(RestrictedModelViewSet):
    queryset = Requirement.objects.select_related("ecosystem", "owner").prefetch_related(
        "pain_points", "criteria", "transitions__by"
    )
    serializer_class = serializers.RequirementSerializer
    filterset_class = filtersets.RequirementFilterSet

    @extend_schema(
        request=serializers.TransitionInputSerializer, responses=serializers.RequirementSerializer
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the requirement through its workflow (who and when are recorded)."""
        try:
            requirement = (
                Requirement.objects.restrict(request.user, VIEW)
                .select_related("ecosystem", "owner")
                .get(pk=pk)
            )
        except (Requirement.DoesNotExist, ValueError) as exc:
            raise NotFound() from exc
        data = serializers.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.move(
                requirement,
                data.validated_data["target"],
                request.user,
                data.validated_data.get("note", ""),
            )
        except DjangoValidationError as exc:
            raise ValidationError({"target": exc.messages}) from exc
        return Response(self.get_serializer(self.queryset.get(pk=pk)).data)

    @extend_schema(responses=serializers.TraceRowSerializer(many=True))
    @action(detail=False, methods=["get"])
    def traceability(self, request):
        """Pain point -> requirement -> stories / use cases -> criteria, with gaps (filters apply)."""
        rows = services.traceability(self.filter_queryset(self.get_queryset()))
        return Response(serializers.TraceRowSerializer(rows, many=True).data)


class UserStoryViewSet(RestrictedModelViewSet):
    queryset = UserStory.objects.select_related("ecosystem").prefetch_related(
        "criteria", "links__requirement", "requirements"
    )
    serializer_class = serializers.UserStorySerializer
    filterset_class = filtersets.UserStoryFilterSet


class UseCaseViewSet(RestrictedModelViewSet):
    queryset = UseCase.objects.select_related("ecosystem").prefetch_related(
        "steps", "links__requirement", "requirements"
    )
    serializer_class = serializers.UseCaseSerializer
    filterset_class = filtersets.UseCaseFilterSet


class LinkConfirmView(APIView):
    MODELS = {"story": StoryLink, "use-case": UseCaseLink}

    @extend_schema(request=None, responses={204: None})
    def post(self, request, kind, pk):
        """Re-confirm an item traced to a requirement that changed after approval."""
        model = self.MODELS.get(kind)
        link = model and model.objects.restrict(request.user, "change").filter(pk=pk).first()
        if link is None:
            raise NotFound()
        services.confirm(link)
        return Response(status=204)


class DesignQuestionViewSet(RestrictedModelViewSet):
    queryset = DesignQuestion.objects.select_related("ecosystem", "answered_by")
    serializer_class = serializers.DesignQuestionSerializer
    filterset_class = filtersets.DesignQuestionFilterSet


class BusinessRuleViewSet(RestrictedModelViewSet):
    queryset = BusinessRule.objects.select_related("ecosystem").prefetch_related("flows")
    serializer_class = serializers.BusinessRuleSerializer
    filterset_class = filtersets.BusinessRuleFilterSet
