from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.api.serializers import ValidatedModelSerializer

from .. import services
from ..choices import EventKindChoices, IncidentStatusChoices
from ..models import (
    BusinessCalendar,
    CustomHoliday,
    Incident,
    IncidentEvent,
    IncidentSla,
    KnownError,
    PriorityMatrix,
    ServiceLevelTarget,
    WorkingPeriod,
)

COMMON = ("id", "url", "display")


class WorkingPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkingPeriod
        fields = ("weekday", "start", "end")


class CustomHolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomHoliday
        fields = ("date", "name")


class BusinessCalendarSerializer(ValidatedModelSerializer):
    working_periods = WorkingPeriodSerializer(many=True, required=False)
    custom_holidays = CustomHolidaySerializer(many=True, required=False)

    class Meta:
        model = BusinessCalendar
        fields = (
            *COMMON, "ecosystem", "name", "time_zone", "always_open", "holiday_country", "holiday_subdivision",
            "description", "working_periods", "custom_holidays",
        )  # fmt: skip

    def validate(self, attrs):
        nested = {
            key: attrs.pop(key) for key in ("working_periods", "custom_holidays") if key in attrs
        }
        attrs = super().validate(attrs)
        for period in nested.get("working_periods", []):
            end = period["end"]
            if (end.hour or end.minute) and end <= period["start"]:
                raise serializers.ValidationError(
                    {"working_periods": ["Each period must end after it starts."]}
                )
        attrs.update(nested)
        return attrs

    def _save_nested(self, calendar, periods, holidays):
        if periods is not None:
            calendar.working_periods.all().delete()
            WorkingPeriod.objects.bulk_create(
                WorkingPeriod(calendar=calendar, **p) for p in periods
            )
        if holidays is not None:
            calendar.custom_holidays.all().delete()
            CustomHoliday.objects.bulk_create(
                CustomHoliday(calendar=calendar, **h) for h in holidays
            )

    def create(self, validated_data):
        periods, holidays = (
            validated_data.pop("working_periods", None),
            validated_data.pop("custom_holidays", None),
        )
        calendar = super().create(validated_data)
        self._save_nested(calendar, periods, holidays)
        return calendar

    def update(self, instance, validated_data):
        periods, holidays = (
            validated_data.pop("working_periods", None),
            validated_data.pop("custom_holidays", None),
        )
        calendar = super().update(instance, validated_data)
        self._save_nested(calendar, periods, holidays)
        return calendar


class PriorityMatrixSerializer(ValidatedModelSerializer):
    class Meta:
        model = PriorityMatrix
        fields = (*COMMON, "ecosystem", "impact_levels", "urgency_levels", "priorities", "cells")


class ServiceLevelTargetSerializer(ValidatedModelSerializer):
    class Meta:
        model = ServiceLevelTarget
        fields = (
            *COMMON, "contract", "priority", "response_minutes", "resolution_minutes", "calendar", "pause_states",
            "warning_1_percent", "warning_2_percent", "goal_resolution_minutes", "goal_note",
        )  # fmt: skip


class KnownErrorSerializer(ValidatedModelSerializer):
    times_used = serializers.IntegerField(read_only=True)

    class Meta:
        model = KnownError
        fields = (
            *COMMON,
            "ecosystem",
            "reference",
            "symptom",
            "category",
            "service",
            "workaround",
            "times_used",
        )


class IncidentEventSerializer(serializers.ModelSerializer):
    """A timeline event. Written through the incident's ``events`` endpoint; the
    status and holder are the values after the event (unchanged when omitted)."""

    class Meta:
        model = IncidentEvent
        fields = ("id", "at", "kind", "status", "holder", "note", "author", "created")
        read_only_fields = ("author", "created")
        extra_kwargs = {
            "at": {"required": False},
            "status": {"required": False},
            "holder": {"required": False},
        }


class IncidentSlaSerializer(serializers.ModelSerializer):
    incident_reference = serializers.CharField(source="incident.reference", read_only=True)

    class Meta:
        model = IncidentSla
        fields = (
            "id", "incident", "incident_reference", "target", "metric", "provider", "state", "counted_seconds",
            "target_seconds", "due_at", "warning_1_at", "warning_2_at", "breach_at", "warning_1_recorded_at",
            "warning_2_recorded_at", "breach_recorded_at", "computed_at",
        )  # fmt: skip


class IncidentSerializer(ValidatedModelSerializer):
    slas = IncidentSlaSerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = (
            *COMMON, "ecosystem", "reference", "title", "description", "service", "classification", "impact", "urgency",
            "priority", "priority_overridden", "priority_override_reason", "status", "holder", "opened_at",
            "responded_at", "resolved_at", "closed_at", "reopen_count", "change_approved_by", "change_approved_at",
            "known_error", "jira_key", "servicenow_number", "zendesk_id", "azure_devops_id", "slas",
        )  # fmt: skip
        read_only_fields = (
            "priority", "priority_overridden", "priority_override_reason", "status", "holder", "responded_at",
            "resolved_at", "closed_at", "reopen_count", "change_approved_by", "change_approved_at", "known_error",
        )  # fmt: skip
        extra_kwargs = {"reference": {"required": False}, "opened_at": {"required": False}}

    def validate(self, attrs):
        ecosystem = attrs.get("ecosystem") or getattr(self.instance, "ecosystem", None)
        service = attrs.get("service")
        if ecosystem and service and service.ecosystem_id != ecosystem.pk:
            raise serializers.ValidationError(
                {"service": [f"{service} is not a service of {ecosystem}."]}
            )
        probe = Incident(
            ecosystem=ecosystem,
            impact=attrs.get("impact", getattr(self.instance, "impact", "")),
            urgency=attrs.get("urgency", getattr(self.instance, "urgency", "")),
        )
        if ecosystem is not None:
            try:
                priority = services.compute_priority(probe)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from exc
            if not (self.instance and self.instance.priority_overridden):
                attrs["priority"] = priority
        if self.instance is None:
            # Validation needs a value; an incident without a reference of its own gets
            # one from the locked allocator when it is opened (see create).
            self._reference_given = bool(attrs.get("reference"))
            attrs.setdefault(
                "reference", services.next_reference(ecosystem.pk) if ecosystem else ""
            )
            attrs.setdefault("opened_at", services.now())
        return super().validate(attrs)

    def create(self, validated_data):
        if not getattr(self, "_reference_given", True):
            validated_data["reference"] = ""
        incident = Incident(**validated_data)
        request = self.context.get("request")
        return services.open_incident(
            incident, author=getattr(request, "user", None), at=incident.opened_at
        )

    def update(self, instance, validated_data):
        instance = super().update(instance, validated_data)
        services.recompute_incidents([instance])
        return instance


class EventInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKindChoices.choices)
    at = serializers.DateTimeField(required=False)
    status = serializers.ChoiceField(choices=IncidentStatusChoices.choices, required=False)
    holder = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
