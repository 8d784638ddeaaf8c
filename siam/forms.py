from django import forms
from django.db.models import Q

from core.forms import LineListField, RestrictedModelForm

from .access import get_access_context, unassigned_accounts
from .models import (
    ConnectedSystem,
    Contract,
    Ecosystem,
    IntegrationFlow,
    Membership,
    Organisation,
    Person,
    Service,
    ServiceProvider,
)


class OrganisationForm(RestrictedModelForm):
    class Meta:
        model = Organisation
        fields = ("name", "slug", "country", "website", "description")
        help_texts = {"slug": "Short name used in URLs and imports, e.g. mercuri."}


class EcosystemForm(RestrictedModelForm):
    class Meta:
        model = Ecosystem
        fields = ("name", "slug", "status", "customer", "integrator", "description", "logo")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None and not self.user.is_superuser:
            # You can only set up an ecosystem that your own organisation integrates.
            self.fields["integrator"].queryset = Organisation.objects.filter(
                pk__in=get_access_context(self.user).editor_organisation_ids
            )


class ServiceProviderForm(RestrictedModelForm):
    class Meta:
        model = ServiceProvider
        fields = ("ecosystem", "organisation", "since", "scope")


class EcosystemMembersMixin:
    """Validate that related objects chosen in a many-to-many field share the ecosystem."""

    def check_same_ecosystem(self, field: str):
        ecosystem = self.cleaned_data.get("ecosystem")
        chosen = self.cleaned_data.get(field) or []
        stray = [str(obj) for obj in chosen if ecosystem and obj.ecosystem_id != ecosystem.pk]
        if stray:
            self.add_error(field, f"Not part of {ecosystem}: {', '.join(stray)}.")


class ServiceForm(EcosystemMembersMixin, RestrictedModelForm):
    class Meta:
        model = Service
        fields = ("ecosystem", "name", "criticality", "delivered_by", "description")
        widgets = {"delivered_by": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_by"].queryset = self.fields["delivered_by"].queryset.select_related(
            "organisation", "ecosystem"
        )

    def clean(self):
        cleaned = super().clean()
        self.check_same_ecosystem("delivered_by")
        return cleaned


class ContractForm(EcosystemMembersMixin, RestrictedModelForm):
    class Meta:
        model = Contract
        fields = (
            "ecosystem",
            "kind",
            "reference",
            "name",
            "supplier",
            "consumer",
            "status",
            "start_date",
            "end_date",
            "services",
            "description",
        )
        widgets = {"services": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = self.fields["services"].queryset.select_related(
            "ecosystem"
        )

    def clean(self):
        cleaned = super().clean()
        self.check_same_ecosystem("services")
        return cleaned


class ConnectedSystemForm(RestrictedModelForm):
    class Meta:
        model = ConnectedSystem
        fields = (
            "ecosystem",
            "organisation",
            "name",
            "kind",
            "entity_name",
            "base_url",
            "description",
        )


class IntegrationFlowForm(RestrictedModelForm):
    exchanged_fields = LineListField(
        required=False, help_text="One field per line, e.g. summary, priority, status."
    )

    class Meta:
        model = IntegrationFlow
        fields = (
            "ecosystem",
            "name",
            "source",
            "target",
            "direction",
            "trigger",
            "status",
            "source_entity",
            "target_entity",
            "exchanged_fields",
            "description",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for side in ("source", "target"):
            self.fields[side].queryset = self.fields[side].queryset.select_related("ecosystem")
            self.fields[side].label_from_instance = lambda system: f"{system} ({system.ecosystem})"


class PersonForm(RestrictedModelForm):
    class Meta:
        model = Person
        fields = ("organisation", "name", "job_title", "email", "phone", "user")


class MembershipForm(RestrictedModelForm):
    class Meta:
        model = Membership
        fields = ("user", "organisation", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Members are chosen among the accounts the user may see already, or taken in
        # from those that belong to no organisation yet.
        users = self.fields["user"].queryset
        self.fields["user"].queryset = users.model.objects.filter(
            Q(pk__in=users.values("pk")) | Q(pk__in=unassigned_accounts().values("pk"))
        ).order_by("username")
        if self.user is not None and not self.user.is_superuser:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=get_access_context(self.user).admin_organisation_ids
            )


PARTIES = "@parties"
PARTY_PEOPLE = "@party-people"


class EcosystemDependentMixin:
    """Choices that depend on the ecosystem (its parties, flows, requirements) are
    limited to the chosen one: on an existing record, or the ecosystem posted.

    Changing the ecosystem on the page re-renders these fields in place (the inline
    validation answer carries them out of band), so the lists follow the choice.
    """

    #: field name -> lookup from the related model to the ecosystem (``"ecosystem_id"``),
    #: or ``PARTIES`` (organisations taking part) or ``PARTY_PEOPLE`` (their people)
    dependent_fields: dict = {}

    def chosen_ecosystem_id(self):
        eco_id = self.instance.ecosystem_id if self.instance.pk else None
        eco_id = eco_id or self.data.get("ecosystem") or self.initial.get("ecosystem")
        return int(eco_id) if eco_id and str(eco_id).isdigit() else None

    def limit_to_ecosystem(self):
        eco_id = self.chosen_ecosystem_id()
        if eco_id is None:
            return
        for name, lookup in self.dependent_fields.items():
            if name not in self.fields:
                continue
            field = self.fields[name]
            if lookup in (PARTIES, PARTY_PEOPLE):
                ecosystem = Ecosystem.objects.filter(pk=eco_id).first()
                party_ids = ecosystem.party_ids() if ecosystem else set()
                key = "pk__in" if lookup == PARTIES else "organisation_id__in"
                field.queryset = field.queryset.filter(**{key: party_ids})
            else:
                field.queryset = field.queryset.filter(**{lookup: eco_id})
