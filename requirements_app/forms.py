from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory

from core.forms.base import RestrictedModelForm, StyledFormMixin
from siam.forms import PARTIES, EcosystemDependentMixin

from .models import (
    AcceptanceCriterion,
    BusinessRule,
    DesignQuestion,
    PainPoint,
    Requirement,
    UseCase,
    UseCaseStep,
    UserStory,
    Vision,
)


class PainPointForm(EcosystemDependentMixin, RestrictedModelForm):
    class Meta:
        model = PainPoint
        fields = ("ecosystem", "title", "description", "affected", "severity", "parties")
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    dependent_fields = {"parties": PARTIES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_ecosystem()
        if self.instance.pk:
            self.fields["ecosystem"].disabled = True

    def clean(self):
        data = super().clean()
        eco, parties = data.get("ecosystem"), data.get("parties") or []
        if eco:
            outsiders = PainPoint.outsiders(eco, parties)
            if outsiders:
                self.add_error("parties", f"Not parties of {eco}: {', '.join(outsiders)}.")
        return data


class VisionForm(RestrictedModelForm):
    class Meta:
        model = Vision
        fields = ("ecosystem", "statement", "goals")
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.Textarea(attrs={"rows": 5}),
        }


class RequirementForm(EcosystemDependentMixin, RestrictedModelForm):
    dependent_fields = {"pain_points": "ecosystem_id"}

    class Meta:
        model = Requirement
        fields = (
            "ecosystem",
            "title",
            "statement",
            "rationale",
            "priority",
            "owner",
            "pain_points",
        )
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "rationale": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "priority": "MoSCoW: must / should / could / won't have this time.",
            "pain_points": "The pain points this requirement removes (traceability).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_ecosystem()
        self.fields["owner"].queryset = self.fields["owner"].queryset.select_related("organisation")
        self.fields["owner"].label_from_instance = lambda p: f"{p} ({p.organisation})"
        if self.instance.pk:
            self.fields["ecosystem"].disabled = True

    def clean(self):
        data = super().clean()
        eco = data.get("ecosystem")
        for point in data.get("pain_points") or []:
            if eco and point.ecosystem_id != eco.pk:
                self.add_error("pain_points", f"“{point}” is a pain point of another ecosystem.")
        return data


class CriterionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AcceptanceCriterion
        fields = ("position", "text", "met")
        widgets = {
            "text": forms.Textarea(attrs={"rows": 1}),
            "position": forms.NumberInput(attrs={"class": "w-auto", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class AtLeastOneFormSet(forms.BaseInlineFormSet):
    minimum_message = ""

    def clean(self):
        super().clean()
        kept = [
            f
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("text")
        ]
        if self.minimum_message and not kept:
            raise ValidationError(self.minimum_message)


RequirementCriteriaFormSet = inlineformset_factory(
    Requirement,
    AcceptanceCriterion,
    form=CriterionForm,
    fk_name="requirement",
    extra=2,
    can_delete=True,
)
StoryCriteriaFormSet = inlineformset_factory(
    UserStory, AcceptanceCriterion, form=CriterionForm, fk_name="story", extra=2, can_delete=True
)


class TracedForm(EcosystemDependentMixin, RestrictedModelForm):
    """Stories and use cases: the requirements they trace to, from their ecosystem."""

    dependent_fields = {"requirements": "ecosystem_id"}

    requirements = forms.ModelMultipleChoiceField(
        queryset=Requirement.objects.all(),
        required=False,
        help_text="The requirements this item realises.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].queryset = Requirement.objects.restrict(self.user)
        self.limit_to_ecosystem()
        if self.instance.pk:
            self.fields["requirements"].initial = list(
                self.instance.requirements.values_list("pk", flat=True)
            )
            self.fields["ecosystem"].disabled = True
        self.fields["requirements"].widget.attrs["class"] = "form-select"
        self.fields["requirements"].widget.attrs["size"] = 6

    def clean(self):
        data = super().clean()
        eco = data.get("ecosystem")
        for req in data.get("requirements") or []:
            if eco and req.ecosystem_id != eco.pk:
                self.add_error("requirements", f"{req.code} belongs to another ecosystem.")
        return data


class UserStoryForm(TracedForm):
    class Meta:
        model = UserStory
        fields = ("ecosystem", "role", "goal", "benefit", "requirements")
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 2}),
            "benefit": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model says which part of the sentence is missing; the form's generic
        # "This field is required." would say it twice and less clearly.
        for name, _label in UserStory.STORY_PARTS:
            self.fields[name].required = False
            self.fields[name].show_required = True


class UseCaseForm(TracedForm):
    class Meta:
        model = UseCase
        fields = ("ecosystem", "title", "actors", "preconditions", "postconditions", "requirements")
        widgets = {
            "preconditions": forms.Textarea(attrs={"rows": 2}),
            "postconditions": forms.Textarea(attrs={"rows": 2}),
        }


class StepForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = UseCaseStep
        fields = ("kind", "position", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


UseCaseStepFormSet = inlineformset_factory(
    UseCase, UseCaseStep, form=StepForm, extra=3, can_delete=True
)


class DesignQuestionForm(RestrictedModelForm):
    class Meta:
        model = DesignQuestion
        fields = ("ecosystem", "category", "question", "answer", "answered_by", "status")
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answered_by"].queryset = self.fields["answered_by"].queryset.select_related(
            "organisation"
        )
        self.fields["answered_by"].label_from_instance = lambda p: f"{p} ({p.organisation})"


class BusinessRuleForm(EcosystemDependentMixin, RestrictedModelForm):
    class Meta:
        model = BusinessRule
        fields = ("ecosystem", "name", "statement", "flows")
        widgets = {"statement": forms.Textarea(attrs={"rows": 3})}

    dependent_fields = {"flows": "ecosystem_id"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_ecosystem()

    def clean(self):
        data = super().clean()
        eco = data.get("ecosystem")
        for flow in data.get("flows") or []:
            if eco and flow.ecosystem_id != eco.pk:
                self.add_error("flows", f"“{flow}” is a flow of another ecosystem.")
        return data


class TransitionForm(forms.Form):
    target = forms.CharField()
    note = forms.CharField(required=False, max_length=1000)
