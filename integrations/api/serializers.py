from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from core.api.serializers import ValidatedModelSerializer

from ..choices import ImportFormatChoices, UnknownGroupChoices
from ..dictionaries import standard_flow
from ..models import (
    HMAC_KINDS,
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

COMMON = ("id", "url", "display")


class TicketFeedSerializer(ValidatedModelSerializer):
    endpoint_url = serializers.SerializerMethodField()
    has_secret = serializers.BooleanField(read_only=True)

    class Meta:
        model = TicketFeed
        fields = (
            *COMMON, "ecosystem", "system", "auth_method", "flow", "service", "default_holder",
            "time_zone", "unknown_groups", "active", "description", "endpoint_url", "has_secret",
            "secret_set_at",
        )  # fmt: skip
        read_only_fields = ("secret_set_at",)
        extra_kwargs = {"auth_method": {"required": False}, "flow": {"required": False}}

    def _may_govern(self, ecosystem_id) -> bool:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        from siam.access import get_access_context

        return ecosystem_id in get_access_context(user).governed_ecosystem_ids

    def get_endpoint_url(self, obj) -> str:
        path = reverse("integrations:hook", kwargs={"endpoint": obj.endpoint})
        return f"{settings.SIAM_BASE_URL.rstrip('/')}{path}"

    def validate(self, attrs):
        system = attrs.get("system") or getattr(self.instance, "system", None)
        if self.instance is None and system is not None:
            if not attrs.get("auth_method"):
                attrs["auth_method"] = "hmac" if system.kind in HMAC_KINDS else "token"
            if (
                not attrs.get("flow")
                and system.ecosystem_id == getattr(attrs.get("ecosystem"), "pk", None)
                and self._may_govern(system.ecosystem_id)
            ):
                # The tool's standard dictionary, made once per system; the view's
                # transaction undoes it if the feed is not created after all.
                attrs["flow"] = standard_flow(system)
        if self.instance is not None:
            for name in ("ecosystem", "system", "auth_method"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: "Fixed once the feed exists."})
        return super().validate(attrs)


class FeedSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(
        help_text="Shown this once; only its hash or ciphertext is kept."
    )
    endpoint_url = serializers.CharField()


class AssignmentGroupSerializer(ValidatedModelSerializer):
    class Meta:
        model = AssignmentGroup
        fields = (*COMMON, "feed", "name", "organisation", "created_by_import")
        read_only_fields = ("created_by_import",)

    def validate(self, attrs):
        feed = attrs.get("feed") or getattr(self.instance, "feed", None)
        organisation = attrs.get("organisation")
        if feed and organisation and organisation.pk not in feed.party_ids():
            raise serializers.ValidationError(
                {"organisation": "This organisation takes no part in the feed's ecosystem."}
            )
        return super().validate(attrs)


class InboundEventSerializer(ValidatedModelSerializer):
    body = serializers.CharField(source="body_text", read_only=True)
    incident = serializers.SerializerMethodField()

    class Meta:
        model = InboundEvent
        fields = (
            *COMMON, "feed", "received_at", "remote_addr", "headers", "body", "signature",
            "state", "error", "ticket_key", "event_key", "event_at", "duplicate_of", "ticket",
            "incident", "attempts", "processed_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_incident(self, obj) -> int | None:
        return obj.ticket.incident_id if obj.ticket_id else None


class TicketLinkSerializer(ValidatedModelSerializer):
    class Meta:
        model = TicketLink
        fields = (*COMMON, "feed", "key", "incident", "source_figures", "created")
        read_only_fields = fields


class ImportRunSerializer(ValidatedModelSerializer):
    class Meta:
        model = ImportRun
        fields = (
            *COMMON, "ecosystem", "feed", "format", "file_name", "unknown_groups", "state",
            "rows_read", "events_applied", "events_unchanged", "incidents_created",
            "incidents_updated", "rows_rejected", "rows_conflicting", "rejections", "error", "started_at",
            "finished_at", "created_by",
        )  # fmt: skip
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    feed = serializers.IntegerField()
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=ImportFormatChoices.choices, required=False)
    unknown_groups = serializers.ChoiceField(
        choices=UnknownGroupChoices.choices, default=UnknownGroupChoices.REPORT
    )


class WebhookSubscriptionSerializer(ValidatedModelSerializer):
    # The address alerts are posted to; ``url`` is, as on every resource, this
    # subscription's own API address.
    target_url = serializers.URLField(
        source="url", max_length=WebhookSubscription._meta.get_field("url").max_length
    )

    class Meta:
        model = WebhookSubscription
        fields = (*COMMON, "ecosystem", "name", "target_url", "events", "active", "secret_set_at")
        read_only_fields = ("secret_set_at",)


class SubscriptionSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="Shown this once; only its ciphertext is kept.")


class WebhookDeliverySerializer(ValidatedModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = (
            *COMMON, "subscription", "alert", "event", "payload", "status", "attempts",
            "response_code", "last_error", "created", "delivered_at",
        )  # fmt: skip
        read_only_fields = fields


# --- A flow's data dictionary ------------------------------------------------------------------


class FieldMappingSerializer(ValidatedModelSerializer):
    class Meta:
        model = FieldMapping
        fields = (
            *COMMON, "flow", "position", "source_field", "source_type", "source_max_length", "target_field",
            "target_type", "target_max_length", "semantics", "sample_values", "source_values",
        )  # fmt: skip


class ValueMappingSerializer(ValidatedModelSerializer):
    class Meta:
        model = ValueMapping
        fields = (*COMMON, "field", "direction", "source_value", "target_value", "rule")


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.IntegerField(source="field_id", allow_null=True)
