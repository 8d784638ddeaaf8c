"""The navigation menu: each app declares its group on its ``AppConfig``."""

from django.urls import reverse

from .registry import menu_groups


def navigation(request):
    path = getattr(request, "path", "")
    menu = []
    for group in menu_groups():
        label, icon, items = group.label, group.icon, group.items
        entries = [{"label": text, "url": reverse(name)} for text, name in items]
        for entry in entries:
            entry["active"] = path.startswith(entry["url"])
        menu.append(
            {
                "label": label,
                "icon": icon,
                "items": entries,
                "active": any(e["active"] for e in entries),
            }
        )
    return {"nav_menu": menu}
