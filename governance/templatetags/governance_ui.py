"""Formatting for governance pages and the steering report (values from snapshots are
plain JSON: numbers, ISO strings)."""

from datetime import date, datetime

from django import template

from governance.services import TREND_LABELS

register = template.Library()


@register.filter
def hours(value) -> str:
    if value is None or value == "":
        return "—"
    value = float(value)
    whole, minutes = int(value), round((value - int(value)) * 60)
    if minutes == 60:
        whole, minutes = whole + 1, 0
    return f"{whole}h {minutes:02d}m"


@register.filter
def num(value, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


@register.filter
def isodate(value) -> str:
    """An ISO date or datetime string (or object) as 2026-10-03 or 2026-10-03 14:05 UTC."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if (value.hour or value.minute)
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@register.filter
def trend_label(value) -> str:
    return dict(TREND_LABELS).get(value, value)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (a count per status, say); None when absent."""
    return mapping.get(key) if hasattr(mapping, "get") else None
