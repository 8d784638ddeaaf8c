"""A document approved version by version: the RACI matrix and the identity access
matrix are both one.

A version is edited while it is a draft; approving it freezes it (and supersedes the
version approved before); changing it after that means starting the next version, a
copy, while there is no draft already. Its parts (rows, columns, cells, grants) are
seen with it and changed only while it is a draft. What differs between documents is
which versions belong together (``lineage_fields``: a matrix's lineage, an
ecosystem's access matrix) and what a copy and an approval check; the rest is here,
once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from siam.models import EcosystemScopedModel

from .choices import MatrixStatusChoices


class DraftExists(ValidationError):
    """A new version was asked for while one is still a draft: ``draft`` is the one to
    edit (the pages take the user there; the API answers 400)."""

    def __init__(self, draft):
        super().__init__(f"Version {draft.version} is still a draft: edit it instead.")
        self.draft = draft


class VersionedDocument(EcosystemScopedModel):
    """One version of a document of an ecosystem. Subclasses name the fields their
    versions share (``lineage_fields``) and declare, in their ``Meta``, the unique
    version number and the one-draft partial unique constraint over them."""

    #: The fields whose values the versions of one document share.
    lineage_fields: tuple[str, ...] = ()

    version = models.PositiveIntegerField(default=1, editable=False)
    status = models.CharField(
        max_length=20,
        choices=MatrixStatusChoices.choices,
        default=MatrixStatusChoices.DRAFT,
        editable=False,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_frozen(self) -> bool:
        return self.status != MatrixStatusChoices.DRAFT

    @classmethod
    def access_filter(cls, context, action):
        # An approved (or superseded) version is a record: it is never changed or
        # deleted through the app; editing starts a new version.
        condition = context.ecosystem_scoped(action)
        if action in ("change", "delete"):
            condition &= Q(status=MatrixStatusChoices.DRAFT)
        return condition

    def lineage_lookup(self) -> dict:
        """The lookup that finds this document's versions."""
        names = (self._meta.get_field(name).attname for name in self.lineage_fields)
        return {name: getattr(self, name) for name in names}

    def versions(self):
        """Every version of this document, this one included."""
        return type(self).objects.filter(**self.lineage_lookup())


class DraftChild:
    """A part of a versioned document: seen with it, added, changed and deleted only
    while it is a draft. ``document_path`` leads from the part to its document."""

    document_path = "matrix"

    @classmethod
    def access_filter(cls, context, action):
        condition = context.ecosystem_scoped(action, prefix=f"{cls.document_path}__ecosystem")
        if action != "view":
            condition &= Q(**{f"{cls.document_path}__status": MatrixStatusChoices.DRAFT})
        return condition


def check_draft(document: VersionedDocument) -> None:
    if document.is_frozen:
        name = document._meta.verbose_name
        raise ValidationError(f"An approved {name} is frozen: start a new version to change it.")


def lock_versions(model: type[VersionedDocument], **lineage) -> list[VersionedDocument]:
    """The document's versions, newest first, locked until the transaction ends, so
    that two clicks (or two tabs) starting a version wait for each other and the second
    sees the first's draft instead of failing on the constraint. ``DraftExists`` when
    one is a draft. Call inside a transaction."""
    versions = list(model.objects.select_for_update().filter(**lineage).order_by("-version"))
    draft = next((v for v in versions if v.status == MatrixStatusChoices.DRAFT), None)
    if draft is not None:
        raise DraftExists(draft)
    return versions


def mark_approved(document: VersionedDocument, user) -> VersionedDocument:
    """Freeze the draft as the approved version; the one approved before is superseded.
    The document's own checks come first (the caller's); call inside a transaction."""
    check_draft(document)
    document.versions().filter(status=MatrixStatusChoices.APPROVED).update(
        status=MatrixStatusChoices.SUPERSEDED
    )
    document.status = MatrixStatusChoices.APPROVED
    document.approved_by = user
    document.approved_at = timezone.now()
    document._history_user = user
    document.save()
    return document
