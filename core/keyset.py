"""Keyset (cursor) pagination: a page starts after the last row of the one before.

``LIMIT 25 OFFSET 50000`` makes the database read and throw away 50,000 rows; a keyset
page asks for "the 25 rows that sort after this one", which an index answers by seeking
to the row, whatever the depth. The cursor is the sort values of that row (and its
primary key, so ties are broken and no row is shown twice or skipped when rows are
added between two page views).

Used by the list pages (``KeysetPaginator`` in ``core.tables``) and the API
(``core.api.pagination``). Only orderings on the model's own columns can be paged this
way; any other (a related model's name, an annotation) falls back to numbered pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, OrderBy, Q, QuerySet

# Counting more than this many rows on every page view is work nobody reads: lists say
# "10,000+" instead.
COUNT_LIMIT = 10_000


class InvalidCursor(ValueError):
    """A cursor that was not made by this code (edited, truncated or from another sort)."""


@dataclass(frozen=True)
class Term:
    """One column of the ordering, with where its NULLs go made explicit."""

    attname: str
    descending: bool
    nulls_last: bool
    field: object

    def expression(self) -> OrderBy:
        nulls = {}
        if self.field.null:
            nulls = {"nulls_last": True} if self.nulls_last else {"nulls_first": True}
        column = F(self.attname)
        return column.desc(**nulls) if self.descending else column.asc(**nulls)

    def reversed(self) -> Term:
        return Term(self.attname, not self.descending, not self.nulls_last, self.field)

    def equal(self, value) -> Q:
        return (
            Q(**{f"{self.attname}__isnull": True}) if value is None else Q(**{self.attname: value})
        )

    def after(self, value) -> Q | None:
        """Rows strictly after ``value`` in this column's order; None when there are none."""
        if value is None:
            # NULLs sit at one end: after them come either nothing or every non-NULL.
            return None if self.nulls_last else Q(**{f"{self.attname}__isnull": False})
        lookup = "lt" if self.descending else "gt"
        beyond = Q(**{f"{self.attname}__{lookup}": value})
        if self.nulls_last and self.field.null:
            beyond |= Q(**{f"{self.attname}__isnull": True})
        return beyond

    def at_or_after(self, value) -> Q | None:
        """A redundant range on the leading column that lets an index seek to the cursor."""
        if value is None:
            return Q(**{f"{self.attname}__isnull": True}) if self.nulls_last else None
        lookup = "lte" if self.descending else "gte"
        bound = Q(**{f"{self.attname}__{lookup}": value})
        if self.nulls_last and self.field.null:
            bound |= Q(**{f"{self.attname}__isnull": True})
        return bound


