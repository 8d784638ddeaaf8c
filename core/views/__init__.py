from .generic import (
    ObjectActionMixin,
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from .home import StatusView, health

__all__ = (
    "ObjectActionMixin",
    "ObjectActionView",
    "ObjectDeleteView",
    "ObjectEditView",
    "ObjectListView",
    "ObjectView",
    "StatusView",
    "health",
)
