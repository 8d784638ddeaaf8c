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


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        if action not in ACTIONS:
            raise ValueError(f"Unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        from siam.access import get_access_context

        condition = self.model.access_filter(get_access_context(user), action)
        if condition is None:
            return self.none()
        return self.filter(condition)
