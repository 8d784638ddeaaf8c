"""The one 404/403 rule of action URLs, generated from the URL configuration.

Every view built on ``ObjectActionMixin`` names the access it needs
(``required_action``). For a record the user may see but not act on, each answers 403
with the reason — never 404 (the user already sees the record), never a redirect that
looks like success. Hidden records are 404 (``test_access_matrix``).
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.querysets import VIEW
from core.views import ObjectActionMixin

from .conftest import DEMO_USERS
from .test_access_matrix import _url, pk_routes


def action_routes():
    for name, pattern, model in pk_routes()[0]:
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class and issubclass(view_class, ObjectActionMixin):
            yield name, pattern, model, view_class


def test_every_hand_rolled_check_is_gone():
    """Action views that resolve a record by hand would drift from the rule again."""
    names = {name for name, *_ in action_routes()}
    for expected in (
        "governance:meeting_close",
        "governance:improvementitem_override",
        "governance:compute_kpis",
        "raci:racimatrix_approve",
        "raci:racimatrix_new_version",
        "raci:accessmatrix_approve",
        "integrations:ticketfeed_secret",
        "integrations:inboundevent_replay",
        "slas:incident_action",
    ):
        assert expected in names, (expected, sorted(names))


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u in DEMO_USERS if u != "admin"])
def test_an_action_on_a_visible_record_the_user_may_not_take_is_403(demo, username):
    user = get_user_model().objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    wrong, tried = [], 0
    for name, pattern, model, view_class in action_routes():
        action = view_class.required_action
        if action == VIEW:
            continue  # the domain decides who may act (tested with each app)
        visible = model.objects.restrict(user, VIEW)
        allowed = model.objects.restrict(user, action).values("pk")
        record = visible.exclude(pk__in=allowed).order_by("pk").first()
        if record is None:
            continue
        url = _url(name, pattern, record.pk)
        response = client.post(url)
        tried += 1
        if response.status_code != 403:
            wrong.append((url, response.status_code))
    assert not wrong, wrong
    if username == "maria":  # a provider's editor sees much she may not change or govern
        assert tried >= 3, tried
