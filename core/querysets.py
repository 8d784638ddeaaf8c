"""The one access rule: ``Model.objects.restrict(user, action)``.

Every view, API endpoint, export, report and admin list obtains its rows through
``restrict``; nothing filters by organisation on its own. Each model states *what* a
user may see or change in a single classmethod, ``access_filter(context, action)``,
returning a ``Q``; ``restrict`` supplies the user's access context (computed once per
request) and applies it.
"""

from django.db import models

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

#: Fields fixed once a record exists, in forms and the API alike: moving a record to
#: another ecosystem would leave its relations pointing across ecosystems.
IMMUTABLE_FIELDS = ("ecosystem",)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        if action not in ACTIONS:
            raise ValueError(f"Unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        from .access import access_context

        condition = self.model.access_filter(access_context(user), action)
        if condition is None:
            return self.none()
        return self.filter(condition)


def restrict_choices(queryset, user):
    """What a user may pick in a relation field (form drop-down or API id).

    Models with an access rule are restricted by it; user accounts (which have none of
    their own) by the provider named in ``SIAM_USER_CHOICES``, so no form or serializer
    lists or accepts another company's people. Any other model is returned unchanged;
    ``tests/trust/test_access_matrix.py`` fails if a writable relation to such a model
    appears, so a new one cannot slip through unrestricted.
    """
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, VIEW)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils.module_loading import import_string

    if queryset.model is get_user_model():
        return import_string(settings.SIAM_USER_CHOICES)(user, queryset)
    return queryset
