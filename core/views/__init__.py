from .generic import ObjectDeleteView, ObjectEditView, ObjectListView, ObjectView
from .home import StatusView, health

__all__ = (
    "ObjectDeleteView",
    "ObjectEditView",
    "ObjectListView",
    "ObjectView",
    "StatusView",
    "health",
)
