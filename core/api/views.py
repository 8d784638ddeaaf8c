"""One viewset base for every model: restricted querysets, writes re-checked."""

from django.db import transaction
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from core.querysets import ADD, CHANGE, DELETE, VIEW

_ACTION_FOR_METHOD = {
    "GET": VIEW,
    "HEAD": VIEW,
    "OPTIONS": VIEW,
    "POST": ADD,
    "PUT": CHANGE,
    "PATCH": CHANGE,
    "DELETE": DELETE,
}


class RestrictedModelViewSet(viewsets.ModelViewSet):
    """Rows come from ``queryset.restrict(user, action)``: objects the user may not
    see are 404; objects they may see but not change are 404 for writes as well
    (like NetBox, the API does not reveal which objects exist but are read-only)."""

    # Ids are numbers: /api/x/abc/ is a 404 from the router, not a ValueError in a query.
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        action = _ACTION_FOR_METHOD.get(self.request.method, VIEW)
        return self.queryset.restrict(self.request.user, action)

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            self._recheck(instance, ADD)

    def perform_update(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            self._recheck(instance, CHANGE)

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()

    def _recheck(self, instance, action):
        if (
            not self.queryset.model.objects.restrict(self.request.user, action)
            .filter(pk=instance.pk)
            .exists()
        ):
            raise PermissionDenied(
                "You may not save a record with these values (check the ecosystem and parties)."
            )
