"""How each tool proves a webhook came from it (pure: bytes and headers in, verdict out).

- Jira Cloud signs the body with HMAC-SHA256: ``X-Hub-Signature: sha256=<hex>``.
- Zendesk signs ``timestamp + body``: base64 in ``X-Zendesk-Webhook-Signature`` with
  the timestamp in ``X-Zendesk-Webhook-Signature-Timestamp``.
- ServiceNow outbound REST messages and Azure DevOps service hooks cannot sign; they
  send a token: ``Authorization: Bearer <token>`` or basic auth with the token as
  password (Azure DevOps' "basic authentication" option), or ``X-SIAM-Token``.
- Any tool may instead sign like our outbound webhooks: ``X-SIAM-Signature:
  sha256=<hex of HMAC(secret, body)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping

from .choices import SignatureResultChoices

VALID = SignatureResultChoices.VALID
INVALID = SignatureResultChoices.INVALID
MISSING = SignatureResultChoices.MISSING


def _hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: what Jira and our own outbound webhooks send."""
    return "sha256=" + _hex_hmac(secret, body)


def sign_zendesk(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_hmac(secret: str, body: bytes, headers: Mapping[str, str]) -> str:
    zendesk = headers.get("X-Zendesk-Webhook-Signature")
    if zendesk:
        timestamp = headers.get("X-Zendesk-Webhook-Signature-Timestamp", "")
        expected = sign_zendesk(secret, timestamp, body)
        return VALID if hmac.compare_digest(zendesk.encode(), expected.encode()) else INVALID
    given = headers.get("X-Hub-Signature") or headers.get("X-SIAM-Signature")
    if not given:
        return MISSING
    method, _, digest = given.partition("=")
    if method.lower() != "sha256":
        return INVALID
    expected = _hex_hmac(secret, body)
    return VALID if hmac.compare_digest(digest.lower().encode(), expected.encode()) else INVALID


def presented_token(headers: Mapping[str, str]) -> str | None:
    """The token a request presents, wherever the tool puts it."""
    auth = headers.get("Authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return headers.get("X-SIAM-Token") or None


def verify_token(token_hash: str, headers: Mapping[str, str]) -> str:
    token = presented_token(headers)
    if not token:
        return MISSING
    digest = hashlib.sha256(token.encode()).hexdigest()
    return VALID if hmac.compare_digest(digest.encode(), token_hash.encode()) else INVALID


#: Headers kept with each inbound event (the others say nothing useful later).
KEPT_HEADERS = (
    "Content-Type",
    "User-Agent",
    "X-Hub-Signature",
    "X-SIAM-Signature",
    "X-Atlassian-Webhook-Identifier",
    "X-Atlassian-Webhook-Retry",
    "X-Zendesk-Webhook-Id",
    "X-Zendesk-Webhook-Invocation-Id",
    "X-Zendesk-Webhook-Signature",
    "X-Zendesk-Webhook-Signature-Timestamp",
    "X-Request-Id",
)


def kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    kept = {name: headers[name] for name in KEPT_HEADERS if headers.get(name)}
    if headers.get("Authorization"):
        # Never stored: it is the secret itself.
        kept["Authorization"] = headers["Authorization"].partition(" ")[0] + " (redacted)"
    return kept
