"""Query helpers: counts as correlated subqueries, so lists stay one query per page
however many rows and however many counted relations."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def subquery_count(queryset, **correlation):
    """COUNT(DISTINCT pk) of ``queryset`` rows correlated to the outer row.

    ``correlation`` maps inner lookups to outer field names, e.g.
    ``subquery_count(Person.objects.all(), organisation_id="pk")``.
    """
    inner = queryset.filter(**{lookup: OuterRef(outer) for lookup, outer in correlation.items()})
    counted = (
        inner.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
