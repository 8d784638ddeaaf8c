from rest_framework.permissions import IsAuthenticated


class RestrictedObjectPermission(IsAuthenticated):
    """Authentication only: *which* objects a user may read or write is decided by the
    view's ``queryset.restrict(user, action)`` (a missing object is a 404)."""
