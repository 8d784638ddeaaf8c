"""What the RACI pages share: downloads, the signed-in person, and the approve / new
version actions of a versioned document (``raci.versioning``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from core.querysets import ADD
from core.views import (
    ObjectActionView,
)
from siam.models import Person

from ..versioning import DraftExists

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _person_of(user):
    return Person.objects.filter(user=user).first() if user.is_authenticated else None


class DocumentApproveView(ObjectActionView):
    """Approve a draft version of a versioned document (``raci.versioning``) through
    its service; refusals (rule errors, frozen) come back as messages."""

    required_action = ADD
    approve = None  # the service: (document, user) -> document

    def perform(self, request, document):
        type(self).approve(document, request.user)
        messages.success(request, f"Approved {document}: this version is now frozen.")


class DocumentNewVersionView(ObjectActionView):
    """Start the next version as a draft; while one is a draft, go there instead."""

    required_action = ADD
    new_version = None  # the service: (document, user) -> draft, or DraftExists

    def perform(self, request, document):
        try:
            draft = type(self).new_version(document, request.user)
        except DraftExists as exc:
            messages.info(request, f"Version {exc.draft.version} is already a draft: edit it.")
            return redirect(exc.draft.get_absolute_url())
        messages.success(request, f"Started version {draft.version} as a draft.")
        return redirect(draft.get_absolute_url())
