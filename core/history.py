"""The audit trail of one object, ready for display (django-simple-history).

Queries are constant in the number of history rows: one for the rows with their
authors, one per related model named in them.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone

HISTORY_LIMIT = 50
_IGNORED = {"last_updated", "created", "id"}
_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: str
    changes: list[Change]


def _tracked_fields(model, history_model):
    """Fields both on the model and in its history (secrets, for one, are left out)."""
    kept = {f.attname for f in history_model._meta.concrete_fields}
    return [f for f in model._meta.concrete_fields if f.name not in _IGNORED and f.attname in kept]


def _related_labels(records, fields) -> dict:
    """related model -> {pk: label} of every record the history points at, one query
    per related model (a deleted one is missing and shown as deleted)."""
    related_ids = defaultdict(set)
    for record in records:
        for f in fields:
            if f.is_relation and getattr(record, f.attname) is not None:
                related_ids[f.related_model].add(getattr(record, f.attname))
    return {
        model: {pk: str(obj) for pk, obj in model._base_manager.in_bulk(ids).items()}
        for model, ids in related_ids.items()
    }


def _shown(labels: dict):
    """A stored value as people read it."""

    def shown(f, value):
        if value in (None, ""):
            return "—"
        if f.is_relation:
            return labels.get(f.related_model, {}).get(value, f"#{value} (deleted)")
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, datetime):
            return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        return str(value)

    return shown


def history_entries(instance, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    manager = getattr(instance, "history", None)
    if manager is None:
        return []
    # One extra row so the oldest shown entry can still be diffed against its predecessor.
    records = list(
        manager.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    fields = _tracked_fields(type(instance), manager.model)

    shown = _shown(_related_labels(records, fields))
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if record.history_type == "~" and previous is not None:
            for f in fields:
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old != new:
                    changes.append(Change(f.verbose_name, shown(f, old), shown(f, new)))
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else "system",
                action=_TYPES.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    return entries
