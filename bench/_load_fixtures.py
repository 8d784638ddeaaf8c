"""The Django side of bench/load.py, in a process of its own: the load generator is
monkey-patched by gevent and should not share the database driver with it.

    .venv/bin/python bench/_load_fixtures.py setup    # JSON: webhook path, secret, API tokens
    .venv/bin/python bench/_load_fixtures.py report   # JSON: what became of the webhooks

Needs the served app's environment (DATABASE_URL, SECRET_KEY: the feed's secret is
encrypted with a key derived from it), as bench/_serve.sh sets it.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEED_ECOSYSTEM, FEED_SYSTEM = "infinity-ecommerce", "Infinity Jira"
API_USERS = ("john", "maria", "david", "olivia")


def setup() -> dict:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from integrations.models import TicketFeed

    # The demo's secrets were shown once and forgotten: renew the Jira feed's so the
    # load can sign as Jira does (an HMAC feed).
    feed = TicketFeed.objects.get(ecosystem__slug=FEED_ECOSYSTEM, system__name=FEED_SYSTEM)
    secret = feed.set_secret()
    feed.save()
    users = get_user_model().objects.filter(username__in=API_USERS)
    tokens = {user.username: Token.objects.get_or_create(user=user)[0].key for user in users}
    return {"hook": f"/integrations/hooks/{feed.endpoint}/", "secret": secret, "tokens": tokens}


def report(wait_seconds: float = 60) -> dict:
    """Inbound events of the feed by state, once the worker has caught up (or given up)."""
    from django.db.models import Count

    from integrations.choices import InboundStateChoices
    from integrations.models import InboundEvent

    events = InboundEvent.objects.filter(
        feed__ecosystem__slug=FEED_ECOSYSTEM,
        feed__system__name=FEED_SYSTEM,
        ticket_key__startswith="LOAD-",
    )
    began = time.monotonic()
    while (
        events.filter(state=InboundStateChoices.RECEIVED).exists()
        and time.monotonic() - began < wait_seconds
    ):
        time.sleep(1)
    states = dict(events.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    failed = list(
        events.filter(state=InboundStateChoices.FAILED).values_list("ticket_key", "error")[:5]
    )
    return {
        "states": states,
        "waited_seconds": round(time.monotonic() - began, 1),
        "failed_examples": failed,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command not in ("setup", "report"):
        sys.exit(f"usage: {sys.argv[0]} setup|report")
    print(json.dumps(setup() if command == "setup" else report()))
