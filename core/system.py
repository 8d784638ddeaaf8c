"""The system account: who background jobs and data loads act as in the audit trail."""

from django.conf import settings
from django.contrib.auth import get_user_model


def get_system_user():
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=settings.SIAM_SYSTEM_USERNAME,
        defaults={"first_name": "System", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def ensure(model, lookup: dict, defaults: dict | None = None, *, actor=None):
    """Get the object matching ``lookup`` or create it, attributing the creation to
    ``actor`` in the audit trail. An existing object is left exactly as it is, so a
    load run twice changes nothing."""
    instance = model._base_manager.filter(**lookup).first()
    if instance is not None:
        return instance, False
    values = {**lookup, **(defaults or {})}
    many = {
        k: values.pop(k) for k in list(values) if k in {f.name for f in model._meta.many_to_many}
    }
    instance = model(**values)
    if actor is not None:
        instance._history_user = actor
    instance.full_clean()
    instance.save()
    for name, related in many.items():
        getattr(instance, name).set(related)
    return instance, True
