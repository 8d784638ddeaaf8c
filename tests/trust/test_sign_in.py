"""Sign-in hardening: lockout, throttles, idle sessions, password change."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from core.middleware import IdleSessionTimeoutMiddleware
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-pass-123"


@pytest.fixture
def user():
    user = f.UserFactory(username="alice")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, password):
    return client.post("/login/", {"username": "alice", "password": password})


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_repeated_wrong_passwords_lock_the_account_out(client, user):
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with its error
    assert sign_in(client, "wrong").status_code == 429  # the fifth locks
    locked = sign_in(client, PASSWORD)
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_a_right_password_before_the_limit_signs_in(client, user):
    for _ in range(3):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_api_throttles_a_user(user, monkeypatch):
    # DRF reads the rates once, into the throttle class: lower the user budget there.
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "user": "3/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    client = APIClient()
    client.force_authenticate(user)
    codes = [client.get("/api/siam/ecosystems/").status_code for _ in range(4)]
    cache.clear()
    assert codes == [200, 200, 200, 429]


def test_an_idle_session_ends(client, user, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(user)
    assert client.get("/").status_code == 200
    session = client.session
    session[IdleSessionTimeoutMiddleware.KEY] = int(time.time()) - 601
    session.save()
    response = client.get("/siam/ecosystems/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert client.get("/").status_code == 302  # signed out for good


def test_an_active_session_goes_on(client, user, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(user)
    session = client.session
    session[IdleSessionTimeoutMiddleware.KEY] = int(time.time()) - 300
    session.save()
    assert client.get("/").status_code == 200


def test_a_user_changes_their_password_in_the_app(client, user):
    client.force_login(user)
    page = client.get("/account/password/")
    assert page.status_code == 200
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-pass-456",
            "new_password2": "another-long-pass-456",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-pass-456")
