from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory

from core.forms.base import RestrictedModelForm, StyledFormMixin
from siam.forms import PARTIES, EcosystemDependentMixin
from siam.models import IntegrationFlow, Organisation

from .choices import (
    AuthMethodChoices,
    ImportFormatChoices,
    SubscriptionEventChoices,
    UnknownGroupChoices,
)
from .models import (
    HMAC_KINDS,
    AssignmentGroup,
    FieldMapping,
    TicketFeed,
    ValueMapping,
    WebhookSubscription,
)

#: Exports are streamed from disk, so they may be far larger than other uploads.
MAX_EXPORT_BYTES = 200 * 1024 * 1024


class TicketFeedForm(EcosystemDependentMixin, RestrictedModelForm):
    dependent_fields = {
        "system": "ecosystem_id",
        "flow": "ecosystem_id",
        "service": "ecosystem_id",
        "default_holder": PARTIES,
    }

    class Meta:
        model = TicketFeed
        fields = (
            "ecosystem", "system", "auth_method", "flow", "service", "default_holder",
            "time_zone", "unknown_groups", "active", "description",
        )  # fmt: skip
        help_texts = {
            "auth_method": "Left blank: an HMAC signature for Jira and Zendesk, a token for "
            "ServiceNow and Azure DevOps, as those tools can send.",
            "flow": "Left blank: the tool's standard dictionary is created as a new flow to "
            "the SIAM hub, to edit like any data dictionary.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_ecosystem()
        self.fields["auth_method"].required = False
        self.fields["flow"].required = False
        if self.instance.pk:
            for name in ("ecosystem", "system", "auth_method"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        system = data.get("system")
        if system and not data.get("auth_method"):
            data["auth_method"] = (
                AuthMethodChoices.HMAC if system.kind in HMAC_KINDS else AuthMethodChoices.TOKEN
            )
            self.instance.auth_method = data["auth_method"]
        return data


AssignmentGroupFormSet = inlineformset_factory(
    TicketFeed,
    AssignmentGroup,
    fields=("name", "organisation"),
    extra=0,
    can_delete=True,
)


class AssignmentGroupFormSetForFeed(AssignmentGroupFormSet):
    """Groups map to the parties of the feed's ecosystem only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parties = self.instance.party_ids() if self.instance.pk else set()
        for form in [*self.forms, self.empty_form]:
            field = form.fields["organisation"]
            field.queryset = Organisation.objects.filter(pk__in=parties)
            for widget_field in form.fields.values():
                widget_field.widget.attrs.setdefault("class", "form-control")
            field.widget.attrs["class"] = "form-select"


class ImportUploadForm(StyledFormMixin, forms.Form):
    feed = forms.ModelChoiceField(queryset=TicketFeed.objects.none())
    format = forms.ChoiceField(
        choices=[("", "The feed's tool decides"), *ImportFormatChoices.choices],
        required=False,
    )
    file = forms.FileField(help_text="A CSV export, UTF-8, up to 200 MB.")
    unknown_groups = forms.ChoiceField(
        choices=UnknownGroupChoices.choices, initial=UnknownGroupChoices.REPORT
    )

    def __init__(self, *args, feeds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feed"].queryset = feeds
        self._style_widgets()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_EXPORT_BYTES:
            raise ValidationError("The file is larger than 200 MB.")
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("Upload the CSV export (.csv).")
        return upload

    def clean(self):
        data = super().clean()
        feed = data.get("feed")
        if feed and not data.get("format"):
            kind = feed.system.kind
            if kind not in ImportFormatChoices.values:
                self.add_error(
                    "format", f"{feed.system} exports cannot be imported; choose a format."
                )
            else:
                data["format"] = kind
        return data


class WebhookSubscriptionForm(RestrictedModelForm):
    events = forms.MultipleChoiceField(
        choices=SubscriptionEventChoices.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ("ecosystem", "name", "url", "events", "active")
        help_texts = {"url": "HTTPS address the tool (or a relay) receives notifications on."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].widget.attrs["class"] = "form-check-input"


# --- A flow's data dictionary ------------------------------------------------------------------


class FieldMappingForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = FieldMapping
        fields = (
            "position", "source_field", "source_type", "source_max_length", "target_field", "target_type",
            "target_max_length", "semantics", "sample_values", "source_values",
        )  # fmt: skip
        widgets = {
            "semantics": forms.Textarea(attrs={"rows": 1}),
            "source_values": forms.Textarea(attrs={"rows": 1}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


FieldMappingFormSet = inlineformset_factory(
    IntegrationFlow, FieldMapping, form=FieldMappingForm, extra=2, can_delete=True
)


class ValueMappingForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ValueMapping
        fields = ("field", "direction", "source_value", "target_value", "rule")

    def __init__(self, *args, flow=None, **kwargs):
        super().__init__(*args, **kwargs)
        if flow is not None:
            self.fields["field"].queryset = FieldMapping.objects.filter(flow=flow)
        self._style_widgets()
