"""One viewset base for every model: restricted querysets, writes re-checked."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from core.commands import OUTSIDE_SCOPE, Write, run_save
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
        self.perform_save(serializer, creating=True)

    def perform_update(self, serializer):
        self.perform_save(serializer, creating=False)

    def perform_save(self, serializer, *, creating: bool) -> Write:
        """The serializer's input as a ``Write`` for the model's save command, the one
        the edit pages use too (``core.commands``)."""
        self.write = Write(
            model=self.queryset.model,
            user=self.request.user,
            creating=creating,
            values=serializer.validated_data,
            save=serializer.save,
            build=serializer.build,
            changed=[] if creating else serializer.changed_fields(),
        )
        try:
            with transaction.atomic():
                serializer.instance = run_save(self.write)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc) or OUTSIDE_SCOPE) from exc
        return self.write

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()
