"""The user's access context, from the provider named in settings.

The context (which organisations a user belongs to and the part each plays in each
ecosystem) is the domain's: ``SIAM_ACCESS_CONTEXT`` names the function that builds it,
so that ``core`` applies the access rule without importing the app that defines it.
"""

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string


def access_context(user):
    """The access context of ``user``, computed once per request by the provider."""
    return import_string(settings.SIAM_ACCESS_CONTEXT)(user)


def tenant_model():
    """The model each ecosystem-scoped record belongs to (``SIAM_TENANT_MODEL``)."""
    return apps.get_model(settings.SIAM_TENANT_MODEL)
