from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import RestrictedModelViewSet
from core.querysets import CHANGE
from siam.models import IntegrationFlow

from .. import filtersets, services
from ..dictionaries import checked_dictionary
from ..forms import MAX_EXPORT_BYTES
from ..importers import queue_upload
from ..models import (
    AssignmentGroup,
    FieldMapping,
    ImportRun,
    InboundEvent,
    TicketFeed,
    TicketLink,
    ValueMapping,
    WebhookDelivery,
    WebhookSubscription,
)
from . import serializers

READ_ONLY = ["get", "head", "options"]


class SecretOnCreateMixin:
    """The new object's secret (issued by its save command) is in the answer to its
    creation, and never again."""

    def create(self, request, *args, **kwargs):
        # Atomic as a whole: validation may add the feed's data dictionary.
        with transaction.atomic():
            response = super().create(request, *args, **kwargs)
        response.data["secret"] = self.write.outputs["secret"]
        return response


class TicketFeedViewSet(SecretOnCreateMixin, RestrictedModelViewSet):
    """Feeds; the secret is in the answer to the creation (and to ``rotate-secret``)
    only, never again."""

    queryset = TicketFeed.objects.select_related(
        "system", "ecosystem", "flow", "service", "default_holder"
    )
    serializer_class = serializers.TicketFeedSerializer
    filterset_class = filtersets.TicketFeedFilterSet

    @extend_schema(request=None, responses=serializers.FeedSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        feed = self.get_object()
        secret = feed.set_secret()
        feed.save(update_fields=["secret_encrypted", "token_hash", "secret_set_at"])
        endpoint = serializers.TicketFeedSerializer(feed, context={"request": request})
        return Response({"secret": secret, "endpoint_url": endpoint.data["endpoint_url"]})


class AssignmentGroupViewSet(RestrictedModelViewSet):
    queryset = AssignmentGroup.objects.select_related("feed__system", "organisation")
    serializer_class = serializers.AssignmentGroupSerializer
    filterset_fields = ("feed", "organisation")


class InboundEventViewSet(RestrictedModelViewSet):
    """The log of webhook requests, as received (read only; failed ones replayable)."""

    queryset = InboundEvent.objects.select_related(
        "feed__system", "ticket__incident", "ticket__feed__system", "duplicate_of"
    )
    serializer_class = serializers.InboundEventSerializer
    filterset_class = filtersets.InboundEventFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        raise ValidationError({"non_field_errors": ["Events arrive through the feed's webhook."]})

    @extend_schema(request=None, responses=serializers.InboundEventSerializer)
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        event = self.get_object()
        if not TicketFeed.objects.restrict(request.user, CHANGE).filter(pk=event.feed_id).exists():
            return Response({"detail": "You may not replay this feed's events."}, status=403)
        if not services.replay(event):
            raise ValidationError(
                {"state": ["Only a failed, authenticated event can be replayed."]}
            )
        event.refresh_from_db()
        return Response(self.get_serializer(event).data, status=status.HTTP_202_ACCEPTED)


class TicketLinkViewSet(RestrictedModelViewSet):
    queryset = TicketLink.objects.select_related("feed__system", "incident")
    serializer_class = serializers.TicketLinkSerializer
    filterset_class = filtersets.TicketLinkFilterSet
    http_method_names = READ_ONLY


class ImportRunViewSet(RestrictedModelViewSet):
    """Imports; POST a CSV export (multipart) to start one."""

    queryset = ImportRun.objects.select_related("feed__system", "ecosystem", "created_by")
    serializer_class = serializers.ImportRunSerializer
    filterset_class = filtersets.ImportRunFilterSet
    parser_classes = (MultiPartParser, FormParser)
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(
        request=serializers.ImportUploadSerializer, responses={202: serializers.ImportRunSerializer}
    )
    def create(self, request, *args, **kwargs):
        upload = serializers.ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        feed = (
            TicketFeed.objects.restrict(request.user, CHANGE)
            .select_related("system")
            .filter(pk=data["feed"])
            .first()
        )
        if feed is None:
            raise ValidationError({"feed": ["No such feed, or you may not import into it."]})
        fmt = data.get("format") or feed.system.kind
        if fmt not in ("servicenow", "jira"):
            raise ValidationError({"format": ["Choose servicenow or jira."]})
        if data["file"].size > MAX_EXPORT_BYTES:
            raise ValidationError({"file": ["The file is larger than 200 MB."]})
        run = queue_upload(
            feed, data["file"], fmt=fmt, unknown_groups=data["unknown_groups"], user=request.user
        )
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)


class WebhookSubscriptionViewSet(SecretOnCreateMixin, RestrictedModelViewSet):
    queryset = WebhookSubscription.objects.select_related("ecosystem")
    serializer_class = serializers.WebhookSubscriptionSerializer
    filterset_class = filtersets.WebhookSubscriptionFilterSet

    @extend_schema(request=None, responses=serializers.SubscriptionSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        subscription = self.get_object()
        secret = subscription.set_secret()
        subscription.save(update_fields=["secret_encrypted", "secret_set_at"])
        return Response({"secret": secret})


class WebhookDeliveryViewSet(RestrictedModelViewSet):
    queryset = WebhookDelivery.objects.select_related(
        "subscription",
        "alert__incident_sla__incident",
        "alert__incident_sla__provider",
    )
    serializer_class = serializers.WebhookDeliverySerializer
    filterset_class = filtersets.WebhookDeliveryFilterSet
    http_method_names = READ_ONLY


# --- A flow's data dictionary ------------------------------------------------------------------


class FieldMappingViewSet(RestrictedModelViewSet):
    queryset = FieldMapping.objects.select_related("flow")
    serializer_class = serializers.FieldMappingSerializer
    filterset_fields = ("flow",)


class ValueMappingViewSet(RestrictedModelViewSet):
    queryset = ValueMapping.objects.select_related("field")
    serializer_class = serializers.ValueMappingSerializer
    filterset_fields = ("field", "field__flow", "direction", "rule")


class DictionaryCheckView(APIView):
    @extend_schema(responses=serializers.ProblemSerializer(many=True))
    def get(self, request, pk):
        """The data-dictionary checks of one integration flow."""
        flow = IntegrationFlow.objects.restrict(request.user).filter(pk=pk).first()
        if flow is None:
            raise NotFound()
        _, problems = checked_dictionary(flow)
        return Response(serializers.ProblemSerializer(problems, many=True).data)
