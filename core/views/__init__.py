from .generic import ObjectDeleteView, ObjectEditView, ObjectListView, ObjectView
from .home import APIRootView, HomeView, StatusView, favicon, health

__all__ = (
    "APIRootView",
    "HomeView",
    "ObjectDeleteView",
    "ObjectEditView",
    "ObjectListView",
    "ObjectView",
    "StatusView",
    "favicon",
    "health",
)
