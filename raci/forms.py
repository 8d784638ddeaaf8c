from django import forms
from django.core.exceptions import ValidationError

from core.filtersets import CHECKBOXES
from core.forms.base import RestrictedModelForm, StyledFormMixin
from siam.choices import LayerChoices
from siam.models import Person

from .choices import AccessLevelChoices, MatrixStatusChoices
from .models import AccessMatrix, DataObject, RaciActivity, RaciMatrix, RaciTemplate, Role

BLANK = ""


def template_choices(user):
    built_in, saved = [], []
    for template in RaciTemplate.objects.restrict(user).only("pk", "name", "owner_id"):
        (saved if template.owner_id else built_in).append((str(template.pk), template.name))
    choices = [(BLANK, "Empty matrix"), ("Built-in templates", built_in)]
    if saved:
        choices.append(("Saved templates", saved))
    return choices


class RoleForm(RestrictedModelForm):
    class Meta:
        model = Role
        fields = (
            "ecosystem", "organisation", "name", "acts_as", "description", "holders", "approves_changes",
        )  # fmt: skip
        help_texts = {
            "organisation": "The party that fills the role: customer, integrator or a provider.",
            "holders": "The people who hold the role now. Matrices name the role, not them.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holders"].queryset = self.fields["holders"].queryset.select_related(
            "organisation"
        )
        self.fields["holders"].label_from_instance = lambda p: f"{p} ({p.organisation})"

    def clean(self):
        data = super().clean()
        org, holders = data.get("organisation"), data.get("holders") or []
        strangers = [str(p) for p in holders if org and p.organisation_id != org.pk]
        if strangers:
            self.add_error(
                "holders", f"Holders must work for {org}: {', '.join(strangers)} do not."
            )
        return data


class RaciMatrixForm(RestrictedModelForm):
    start_from = forms.ChoiceField(
        required=False,
        help_text="A template fills activities, roles and letters; roles are created for the "
        "ecosystem's customer, integrator and first provider when missing.",
    )

    class Meta:
        model = RaciMatrix
        fields = ("ecosystem", "name", "variant", "description", "owner_share_limit")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["start_from"]
            self.fields["ecosystem"].disabled = True
        else:
            self.fields["start_from"].choices = template_choices(self.user)
            self.fields["start_from"].widget.attrs["class"] = "form-select"

    def clean_variant(self):
        variant = self.cleaned_data["variant"]
        if (
            self.instance.pk
            and variant != self.instance.variant
            and self.instance.activities.filter(assignments__isnull=False).exists()
        ):
            raise ValidationError(
                "Clear the cells before changing the variant: the letters differ."
            )
        return variant

    def clean(self):
        cleaned = super().clean()
        if "start_from" in self.fields and "start_from" not in self.errors:
            # The save command reads the template under the name the API gives it.
            cleaned["template"] = self.chosen_template()
        return cleaned

    def chosen_template(self):
        """The template chosen in ``start_from``, or None for an empty matrix."""
        choice = self.cleaned_data.get("start_from") or BLANK
        return (
            RaciTemplate.objects.restrict(self.user).filter(pk=choice).first() if choice else None
        )


class ActivityForm(StyledFormMixin, forms.ModelForm):
    must_be_owned_by = forms.MultipleChoiceField(
        choices=LayerChoices.choices,
        required=False,
        widget=CHECKBOXES,
        label="Must be owned by",
        help_text="Warn when the A is held by another layer (e.g. the customer must own approval).",
    )

    class Meta:
        model = RaciActivity
        fields = ("phase", "name", "process", "must_be_owned_by")
        help_texts = {
            "process": "Alerts of incidents in this process go to its R and A.",
        }

    def __init__(self, *args, matrix=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.matrix = matrix or self.instance.matrix
        self._style_widgets()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = RaciActivity.objects.filter(matrix=self.instance.matrix, name=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise ValidationError("The matrix already has an activity with this name.")
        return name


class ColumnForm(StyledFormMixin, forms.Form):
    role = forms.ModelChoiceField(queryset=Role.objects.none(), required=False)
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, help_text="Or a named person."
    )

    def __init__(self, *args, matrix, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        used = matrix.columns.values("role_id")
        self.fields["role"].queryset = (
            Role.objects.restrict(user)
            .filter(ecosystem_id=matrix.ecosystem_id)
            .exclude(pk__in=[r for r in used.values_list("role_id", flat=True) if r])
            .select_related("organisation")
        )
        self.fields["person"].queryset = (
            Person.objects.restrict(user)
            .filter(organisation_id__in=matrix.party_ids())
            .select_related("organisation")
        )
        self.fields["person"].label_from_instance = lambda p: f"{p} ({p.organisation})"
        self._style_widgets()

    def clean(self):
        data = super().clean()
        if bool(data.get("role")) == bool(data.get("person")):
            raise ValidationError("Choose a role or a person (one of them).")
        if data.get("person") and self.matrix.columns.filter(person=data["person"]).exists():
            self.add_error("person", "This person is already a column of the matrix.")
        return data


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        help_text="CSV or XLSX with the columns phase, activity, process, owned_by, then one "
        "column per role (as exported). Replaces the draft's activities and letters."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class SaveAsTemplateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if RaciTemplate.objects.filter(name=name).exists():
            raise ValidationError("A template with this name exists.")
        return name


class RaciTemplateForm(RestrictedModelForm):
    class Meta:
        model = RaciTemplate
        fields = ("name", "description")


class DataObjectForm(RestrictedModelForm):
    class Meta:
        model = DataObject
        fields = ("ecosystem", "name", "confidential")


class AccessMatrixForm(RestrictedModelForm):
    class Meta:
        model = AccessMatrix
        fields = ("ecosystem", "note")
        help_texts = {"note": "What this version changes, for the approvers."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["ecosystem"].disabled = True

    def clean_ecosystem(self):
        ecosystem = self.cleaned_data["ecosystem"]
        if not self.instance.pk:
            draft = AccessMatrix.objects.filter(
                ecosystem=ecosystem, status=MatrixStatusChoices.DRAFT
            ).first()
            if draft:
                raise ValidationError(
                    f"Version {draft.version} of this ecosystem's access matrix is a draft: "
                    "edit it instead."
                )
        return ecosystem


class GrantForm(forms.Form):
    level = forms.ChoiceField(choices=AccessLevelChoices.choices)
