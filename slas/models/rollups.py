"""The stored monthly roll-up of SLA figures (kept by ``slas.rollups``)."""

from __future__ import annotations

from django.db import models

from siam.models import Organisation, Service

from ..choices import (
    MetricChoices,
)


class SlaRollupMonth(models.Model):
    """One ecosystem's month of history in the stored roll-up (``slas.rollups``).

    ``version`` is raised by every write that may change the month's figures (clocks
    stored, a breach recorded, an incident deleted, a target changed); ``built_version``
    is the version the stored sums were computed at. The report reads the sums only
    while the two are equal, and the clocks themselves otherwise, so a stale roll-up is
    slower, never wrong. Not shown to users: read only through the report, which has
    applied the access rule already.
    """

    # The unique (ecosystem, month) constraint is the index the lookups use.
    ecosystem = models.ForeignKey(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    #: The first day of the month, in the server's time zone (``TIME_ZONE``).
    month = models.DateField()
    version = models.PositiveBigIntegerField(default=1)
    built_version = models.PositiveBigIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    #: Incidents opened in the month and resolved; of those, reopened at least once.
    resolved = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "SLA roll-up month"
        constraints = [
            models.UniqueConstraint(fields=("ecosystem", "month"), name="slas_rollup_month_unique")
        ]

    def __str__(self):
        return f"{self.ecosystem_id} {self.month:%Y-%m}"

    @property
    def is_fresh(self) -> bool:
        return self.built_version == self.version


class SlaRollup(models.Model):
    """The finished clocks of one month, summed by metric, provider, service and
    priority: what ``slas.reports`` would compute from them, kept as sums and counts so
    that any roll-up of these rows is exact."""

    # The (bucket, metric) index below serves the bucket lookups and the cascade.
    bucket = models.ForeignKey(
        SlaRollupMonth, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    #: None: the whole ecosystem's figures; an organisation: what its users see as a
    #: provider (the incidents it held, now or earlier).
    seen_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    metric = models.CharField(max_length=20, choices=MetricChoices.choices)
    provider = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=30)
    clocks = models.PositiveIntegerField()
    met = models.PositiveIntegerField()
    breached = models.PositiveIntegerField()
    counted_sum = models.FloatField()
    target_sum = models.FloatField()
    goal_sum = models.FloatField()
    goal_count = models.PositiveIntegerField()

    class Meta:
        verbose_name = "SLA roll-up row"
        indexes = [models.Index(fields=("bucket", "metric"), name="slas_rollup_bucket_metric")]

    def __str__(self):
        return f"{self.bucket} {self.metric} {self.priority}"


class SlaRollupGap(models.Model):
    """The ownership gaps of one month's incidents (the month they were opened in),
    summed by the month each gap began and the party that let go: the report's
    "nobody owned it" tables."""

    # The (bucket) index below serves the bucket lookups and the cascade.
    bucket = models.ForeignKey(
        SlaRollupMonth, on_delete=models.CASCADE, related_name="gaps", db_index=False
    )
    #: None: the whole ecosystem's figures; an organisation: what its users see as a
    #: provider (the incidents it held, now or earlier).
    seen_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: The first day of the month the gaps began in (the server's time zone).
    month = models.DateField()
    party = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    gaps = models.PositiveIntegerField()
    still_open = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        verbose_name = "SLA roll-up gap row"
        indexes = [models.Index(fields=("bucket",), name="slas_rollup_gap_bucket")]

    def __str__(self):
        return f"{self.bucket} gaps from {self.month:%Y-%m}"


class SlaRollupSeen(models.Model):
    """Of one month's incidents, those a provider held (now or earlier) that were
    resolved, and of those the reopened: the month's counts as its users see them."""

    # The unique (bucket, organisation) constraint is the index the lookups use.
    bucket = models.ForeignKey(
        SlaRollupMonth, on_delete=models.CASCADE, related_name="seen", db_index=False
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    resolved = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "SLA roll-up provider counts"
        verbose_name_plural = "SLA roll-up provider counts"
        constraints = [
            models.UniqueConstraint(
                fields=("bucket", "organisation"), name="slas_rollup_seen_unique"
            )
        ]

    def __str__(self):
        return f"{self.bucket} as seen by {self.organisation_id}"


class SlaRollupBudget(models.Model):
    """Of one month's breached end-to-end clocks: the business seconds each party held
    them (``IncidentSla.party_seconds`` summed), the report's "who used the budget"."""

    # The (bucket, metric) index below serves the bucket lookups and the cascade.
    bucket = models.ForeignKey(
        SlaRollupMonth, on_delete=models.CASCADE, related_name="budget", db_index=False
    )
    #: None: the whole ecosystem's figures; an organisation: what its users see as a
    #: provider (the incidents it held, now or earlier).
    seen_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    metric = models.CharField(max_length=20, choices=MetricChoices.choices)
    #: An organisation id, or "none" for the time nobody owned the incident.
    party = models.CharField(max_length=20)
    clocks = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        verbose_name = "SLA roll-up budget row"
        indexes = [models.Index(fields=("bucket", "metric"), name="slas_rollup_budget_metric")]

    def __str__(self):
        return f"{self.bucket} {self.metric} {self.party}"
