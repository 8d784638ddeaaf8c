from django import forms
from django.forms import inlineformset_factory

from core.forms.base import RestrictedModelForm, StyledFormMixin
from requirements_app.models import Requirement
from siam.forms import PARTY_PEOPLE, EcosystemDependentMixin
from siam.models import Person

from .assessment import DIMENSIONS
from .choices import MeetingStatusChoices
from .models import (
    Action,
    Assessment,
    Board,
    BoardMember,
    Decision,
    ImprovementItem,
    Kpi,
    Measurement,
    Meeting,
    Pod,
    PodMember,
    ScoringModel,
)


class EcosystemForm(EcosystemDependentMixin, RestrictedModelForm):
    """A governance record: its ecosystem is fixed once saved and every person, board or
    meeting offered comes from that ecosystem."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_ecosystem()
        for name in self.dependent_fields:
            field = self.fields.get(name)
            if field is not None and getattr(field.queryset, "model", None) is Person:
                field.queryset = field.queryset.select_related("organisation")
                field.label_from_instance = lambda p: f"{p} ({p.organisation})"
        if self.instance.pk and "ecosystem" in self.fields:
            self.fields["ecosystem"].disabled = True

    def clean(self):
        data = super().clean()
        eco = data.get("ecosystem") or getattr(self.instance, "ecosystem", None)
        if eco is None:
            return data
        parties = eco.party_ids()
        for name in self.dependent_fields:
            value = data.get(name)
            values = (
                value if isinstance(value, list | tuple) or hasattr(value, "model") else [value]
            )
            for item in values or []:
                if item is None:
                    continue
                if isinstance(item, Person) and item.organisation_id not in parties:
                    self.add_error(name, f"{item} is not with a party of {eco}.")
                elif hasattr(item, "ecosystem_id") and item.ecosystem_id != eco.pk:
                    self.add_error(name, f"“{item}” belongs to another ecosystem.")
        return data


class ChildForm(StyledFormMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class BoardForm(EcosystemForm):
    class Meta:
        model = Board
        fields = (
            "ecosystem",
            "name",
            "level",
            "element",
            "cadence",
            "quorum",
            "quorum_every_layer",
            "terms_of_reference",
        )
        widgets = {"terms_of_reference": forms.Textarea(attrs={"rows": 4})}


class BoardMemberForm(ChildForm):
    class Meta:
        model = BoardMember
        fields = ("person", "layer", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.select_related("organisation")


class BaseBoardMemberFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        eco = self.instance.ecosystem if self.instance.pk else None
        for form in self.forms:
            if eco is not None:
                form.fields["person"].queryset = form.fields["person"].queryset.filter(
                    organisation_id__in=eco.party_ids()
                )


BoardMemberFormSet = inlineformset_factory(
    Board,
    BoardMember,
    form=BoardMemberForm,
    formset=BaseBoardMemberFormSet,
    extra=3,
    can_delete=True,
)


class MeetingForm(EcosystemForm):
    dependent_fields = {"board": "ecosystem_id", "attendees": PARTY_PEOPLE}

    class Meta:
        model = Meeting
        fields = (
            "ecosystem",
            "board",
            "title",
            "scheduled_at",
            "agenda",
            "attendees",
            "minutes",
            "status",
        )
        widgets = {
            "scheduled_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "attendees": "Who was (or will be) there; quorum counts the board's voting members."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Closing is its own step ("Close meeting") because it checks decisions and actions.
        self.fields["status"].choices = [
            c for c in MeetingStatusChoices.choices if c[0] != MeetingStatusChoices.CLOSED
        ] + (
            [(MeetingStatusChoices.CLOSED, "Closed")]
            if self.instance.status == MeetingStatusChoices.CLOSED
            else []
        )
        self.fields["attendees"].widget.attrs["size"] = 8


class MeetingDecisionForm(ChildForm):
    class Meta:
        model = Decision
        fields = ("title", "owner", "status")


class MeetingActionForm(ChildForm):
    class Meta:
        model = Action
        fields = ("title", "owner", "due_date", "status")
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}


class BaseMeetingChildFormSet(forms.BaseInlineFormSet):
    """Decisions and actions recorded on the meeting page: people from its ecosystem;
    each row inherits the meeting's ecosystem."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        eco_id = self.instance.ecosystem_id if self.instance.pk else None
        for form in [*self.forms, self.empty_form]:
            people = Person.objects.select_related("organisation")
            if eco_id:
                people = people.filter(organisation_id__in=self.instance.ecosystem.party_ids())
            form.fields["owner"].queryset = people

    def save_new(self, form, commit=True):
        # The meeting may have been created by this same post: take its ecosystem now.
        form.instance.ecosystem_id = self.instance.ecosystem_id
        return super().save_new(form, commit=commit)


MeetingDecisionFormSet = inlineformset_factory(
    Meeting,
    Decision,
    form=MeetingDecisionForm,
    formset=BaseMeetingChildFormSet,
    extra=1,
    can_delete=True,
)
MeetingActionFormSet = inlineformset_factory(
    Meeting,
    Action,
    form=MeetingActionForm,
    formset=BaseMeetingChildFormSet,
    extra=2,
    can_delete=True,
)


