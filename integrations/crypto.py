"""Secrets at rest.

A feed authenticated by an HMAC signature needs its secret back to sign the body
again, so HMAC secrets are *encrypted* (Fernet, key from ``SIAM_ENCRYPTION_KEY`` or
derived from ``SECRET_KEY``). A token is only ever compared, so it is *hashed*: the
tokens are 256 random bits, for which one SHA-256 is as safe as a slow password hash
and keeps a webhook request cheap.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    material = settings.SIAM_ENCRYPTION_KEY or f"siam-secrets:{settings.SECRET_KEY}"
    key = base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())
    return Fernet(key)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str | None:
    """The secret, or None when it was encrypted under another key."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