class Keyset:
    """The ordering of a queryset as keyset terms, ending with the primary key."""

    def __init__(self, terms: list[Term]):
        self.terms = terms

    @classmethod
    def of(cls, queryset: QuerySet) -> Keyset | None:
        """The keyset of ``queryset``'s ordering, or None if it cannot be paged this way."""
        query = queryset.query
        ordering = list(query.order_by)
        if not ordering and query.default_ordering:
            ordering = list(queryset.model._meta.ordering)
        meta = queryset.model._meta
        terms = []
        for item in ordering:
            term = _term(meta, item)
            if term is None:
                return None
            if term.attname not in {t.attname for t in terms}:
                terms.append(term)
        pk = meta.pk
        if pk.attname not in {t.attname for t in terms}:
            descending = terms[-1].descending if terms else False
            terms.append(Term(pk.attname, descending, not descending, pk))
        return cls(terms)

    def ordered(self, queryset: QuerySet, backwards: bool = False) -> QuerySet:
        terms = [t.reversed() for t in self.terms] if backwards else self.terms
        return queryset.order_by(*(t.expression() for t in terms))

    def values_of(self, row) -> list:
        return [getattr(row, t.attname) for t in self.terms]

    def cursor(self, row) -> str:
        values = [_plain(value) for value in self.values_of(row)]
        raw = json.dumps([[t.attname for t in self.terms], values], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, token: str) -> list:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            names, values = json.loads(raw)
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
            raise InvalidCursor(str(error)) from error
        if names != [t.attname for t in self.terms] or len(values) != len(self.terms):
            raise InvalidCursor("the cursor belongs to another ordering")
        try:
            return [
                None if v is None else t.field.to_python(v)
                for t, v in zip(self.terms, values, strict=True)
            ]
        except (ValidationError, TypeError) as error:
            raise InvalidCursor(str(error)) from error

    def after(self, values: list, backwards: bool = False) -> Q:
        """Rows after the row with ``values`` (before it, when ``backwards``)."""
        terms = [t.reversed() for t in self.terms] if backwards else self.terms
        condition = Q(pk__in=[])
        equal_so_far = Q()
        for term, value in zip(terms, values, strict=True):
            beyond = term.after(value)
            if beyond is not None:
                condition |= equal_so_far & beyond
            equal_so_far &= term.equal(value)
        seek = terms[0].at_or_after(values[0])
        return condition & seek if seek is not None else condition

    def page(self, queryset: QuerySet, size: int, token: str | None, backwards: bool = False):
        """One page: ``(rows, more)`` where ``more`` says a row lies beyond it.

        ``token`` is the cursor of the row to start after (or before, ``backwards``);
        None gives the first page. Rows come back in the list's order either way.
        """
        rows_qs = self.ordered(queryset, backwards)
        if token:
            rows_qs = rows_qs.filter(self.after(self.decode(token), backwards))
        rows = list(rows_qs[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        return rows, more


@dataclass(frozen=True)
class Window:
    """A page with the cursors of its neighbours (None where there is none)."""

    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def window(keyset: Keyset, queryset: QuerySet, size: int, token, backwards=False) -> Window:
    """The page after (or, ``backwards``, before) ``token``, and where the pages on either
    side of it start: what the list pages and the API both hand out."""
    rows, more = keyset.page(queryset, size, token, backwards)
    started_inside = bool(token)
    has_previous, has_next = (more, started_inside) if backwards else (started_inside, more)
    return Window(
        rows,
        keyset.cursor(rows[-1]) if rows and has_next else None,
        keyset.cursor(rows[0]) if rows and has_previous else None,
    )


def count_up_to(queryset: QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """``(count, exact)``: the number of rows, counting no further than ``limit``
    (``COUNT_LIMIT`` by default)."""
    limit = COUNT_LIMIT if limit is None else limit
    # Only the keys: annotations of the list (an EXISTS per row) are not worth computing
    # for ten thousand rows that are only counted.
    counted = queryset.order_by().values("pk")[: limit + 1].count()
    return min(counted, limit), counted <= limit


def _term(meta, item) -> Term | None:
    # Where NULLs go unless the ordering says: PostgreSQL's default (last ascending, first
    # descending), made explicit in the query so every database pages the same way.
    if isinstance(item, str):
        descending = item.startswith("-")
        name = item.lstrip("-+")
        nulls_last = not descending
    elif isinstance(item, OrderBy) and isinstance(item.expression, F):
        descending = item.descending
        name = item.expression.name
        nulls_last = (
            bool(item.nulls_last) if (item.nulls_last or item.nulls_first) else not descending
        )
    else:
        return None
    if "__" in name or name == "?":
        return None
    try:
        field = meta.pk if name == "pk" else meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "concrete", False):
        return None
    if field.is_relation and name != field.attname:
        # Ordering by a foreign key's name sorts by the related model's ordering.
        return None
    return Term(field.attname, descending, nulls_last, field)


def _plain(value):
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


#: Below this offset a page is read in one query; from it on, keys first (see below).
DEEP_OFFSET = 1_000


def offset_rows(queryset: QuerySet, start: int, stop: int) -> list:
    """``list(queryset[start:stop])`` for the numbered pages old links and API clients
    still ask for. A deep page reads only the keys of the rows it skips (the ordering's
    columns, often one index) and then the page's own rows with their joins and
    annotations: two queries instead of one that builds and throws away every row
    before the page."""
    if start < DEEP_OFFSET or not queryset.ordered:
        return list(queryset[start:stop])
    keys = list(queryset.values_list("pk", flat=True)[start:stop])
    if not keys:
        return []
    by_key = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
    return [by_key[key] for key in keys if key in by_key]
