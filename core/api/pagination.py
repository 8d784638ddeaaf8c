from django.conf import settings
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.keyset import COUNT_LIMIT, InvalidCursor, Keyset, count_up_to, offset_rows, window


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """``?limit=&offset=`` with a ceiling, so no client can ask for the whole table at once."""

    @property
    def max_limit(self):
        return settings.API_MAX_PAGE_SIZE


INVALID_CURSOR = "This cursor is not valid: start again from the first page."


class KeysetPagination(LimitOffsetPagination):
    """Lists page by cursor: ``next`` and ``previous`` carry ``?cursor=``, which starts a
    page after (or before) a row, so page 2,000 costs what page 1 does.

    ``count`` stops at ``core.keyset.COUNT_LIMIT`` (``count_is_exact`` says whether it
    did). A client that sends ``offset`` gets the former limit/offset pages with an exact
    count; an ordering a cursor cannot follow (a related model's name) does too.
    """

    cursor_query_param = "cursor"
    cursor_query_description = (
        "The page after (or before) a row: take it from `next` or `previous`."
    )

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.keyset = Keyset.of(queryset) if isinstance(queryset, QuerySet) else None
        self.keyset_mode = (
            self.keyset is not None and self.offset_query_param not in request.query_params
        )
        if not self.keyset_mode:
            if self.keyset is not None:
                # Ties broken by the primary key: offset pages over equal sort values are
                # otherwise in whatever order the database returns them, page to page.
                queryset = self.keyset.ordered(queryset)
            return self._offset_page(queryset, request)
        self.limit = self.get_limit(request)
        token = request.query_params.get(self.cursor_query_param) or ""
        direction, _, position = token.partition(".")
        backwards = direction == "p"
        try:
            if token and direction not in ("n", "p"):
                raise InvalidCursor("no direction")
            page = window(self.keyset, queryset, self.limit, position or None, backwards)
        except InvalidCursor as error:
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from error
        self.next_token = page.next_cursor and f"n.{page.next_cursor}"
        self.previous_token = page.previous_cursor and f"p.{page.previous_cursor}"
        self.count, self.count_is_exact = count_up_to(queryset)
        return page.rows

    def _offset_page(self, queryset, request):
        """DRF's limit/offset page, with a deep page's rows read keys first
        (``core.keyset.offset_rows``)."""
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.count = self.get_count(queryset)
        self.offset = self.get_offset(request)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            return []
        stop = self.offset + self.limit
        if isinstance(queryset, QuerySet):
            return offset_rows(queryset, self.offset, stop)
        return list(queryset[self.offset : stop])

    def _link(self, token):
        if token is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(
            remove_query_param(url, self.offset_query_param), self.cursor_query_param, token
        )

    def get_paginated_response(self, data):
        if not self.keyset_mode:
            return super().get_paginated_response(data)
        return Response(
            {
                "count": self.count,
                "count_is_exact": self.count_is_exact,
                "next": self._link(self.next_token),
                "previous": self._link(self.previous_token),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": f"False when the list has more than {COUNT_LIMIT:,} rows and counting stopped there.",
        }
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": self.cursor_query_description,
                "schema": {"type": "string"},
            },
        ]
