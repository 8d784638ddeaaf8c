"""What ingestion adds to other apps' pages (``core.registry.Panel``, declared on the
app's config): the incident page does not know that a tool feeds it."""

from __future__ import annotations

from core.querysets import VIEW
from siam.models import IntegrationFlow

from .dictionaries import checked_dictionaries, checked_dictionary
from .ingest import TOOL_LABELS
from .models import TicketFeed, TicketLink


def incident_ticket(request, incident) -> dict | None:
    """The tool's ticket an incident follows: the feed and the tool's own SLA figures
    (the key is the incident's own field). The feed is linked only for a user who may
    see it."""
    link = TicketLink.objects.filter(incident=incident).select_related("feed__system").first()
    if link is None:
        return None
    feeds = TicketFeed.objects.restrict(getattr(request, "user", None), VIEW)
    return {
        "link": link,
        "tool": TOOL_LABELS.get(link.feed.system.kind, link.feed.system.kind),
        "may_view_feed": feeds.filter(pk=link.feed_id).exists(),
    }


def flow_dictionary(request, flow) -> dict:
    """On a flow's page: its data dictionary in brief, with the way to it (whoever may
    see the flow may read its dictionary)."""
    fields, problems = checked_dictionary(flow)
    return {"field_count": len(fields), "problems": problems}


def specification_dictionaries(request, ecosystem) -> dict:
    """The specification's data-dictionary section: the dictionary of every flow that
    has one, among the flows the reader may see."""
    flows = (
        IntegrationFlow.objects.restrict(getattr(request, "user", None), VIEW)
        .filter(ecosystem=ecosystem, field_mappings__isnull=False)
        .distinct()
        .order_by("name")
    )
    return {"dictionaries": checked_dictionaries(flows)}


def specification_contents(request, ecosystem) -> dict:
    """The section's line in the specification's contents (its template has no data)."""
    return {}
