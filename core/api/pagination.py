from django.conf import settings
from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """``?limit=&offset=`` with a ceiling, so no client can ask for the whole table at once."""

    @property
    def max_limit(self):
        return settings.API_MAX_PAGE_SIZE
