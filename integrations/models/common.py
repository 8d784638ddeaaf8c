"""What the ingestion models share: who may see the integrator's side."""

from __future__ import annotations

from django.db.models import Q

from siam.choices import LayerChoices, SystemKindChoices

#: Tools that sign their webhooks; the others present a token.
HMAC_KINDS = {SystemKindChoices.JIRA, SystemKindChoices.ZENDESK}


def integrator_scoped(context, action, prefix="ecosystem"):
    """Feeds, their logs and subscriptions belong to the integrator's side: the bodies
    hold every party's tickets, and the secrets are the integrator's. Its members see
    them; its editors change them (docs/access.md)."""
    if action == "view":
        ids = context.ecosystem_ids(LayerChoices.INTEGRATOR)
    else:
        ids = context.governed_ecosystem_ids
    return Q(**{f"{prefix}_id__in": ids})
