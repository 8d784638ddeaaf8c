"""One write path: what saving an object means, whichever door the input came through.

The edit pages (``ObjectEditView``) and the API (``RestrictedModelViewSet``) validate
input their own way (a form, a serializer) and then hand the same thing to
``run_save``: a ``Write``, saying who writes, whether the object is new, the
validated values and which of them changed. The model's save command — a function in
its app's services, registered with ``@save_command(Model)`` — decides what the save
means beyond storing the fields (a draft started through the versioning service, a
register rescored, an approved requirement sent back to review). A model without a
command is saved as its form or serializer would save it.

``run_save`` then checks the saved object still lies inside what the user may add or
change (whatever combination of fields the input allowed) and raises
``PermissionDenied`` if not; the door's transaction undoes the write.

Commands are plain functions of a ``Write``: they know nothing of requests, forms or
serializers, so a background job can call them with a ``Write`` of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model

from core.querysets import ADD, CHANGE

#: Said by both doors when the saved object falls outside what the user may write.
OUTSIDE_SCOPE = "You may not save a record with these values (check the ecosystem and parties)."


@dataclass
class Write:
    """One create or update, as the command sees it.

    ``values``: the validated input, including choices that are not fields (a RACI
    matrix's template). ``changed``: the names of the fields, and of the child
    collections (``"criteria"``), the input changed; empty on creation. ``save``: the
    door's own save (fields, many-to-many, the children edited with the object);
    keyword arguments set fields the input does not carry (who registered it).
    ``build``: the object with the input's field values assigned, not saved, for a
    command that saves it itself (it then owns what ``save`` would have done).
    ``notices``: what the command wants the person told (the UI shows them).
    ``outputs``: what the command hands back to the door (a secret shown once).
    """

    model: type[Model]
    user: Any
    creating: bool
    values: Mapping[str, Any]
    save: Callable[..., Model]
    build: Callable[[], Model]
    changed: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


SaveCommand = Callable[[Write], Model]
_commands: dict[type[Model], SaveCommand] = {}


def save_command(model: type[Model]) -> Callable[[SaveCommand], SaveCommand]:
    """Register the function as what saving a ``model`` means, for every door."""

    def register(command: SaveCommand) -> SaveCommand:
        if _commands.get(model, command) is not command:
            raise RuntimeError(f"{model.__name__} has a save command already.")
        _commands[model] = command
        return command

    return register


def command_for(model: type[Model]) -> SaveCommand | None:
    return _commands.get(model)


def run_save(write: Write) -> Model:
    """Save through the model's command and re-check the result against the access
    rule; call inside a transaction, which ``PermissionDenied`` must roll back."""
    command = _commands.get(write.model)
    obj = command(write) if command is not None else write.save()
    if write.user is not None:
        action = ADD if write.creating else CHANGE
        if not write.model.objects.restrict(write.user, action).filter(pk=obj.pk).exists():
            raise PermissionDenied(OUTSIDE_SCOPE)
    return obj
