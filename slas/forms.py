from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone

from core.filtersets import CheckboxList
from core.forms import LineListField, RestrictedModelForm
from core.forms.base import StyledFormMixin
from siam.models import Organisation, Person

from . import services
from .choices import (
    AlertLevelChoices,
    EscalationActionChoices,
    EventKindChoices,
    IncidentStatusChoices,
)
from .models import (
    BusinessCalendar,
    CustomHoliday,
    EscalationRule,
    Incident,
    KnownError,
    PriorityMatrix,
    ServiceLevelTarget,
    WorkingPeriod,
)

PAUSABLE = [
    (value, label)
    for value, label in IncidentStatusChoices.choices
    if value
    not in (
        IncidentStatusChoices.NEW,
        IncidentStatusChoices.IN_PROGRESS,
        IncidentStatusChoices.RESOLVED,
        IncidentStatusChoices.CLOSED,
    )
]


class BusinessCalendarForm(RestrictedModelForm):
    time_zone = forms.CharField(
        help_text="IANA name, e.g. Europe/Amsterdam or America/New_York. Working hours are in this zone.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )

    class Meta:
        model = BusinessCalendar
        fields = (
            "ecosystem",
            "name",
            "time_zone",
            "always_open",
            "holiday_country",
            "holiday_subdivision",
            "description",
        )


class WorkingPeriodForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = WorkingPeriod
        fields = ("weekday", "start", "end")
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class CustomHolidayForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = CustomHoliday
        fields = ("date", "name")
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


WorkingPeriodFormSet = inlineformset_factory(
    BusinessCalendar, WorkingPeriod, form=WorkingPeriodForm, extra=2, can_delete=True
)
CustomHolidayFormSet = inlineformset_factory(
    BusinessCalendar, CustomHoliday, form=CustomHolidayForm, extra=2, can_delete=True
)


class PriorityMatrixForm(RestrictedModelForm):
    """The grid editor: levels as lists, one drop-down per impact x urgency cell."""

    impact_levels = LineListField(help_text="One level per line, highest impact first.")
    urgency_levels = LineListField(help_text="One level per line, highest urgency first.")
    priorities = LineListField(help_text="One priority per line, most urgent first (e.g. P1 … P5).")
    # Filled from the grid's drop-downs in clean(); hidden, but where the matrix's own
    # validation reports a cell left empty.
    cells = forms.JSONField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = PriorityMatrix
        fields = ("ecosystem", "impact_levels", "urgency_levels", "priorities", "cells")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else None
        matrix = self.instance
        impacts = self._levels(source, "impact_levels", matrix.impact_levels)
        urgencies = self._levels(source, "urgency_levels", matrix.urgency_levels)
        priorities = self._levels(source, "priorities", matrix.priorities)
        self.grid_impacts, self.grid_urgencies = impacts, urgencies
        self.cell_names = {}
        for i, impact in enumerate(impacts):
            for u, urgency in enumerate(urgencies):
                name = f"cell_{i}_{u}"
                self.cell_names[name] = (impact, urgency)
                self.fields[name] = forms.ChoiceField(
                    label=f"{impact} × {urgency}",
                    choices=[("", "—"), *[(p, p) for p in priorities]],
                    initial=matrix.cells.get(PriorityMatrix.key(impact, urgency)),
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )

    @staticmethod
    def _levels(data, name, default):
        if data is not None and name in data:
            return [line.strip() for line in data.get(name, "").splitlines() if line.strip()]
        return list(default or [])

    def grid_rows(self):
        """Rows of bound cell fields for the template's table."""
        rows = []
        for i, impact in enumerate(self.grid_impacts):
            rows.append((impact, [self[f"cell_{i}_{u}"] for u in range(len(self.grid_urgencies))]))
        return rows

    def clean(self):
        cleaned = super().clean()
        cleaned["cells"] = {
            PriorityMatrix.key(impact, urgency): cleaned.get(name)
            for name, (impact, urgency) in self.cell_names.items()
            if cleaned.get(name)
        }
        return cleaned


class ServiceLevelTargetForm(RestrictedModelForm):
    pause_states = forms.MultipleChoiceField(
        choices=PAUSABLE,
        required=False,
        widget=CheckboxList(),
        help_text="While the incident is in one of these, the clock does not count.",
    )
    warning_1_actions = forms.MultipleChoiceField(
        choices=EscalationActionChoices.choices,
        required=False,
        widget=CheckboxList(),
        label="At the first warning",
    )
    warning_2_actions = forms.MultipleChoiceField(
        choices=EscalationActionChoices.choices,
        required=False,
        widget=CheckboxList(),
        label="At the second warning",
    )
    breach_actions = forms.MultipleChoiceField(
        choices=EscalationActionChoices.choices,
        required=False,
        widget=CheckboxList(),
        label="At the breach",
    )

    class Meta:
        model = ServiceLevelTarget
        fields = (
            "contract", "priority", "response_minutes", "resolution_minutes", "calendar", "pause_states",
            "warning_1_percent", "warning_2_percent", "goal_resolution_minutes", "goal_note",
        )  # fmt: skip

    LEVEL_FIELDS = {
        "warning_1_actions": AlertLevelChoices.WARNING_1,
        "warning_2_actions": AlertLevelChoices.WARNING_2,
        "breach_actions": AlertLevelChoices.BREACH,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = self.fields["contract"].queryset.select_related(
            "ecosystem"
        )
        self.fields["calendar"].queryset = self.fields["calendar"].queryset.select_related(
            "ecosystem"
        )
        self.fields["calendar"].label_from_instance = lambda c: f"{c} ({c.ecosystem})"
        if self.instance.pk:
            existing = list(self.instance.escalations.values_list("level", "action"))
            for name, level in self.LEVEL_FIELDS.items():
                self.fields[name].initial = [action for lvl, action in existing if lvl == level]
        elif not self.is_bound:
            self.fields["breach_actions"].initial = [EscalationActionChoices.NOTIFY]

    def save(self, commit=True):
        target = super().save(commit=commit)
        if commit:
            target.escalations.all().delete()
            EscalationRule.objects.bulk_create(
                EscalationRule(target=target, level=level, action=action)
                for name, level in self.LEVEL_FIELDS.items()
                for action in self.cleaned_data.get(name, [])
            )
        return target


class KnownErrorForm(RestrictedModelForm):
    class Meta:
        model = KnownError
        fields = ("ecosystem", "reference", "symptom", "category", "service", "workaround")


class IncidentForm(RestrictedModelForm):
    """Open an incident, or correct its details. The timeline is changed by actions."""

    class Meta:
        model = Incident
        fields = (
            "ecosystem", "service", "title", "description", "classification", "impact", "urgency",
            "jira_key", "servicenow_number", "zendesk_id", "azure_devops_id",
        )  # fmt: skip
        help_texts = {
            "impact": "As in the ecosystem's priority matrix, e.g. High.",
            "urgency": "e.g. Medium.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = self.fields["service"].queryset.select_related(
            "ecosystem"
        )
        self.fields["service"].label_from_instance = lambda s: f"{s} ({s.ecosystem})"
        matrices = PriorityMatrix.objects.filter(ecosystem__in=self.fields["ecosystem"].queryset)
        impacts, urgencies = [], []
        for matrix in [*matrices, PriorityMatrix()]:
            impacts += [level for level in matrix.impact_levels if level not in impacts]
            urgencies += [level for level in matrix.urgency_levels if level not in urgencies]
        self.fields["impact"] = forms.ChoiceField(
            choices=[(v, v) for v in impacts], help_text=self.fields["impact"].help_text
        )
        self.fields["urgency"] = forms.ChoiceField(
            choices=[(v, v) for v in urgencies], help_text=self.fields["urgency"].help_text
        )
        self._style_widgets()

    def clean(self):
        cleaned = super().clean()
        ecosystem, service = cleaned.get("ecosystem"), cleaned.get("service")
        if ecosystem and service and service.ecosystem_id != ecosystem.pk:
            self.add_error("service", f"{service} is not a service of {ecosystem}.")
        if ecosystem and cleaned.get("impact") and cleaned.get("urgency"):
            probe = Incident(
                ecosystem=ecosystem, impact=cleaned["impact"], urgency=cleaned["urgency"]
            )
            try:
                services.compute_priority(probe)
            except ValidationError as exc:
                self.add_error("urgency", exc.message_dict["urgency"])
        return cleaned

    def save(self, commit=True):
        incident = super().save(commit=False)
        if incident.pk is None:
            incident.opened_at = services.now()
            return services.open_incident(incident, author=self.user)
        if not incident.priority_overridden:
            incident.priority = services.compute_priority(incident)
        incident.save()
        services.recompute_incidents([incident])
        return incident


class IncidentActionForm(StyledFormMixin, forms.Form):
    """One form for what people do to an incident: each action appends to the timeline."""

    ACTIONS = [
        ("handoff", "Hand off to another party"),
        ("pause", "Pause (waiting for someone)"),
        ("resume", "Resume work"),
        ("resolve", "Resolve"),
        ("reopen", "Reopen"),
        ("close", "Close"),
        ("comment", "Comment"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    holder = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Hand to"
    )
    pause_status = forms.ChoiceField(choices=PAUSABLE, required=False, label="Waiting for")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    at = forms.DateTimeField(
        required=False,
        label="When",
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.fields["holder"].queryset = Organisation.objects.filter(
            pk__in=incident.ecosystem.party_ids()
        )
        self._style_widgets()

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "handoff" and not cleaned.get("holder"):
            self.add_error("holder", "Choose the party that takes it over.")
        if action == "pause" and not cleaned.get("pause_status"):
            self.add_error("pause_status", "Say who you are waiting for.")
        if action == "comment" and not cleaned.get("note", "").strip():
            self.add_error("note", "Write the comment.")
        when = cleaned.get("at")
        if when and when > timezone.now() + timezone.timedelta(minutes=5):
            self.add_error("at", "An event cannot be in the future.")
        return cleaned

    def apply(self, author):
        data = self.cleaned_data
        action = data["action"]
        kwargs = {"at": data.get("at") or None, "note": data.get("note", ""), "author": author}
        if action == "handoff":
            return services.record_event(
                self.incident,
                kind=EventKindChoices.HANDOFF,
                holder=data["holder"],
                status=IncidentStatusChoices.IN_PROGRESS
                if self.incident.status == IncidentStatusChoices.NEW
                else None,
                **kwargs,
            )
        if action == "pause":
            return services.record_event(
                self.incident, kind=EventKindChoices.STATUS, status=data["pause_status"], **kwargs
            )
        if action == "resume":
            return services.record_event(
                self.incident,
                kind=EventKindChoices.STATUS,
                status=IncidentStatusChoices.IN_PROGRESS,
                **kwargs,
            )
        if action == "resolve":
            return services.record_event(
                self.incident,
                kind=EventKindChoices.RESOLVED,
                status=IncidentStatusChoices.RESOLVED,
                **kwargs,
            )
        if action == "reopen":
            return services.record_event(
                self.incident,
                kind=EventKindChoices.REOPENED,
                status=IncidentStatusChoices.IN_PROGRESS,
                **kwargs,
            )
        if action == "close":
            return services.record_event(
                self.incident,
                kind=EventKindChoices.STATUS,
                status=IncidentStatusChoices.CLOSED,
                **kwargs,
            )
        return services.record_event(self.incident, kind=EventKindChoices.COMMENT, **kwargs)


class ApproveChangeForm(StyledFormMixin, forms.Form):
    approver = forms.ModelChoiceField(
        queryset=Person.objects.none(), label="Approved by (customer business owner)"
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.fields["approver"].queryset = Person.objects.filter(
            organisation_id=incident.ecosystem.customer_id
        )
        self._style_widgets()


class PriorityOverrideForm(StyledFormMixin, forms.Form):
    priority = forms.ChoiceField(choices=())
    reason = forms.CharField(max_length=300, help_text="Kept with the incident, with your name.")

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        matrix = (
            PriorityMatrix.objects.filter(ecosystem_id=incident.ecosystem_id).first()
            or PriorityMatrix()
        )
        self.fields["priority"].choices = [(p, p) for p in matrix.priorities]
        self.fields["priority"].initial = incident.priority
        self._style_widgets()


class ApplyKnownErrorForm(StyledFormMixin, forms.Form):
    known_error = forms.ModelChoiceField(queryset=KnownError.objects.none(), label="Known error")

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["known_error"].queryset = KnownError.objects.filter(
            ecosystem_id=incident.ecosystem_id
        )
        self._style_widgets()
