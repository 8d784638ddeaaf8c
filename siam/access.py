"""Who may see and change what: the access context of a user.

The access rule (docs/access.md): the integrator's staff see the whole ecosystem; a provider's
users see the ecosystem's shared records; a customer's users see their ecosystem;
nobody sees another ecosystem. The *layer* an organisation plays in an ecosystem
decides what its users see; the user's *membership role* in that organisation
(viewer / editor / admin) decides whether they may change it.

The context is computed with three queries and cached on the user object for the
rest of the request, so access checks never add queries per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from .choices import LayerChoices, MembershipRoleChoices

_WRITE_ROLES = {MembershipRoleChoices.EDITOR, MembershipRoleChoices.ADMIN}
_CACHE_ATTR = "_siam_access_context"


@dataclass(frozen=True)
class AccessContext:
    organisation_ids: frozenset[int] = frozenset()
    editor_organisation_ids: frozenset[int] = frozenset()
    admin_organisation_ids: frozenset[int] = frozenset()
    # ecosystem id -> layers the user's organisations play there (any membership role)
    layers: dict[int, frozenset[str]] = field(default_factory=dict)
    # ecosystem id -> layers played through memberships that may write
    editor_layers: dict[int, frozenset[str]] = field(default_factory=dict)
    # ecosystem id -> every organisation taking part in it
    parties: dict[int, frozenset[int]] = field(default_factory=dict)

    @property
    def visible_ecosystem_ids(self) -> frozenset[int]:
        return frozenset(self.layers)

    def ecosystem_ids(self, *layers: str, write: bool = False) -> frozenset[int]:
        """Ecosystems where the user's organisations play one of ``layers``."""
        source = self.editor_layers if write else self.layers
        wanted = set(layers) or set(LayerChoices.values)
        return frozenset(eco for eco, held in source.items() if held & wanted)

    def partner_organisation_ids(self, ecosystem_ids=None) -> frozenset[int]:
        ids = self.parties.keys() if ecosystem_ids is None else ecosystem_ids
        return frozenset().union(*(self.parties.get(eco, frozenset()) for eco in ids))

    @property
    def governed_ecosystem_ids(self) -> frozenset[int]:
        """Ecosystems whose shared records the user may change: integrator editors."""
        return self.ecosystem_ids(LayerChoices.INTEGRATOR, write=True)

    def ecosystem_scoped(self, action: str, prefix: str = "ecosystem") -> Q:
        """The default rule for records that belong to one ecosystem."""
        ids = self.visible_ecosystem_ids if action == "view" else self.governed_ecosystem_ids
        return Q(**{f"{prefix}_id__in": ids})


def build_access_context(user) -> AccessContext:
    from .models import Ecosystem, Membership, ServiceProvider

    memberships = list(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    org_ids = frozenset(org for org, _ in memberships)
    if not org_ids:
        return AccessContext()
    editor_orgs = frozenset(org for org, role in memberships if role in _WRITE_ROLES)
    admin_orgs = frozenset(org for org, role in memberships if role == MembershipRoleChoices.ADMIN)

    ecosystems = list(
        Ecosystem.objects.filter(
            Q(customer_id__in=org_ids)
            | Q(integrator_id__in=org_ids)
            | Q(service_providers__organisation_id__in=org_ids)
        )
        .distinct()
        .values_list("pk", "customer_id", "integrator_id")
    )
    parties: dict[int, set[int]] = defaultdict(set)
    for eco, customer, integrator in ecosystems:
        parties[eco].update((customer, integrator))
    providers: dict[int, set[int]] = defaultdict(set)
    for eco, org in ServiceProvider.objects.filter(ecosystem_id__in=parties.keys()).values_list(
        "ecosystem_id", "organisation_id"
    ):
        parties[eco].add(org)
        providers[eco].add(org)

    def layers_for(orgs: frozenset[int]) -> dict[int, frozenset[str]]:
        result = {}
        for eco, customer, integrator in ecosystems:
            held = set()
            if customer in orgs:
                held.add(LayerChoices.CUSTOMER)
            if integrator in orgs:
                held.add(LayerChoices.INTEGRATOR)
            if providers[eco] & orgs:
                held.add(LayerChoices.PROVIDER)
            if held:
                result[eco] = frozenset(held)
        return result

    return AccessContext(
        organisation_ids=org_ids,
        editor_organisation_ids=editor_orgs,
        admin_organisation_ids=admin_orgs,
        layers=layers_for(org_ids),
        editor_layers=layers_for(editor_orgs),
        parties={eco: frozenset(orgs) for eco, orgs in parties.items()},
    )


def get_access_context(user) -> AccessContext:
    context = getattr(user, _CACHE_ATTR, None)
    if context is None:
        context = build_access_context(user)
        setattr(user, _CACHE_ATTR, context)
    return context


def forget_access_context(user) -> None:
    """Drop the cached context, e.g. after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def partner_users(user, queryset):
    """Accounts that belong to an organisation taking part in an ecosystem the user sees.

    Used for every drop-down and API field that names a user (board members, owners,
    approvers): another integrator's staff are neither listed nor accepted.
    """
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    context = get_access_context(user)
    organisations = context.organisation_ids | context.partner_organisation_ids()
    return queryset.filter(memberships__organisation_id__in=organisations).distinct()


def unassigned_accounts():
    """Ordinary accounts that belong to no organisation yet: the ones an organisation's
    administrator may take in as members (onboarding). Superusers and staff accounts
    are operators of the installation, never offered."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True, is_superuser=False, is_staff=False, memberships__isnull=True
    )
