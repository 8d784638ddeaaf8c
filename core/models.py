"""Shared model machinery: the base for every domain model, and job bookkeeping."""

from django.db import models
from django.urls import reverse

from .querysets import RestrictedQuerySet


class UrlNameMixin:
    """URL names after NetBox's pattern: ``<app>:<model>``, ``<app>:<model>_<suffix>``."""

    def get_absolute_url(self):
        return reverse(self.url_name(), kwargs={"pk": self.pk})

    @classmethod
    def url_name(cls, suffix: str = "") -> str:
        name = f"{cls._meta.app_label}:{cls._meta.model_name}"
        return f"{name}_{suffix}" if suffix else name

    @classmethod
    def may_add(cls, context) -> bool:
        """Logs and records the system makes are not added by hand."""
        return False


class PrimaryModel(UrlNameMixin, models.Model):
    """Base of every domain object: timestamps, access rule, canonical URL.

    Concrete models declare their own ``history = HistoricalRecords(...)`` (audit
    trail) because the many-to-many fields to track differ per model, and their own
    ``access_filter`` classmethod (see ``core.querysets``).
    """

    created = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def may_add(cls, context) -> bool:
        """Whether the user may add records of this kind anywhere (shows the "Add" button).

        The record itself is still checked on save; this only avoids offering a
        form that could never be saved.
        """
        return bool(context.editor_organisation_ids)

    @classmethod
    def access_filter(cls, context, action):  # pragma: no cover - every model overrides
        raise TypeError(f"{cls.__name__} must define access_filter(context, action)")


class WorkerHeartbeat(models.Model):
    """Last time each background worker's beat task ran, shown on the status page."""

    name = models.CharField(max_length=100, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    last_seen = models.DateTimeField()
    runs = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ("name",)
        verbose_name = "worker heartbeat"

    def __str__(self):
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class CodeCounter(models.Model):
    """The last number handed out per kind of code and owner (INC-000042, REQ-007 …).

    One row per (scope, owner), locked while a number is taken, so two people opening
    incidents in one ecosystem at once never get the same reference; numbers are not
    computed from the highest existing code on every insert.
    """

    scope = models.CharField(max_length=100)
    owner_id = models.BigIntegerField()
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "code counter"
        constraints = [
            models.UniqueConstraint(fields=("scope", "owner_id"), name="core_codecounter_unique")
        ]

    def __str__(self):
        return f"{self.scope} #{self.owner_id}: {self.last}"