class DecisionForm(EcosystemForm):
    dependent_fields = {"meeting": "ecosystem_id", "owner": PARTY_PEOPLE}

    class Meta:
        model = Decision
        fields = ("ecosystem", "meeting", "title", "description", "status", "owner", "decided_on")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ActionForm(EcosystemForm):
    dependent_fields = {"meeting": "ecosystem_id", "owner": PARTY_PEOPLE}

    class Meta:
        model = Action
        fields = ("ecosystem", "meeting", "title", "description", "owner", "due_date", "status")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class KpiForm(EcosystemForm):
    dependent_fields = {"requirements": "ecosystem_id"}

    class Meta:
        model = Kpi
        fields = (
            "ecosystem", "name", "kind", "description", "unit", "direction", "baseline", "target",
            "frequency", "source", "priority", "measured_from", "requirements",
        )  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].queryset = self.fields["requirements"].queryset.order_by("code")
        self.fields["requirements"].label_from_instance = lambda r: f"{r.code} {r.title}"


class MeasurementForm(ChildForm):
    class Meta:
        model = Measurement
        fields = ("period_start", "value", "note")
        widgets = {"period_start": forms.DateInput(attrs={"type": "date"})}


MeasurementFormSet = inlineformset_factory(
    Kpi, Measurement, form=MeasurementForm, extra=1, can_delete=True
)


class ImprovementItemForm(EcosystemForm):
    dependent_fields = {"owner": PARTY_PEOPLE, "requirement": "ecosystem_id"}

    class Meta:
        model = ImprovementItem
        fields = (
            "ecosystem", "register", "title", "description", "business_impact", "complexity",
            "cost", "risk", "status", "owner", "requirement",
        )  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            **{
                name: forms.Select(choices=[(n, n) for n in range(1, 6)])
                for name in ("business_impact", "complexity", "cost", "risk")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = Requirement.objects.restrict(self.user).order_by(
            "code"
        )
        self.limit_to_ecosystem()


class OverrideForm(StyledFormMixin, forms.Form):
    override_score = forms.FloatField(
        required=False, min_value=0, max_value=100, label="Score to rank by",
        help_text="Empty removes the override; the computed score ranks it again.",
    )  # fmt: skip
    override_reason = forms.CharField(
        required=False,
        max_length=300,
        label="Reason",
        help_text="e.g. Regulatory compliance (GDPR).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def clean(self):
        data = super().clean()
        if (
            data.get("override_score") is not None
            and not (data.get("override_reason") or "").strip()
        ):
            self.add_error("override_reason", "Say why the ranking is overridden.")
        return data


class ScoringModelForm(RestrictedModelForm):
    class Meta:
        model = ScoringModel
        fields = ("ecosystem", "business_impact", "complexity", "cost", "risk")
        help_texts = {"business_impact": "Weights in %; together they make 100."}


class PodForm(EcosystemForm):
    dependent_fields = {"head": PARTY_PEOPLE}

    class Meta:
        model = Pod
        fields = ("ecosystem", "name", "focus", "head")
        widgets = {"focus": forms.Textarea(attrs={"rows": 2})}


class PodMemberForm(ChildForm):
    class Meta:
        model = PodMember
        fields = ("person", "role", "part_time")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.select_related("organisation")


class BasePodMemberFormSet(BaseBoardMemberFormSet):
    pass


PodMemberFormSet = inlineformset_factory(
    Pod, PodMember, form=PodMemberForm, formset=BasePodMemberFormSet, extra=3, can_delete=True
)

RATING_CHOICES = [("", "—")] + [(n, str(n)) for n in range(0, 6)]


class AssessmentForm(EcosystemForm):
    """One rating (0 to 5) per question, grouped by dimension, stored as ``answers``."""

    dependent_fields = {"assessed_by": PARTY_PEOPLE}

    class Meta:
        model = Assessment
        fields = ("ecosystem", "title", "assessed_on", "assessed_by", "notes")
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for _dimension, (label, questions) in DIMENSIONS.items():
            for key, text in questions:
                self.fields[key] = forms.TypedChoiceField(
                    choices=RATING_CHOICES, coerce=int, empty_value=None, required=False,
                    label=text, help_text=f"{label}: 0 absent, 5 fully in place.",
                )  # fmt: skip
                self.initial.setdefault(key, self.instance.answers.get(key))
        self._style_widgets()

    def save(self, commit=True):
        self.instance.answers = {
            key: self.cleaned_data[key]
            for _d, (_l, questions) in DIMENSIONS.items()
            for key, _t in questions
            if self.cleaned_data.get(key) is not None
        }
        return super().save(commit)


class MonthInput(forms.TextInput):
    input_type = "month"


class ReportForm(StyledFormMixin, forms.Form):
    ecosystem = forms.ModelChoiceField(queryset=None)
    month = forms.DateField(
        widget=MonthInput, input_formats=["%Y-%m", "%Y-%m-%d"], help_text="The month to report on."
    )

    def __init__(self, *args, user=None, ecosystems=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ecosystem"].queryset = ecosystems
        self._style_widgets()

    def clean_month(self):
        from .steering import refuse_future

        month = self.cleaned_data["month"]
        try:
            refuse_future(month)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["month"]) from None
        return month
