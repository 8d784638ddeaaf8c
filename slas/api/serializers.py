from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.api.serializers import ValidatedModelSerializer

from .. import clocks, services
from ..choices import EventKindChoices, IncidentStatusChoices
from ..models import (
    BusinessCalendar,
    CustomHoliday,
    EscalationRule,
    Incident,
    IncidentEvent,
    IncidentSla,
    IncidentToolKey,
    KnownError,
    OwnershipGap,
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


class EscalationRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = EscalationRule
        fields = ("level", "metric", "clock", "action")
        extra_kwargs = {"metric": {"required": False}, "clock": {"required": False}}


class ServiceLevelTargetSerializer(ValidatedModelSerializer):
    """A target with its escalation rules; writing ``escalations`` replaces them all."""

    escalations = EscalationRuleSerializer(many=True, required=False)

    class Meta:
        model = ServiceLevelTarget
        fields = (
            *COMMON, "contract", "priority", "classification", "service", "response_minutes", "resolution_minutes",
            "calendar", "pause_states", "warning_1_percent", "warning_2_percent", "goal_resolution_minutes",
            "goal_note", "escalations",
        )  # fmt: skip

    def validate(self, attrs):
        rules = attrs.pop("escalations", None)
        if rules is not None:
            keys = [
                (r["level"], r.get("metric", "resolution"), r.get("clock", ""), r["action"])
                for r in rules
            ]
            if len(set(keys)) != len(keys):
                raise serializers.ValidationError(
                    {"escalations": ["The same rule is given twice."]}
                )
        attrs = super().validate(attrs)
        self._rules = rules
        return attrs

    def _save_rules(self, target):
        if self._rules is None:
            return
        target.escalations.all().delete()
        EscalationRule.objects.bulk_create(
            EscalationRule(target=target, **rule) for rule in self._rules
        )

    def create(self, validated_data):
        target = super().create(validated_data)
        self._save_rules(target)
        return target

    def update(self, instance, validated_data):
        target = super().update(instance, validated_data)
        self._save_rules(target)
        return target


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
    """One clock. ``party_seconds``: of the target's budget, the business seconds each
    party (organisation id, or ``"none"`` for nobody) used while the clock counted, up
    to the breach (a breached clock's shares add up to its target).
    ``recompute_pending``: a target or calendar changed and the repair has not run yet,
    so the figures are still those of the old rules."""

    incident_reference = serializers.CharField(source="incident.reference", read_only=True)
    recompute_pending = serializers.SerializerMethodField()

    def get_recompute_pending(self, obj) -> bool:
        return obj.recompute_pending_since is not None

    class Meta:
        model = IncidentSla
        fields = (
            "id", "incident", "incident_reference", "target", "metric", "provider", "state", "counted_seconds",
            "target_seconds", "due_at", "warning_1_at", "warning_2_at", "breach_at", "warning_1_recorded_at",
            "warning_2_recorded_at", "breach_recorded_at", "computed_at", "party_seconds", "recompute_pending",
            "recompute_pending_since",
        )  # fmt: skip


class OwnershipGapSerializer(serializers.ModelSerializer):
    incident_reference = serializers.CharField(source="incident.reference", read_only=True)

    class Meta:
        model = OwnershipGap
        fields = (
            "id", "incident", "incident_reference", "start", "end", "business_seconds", "handed_over_by", "taken_by",
            "computed_at", "alerted_at",
        )  # fmt: skip


class IncidentSerializer(ValidatedModelSerializer):
    slas = IncidentSlaSerializer(many=True, read_only=True)
    # The incident's keys in the parties' tools (``IncidentToolKey``), one field per
    # tool as the form has them; blank when the incident has none in that tool.
    jira_key = serializers.CharField(required=False, allow_blank=True, max_length=100)
    servicenow_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    zendesk_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    azure_devops_id = serializers.CharField(required=False, allow_blank=True, max_length=100)

    class Meta:
        model = Incident
        fields = (
            *COMMON, "ecosystem", "reference", "title", "description", "service", "classification", "impact", "urgency",
            "priority", "priority_overridden", "priority_override_reason", "status", "holder", "opened_at",
            "responded_at", "resolved_at", "closed_at", "reopen_count", "change_approved_by", "change_approved_at",
            "change_approval_recorded_by", "change_approval_on_behalf", "change_approval_reason", "known_error",
            "jira_key", "servicenow_number", "zendesk_id", "azure_devops_id", "slas",
        )  # fmt: skip
        #: Changed by actions only (``…/actions/<action>/``): a PATCH naming one is a 400.
        read_only_fields = (
            "priority", "priority_overridden", "priority_override_reason", "status", "holder", "responded_at",
            "resolved_at", "closed_at", "reopen_count", "change_approved_by", "change_approved_at",
            "change_approval_recorded_by", "change_approval_on_behalf", "change_approval_reason", "known_error",
        )  # fmt: skip
        extra_kwargs = {"reference": {"required": False}, "opened_at": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        keys = {row.tool: row.key for row in instance.tool_keys.all()}
        for name, tool in IncidentToolKey.INPUTS.items():
            data[name] = keys.get(tool, "")
        return data

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
            attrs.setdefault("opened_at", clocks.now())
        attrs = super().validate(attrs)
        if self.instance is None and not self._reference_given:
            attrs["reference"] = ""
        return attrs


class EventInputSerializer(serializers.Serializer):
    """The older way to act: an event kind (and status) mapped onto an action of
    ``…/actions/``, with its rules. Approvals, known errors and priority changes are
    actions of their own and cannot be written as bare events."""

    kind = serializers.ChoiceField(
        choices=[
            (k, label)
            for k, label in EventKindChoices.choices
            if k in ("status", "handoff", "comment", "resolved", "reopened")
        ]
    )
    at = serializers.DateTimeField(required=False)
    status = serializers.ChoiceField(choices=IncidentStatusChoices.choices, required=False)
    holder = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class ActionInputSerializer(serializers.Serializer):
    """Every input an action may take; each action accepts only those it names."""

    holder = serializers.IntegerField(
        required=False, allow_null=True, help_text="hand-off: organisation id; null = nobody"
    )
    waiting_for = serializers.ChoiceField(choices=IncidentStatusChoices.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    at = serializers.DateTimeField(required=False)
    approver = serializers.IntegerField(required=False, help_text="approve-change: person id")
    on_behalf_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    priority = serializers.CharField(required=False, max_length=30)
    known_error = serializers.IntegerField(
        required=False, help_text="apply-known-error: known error id"
    )
