from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory

from core.filtersets import CheckboxList
from core.forms import LineListField, RestrictedModelForm
from core.forms.base import StyledFormMixin
from core.querysets import restrict_choices
from siam.choices import SystemKindChoices
from siam.models import Organisation

from . import actions, services
from .choices import (
    AlertLevelChoices,
    EscalationActionChoices,
    EscalationClockChoices,
    IncidentStatusChoices,
)
from .lifecycle import SPECS, WAITING, Action
from .models import (
    BusinessCalendar,
    CustomHoliday,
    EscalationRule,
    Incident,
    IncidentToolKey,
    KnownError,
    PriorityMatrix,
    ServiceLevelTarget,
    WorkingPeriod,
)

PAUSABLE = [(value, label) for value, label in IncidentStatusChoices.choices if value in WAITING]


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
    escalation_metric = forms.ChoiceField(
        choices=[
            ("resolution", "The resolution clock"),
            ("response", "The response clock"),
            ("", "Both clocks"),
        ],
        required=False,
        initial="resolution",
        label="Escalate on",
        help_text="Which clock's warnings and breach trigger the actions above. A late first "
        "response is rarely a reason to take the ticket from the provider working on it.",
    )
    escalation_clock = forms.ChoiceField(
        choices=[
            ("", "The end-to-end SLA and the providers' OLAs"),
            *EscalationClockChoices.choices,
        ],
        required=False,
        label="For",
    )

    class Meta:
        model = ServiceLevelTarget
        fields = (
            "contract", "priority", "classification", "service", "response_minutes", "resolution_minutes", "calendar", "pause_states",
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
        self.fields["classification"].label = "Kind of ticket"
        if self.instance.pk:
            rules = list(self.instance.escalations.all())
            for name, level in self.LEVEL_FIELDS.items():
                self.fields[name].initial = [r.action for r in rules if r.level == level]
            if rules:
                self.fields["escalation_metric"].initial = rules[0].metric
                self.fields["escalation_clock"].initial = rules[0].clock
        elif not self.is_bound:
            self.fields["breach_actions"].initial = [EscalationActionChoices.NOTIFY]

    def save(self, commit=True):
        target = super().save(commit=commit)
        if commit:
            target.escalations.all().delete()
            EscalationRule.objects.bulk_create(
                EscalationRule(
                    target=target,
                    level=level,
                    action=action,
                    metric=self.cleaned_data.get("escalation_metric", ""),
                    clock=self.cleaned_data.get("escalation_clock", ""),
                )
                for name, level in self.LEVEL_FIELDS.items()
                for action in self.cleaned_data.get(name, [])
            )
        return target


class KnownErrorForm(RestrictedModelForm):
    class Meta:
        model = KnownError
        fields = ("ecosystem", "reference", "symptom", "category", "service", "workaround")


def tool_key_field(tool: str) -> forms.CharField:
    """An optional input for the incident's key in one tool (``IncidentToolKey``)."""
    return forms.CharField(
        label=IncidentToolKey.LABELS[tool],
        max_length=IncidentToolKey._meta.get_field("key").max_length,
        required=False,
    )


class IncidentForm(RestrictedModelForm):
    """Open an incident, or correct its details. The timeline is changed by actions."""

    jira_key = tool_key_field(SystemKindChoices.JIRA)
    servicenow_number = tool_key_field(SystemKindChoices.SERVICENOW)
    zendesk_id = tool_key_field(SystemKindChoices.ZENDESK)
    azure_devops_id = tool_key_field(SystemKindChoices.AZURE_DEVOPS)

    class Meta:
        model = Incident
        fields = (
            "ecosystem", "service", "title", "description", "classification", "impact", "urgency",
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
        if self.instance.pk:
            keys = {key.tool: key.key for key in self.instance.tool_keys.all()}
            for name, tool in IncidentToolKey.INPUTS.items():
                self.initial.setdefault(name, keys.get(tool, ""))
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


class IncidentActionForm(StyledFormMixin, forms.Form):
    """The form of one incident action, with only the inputs that action takes
    (``slas.lifecycle.SPECS``); ``apply`` takes it through ``slas.actions.perform``."""

    NOTE_LABELS = {
        Action.RESOLVE: "How it was resolved",
        Action.REOPEN: "Why it is reopened",
        Action.COMMENT: "Comment",
        Action.OVERRIDE_PRIORITY: "Reason",
    }

    def __init__(self, *args, action, incident, user, **kwargs):
        # One form per action on the page: ids (and so labels) must not collide.
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.action = Action(action)
        self.spec = SPECS[self.action]
        self.incident = incident
        self.user = user
        for name in self.spec.fields:
            field = self._field(name)
            if field is not None:
                # Whether an input is missing is the lifecycle's call, so the page and
                # the API say the same; the browser is still told what is required.
                field.required = False
                if name in self.spec.required or name in ("approver", "on_behalf_reason"):
                    field.widget.attrs["required"] = True
                self.fields[name] = field
        self._style_widgets()

    def _field(self, name):
        incident = self.incident
        if name == "holder":
            parties = restrict_choices(
                Organisation.objects.filter(pk__in=incident.ecosystem.party_ids()), self.user
            )
            return forms.ModelChoiceField(
                parties.exclude(pk=incident.holder_id) if incident.holder_id else parties,
                required=False,
                label="Hand to",
                empty_label="Nobody (back to the queue)",
                help_text=self.spec.help,
            )
        if name == "waiting_for":
            choices = [(s, label) for s, label in PAUSABLE if s != incident.status]
            return forms.ChoiceField(choices=choices, label="Waiting for")
        if name == "note":
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                label=self.NOTE_LABELS.get(self.action, "Note"),
                max_length=4000,
                help_text="" if self.action is Action.HAND_OFF else self.spec.help,
            )
        if name == "at":
            return forms.DateTimeField(
                label="When",
                required=False,
                help_text="Leave empty for now.",
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            )
        if name in ("approver", "on_behalf_reason"):
            return self._approval_field(name)
        if name == "priority":
            matrix = (
                PriorityMatrix.objects.filter(ecosystem_id=incident.ecosystem_id).first()
                or PriorityMatrix()
            )
            choices = [(p, p) for p in matrix.priorities if p != incident.priority]
            return forms.ChoiceField(choices=choices, label="New priority")
        if name == "known_error":
            return forms.ModelChoiceField(
                restrict_choices(
                    KnownError.objects.filter(ecosystem_id=incident.ecosystem_id), self.user
                ),
                label="Known error",
                help_text=self.spec.help,
            )
        raise ValueError(name)

    def _approval_field(self, name):
        own = actions.approvers(self.incident).filter(user=self.user).first() if self.user else None
        if own is not None:
            # The approver approves in their own name: nothing to choose or explain.
            return None
        if name == "approver":
            return forms.ModelChoiceField(
                actions.approvers(self.incident),
                label="Approved by",
                help_text="A holder of the customer's approving role.",
            )
        return forms.CharField(
            max_length=300,
            label="How they approved it",
            help_text="You record it on their behalf; this is kept with the approval.",
        )

    def apply(self):
        """Take the action; False (with the errors on the form) when it is refused."""
        try:
            actions.perform(self.incident, self.action, self.cleaned_data, user=self.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return False
        return True
