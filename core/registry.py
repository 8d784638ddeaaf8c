"""What each app of the product contributes to the whole: its group in the navigation,
where its API is mounted, its part of the demo, the panels it adds to other apps'
pages.

``core`` is the kernel every app builds on, so it names none of them: an app declares
its parts on its ``AppConfig`` (a ``FeatureConfig``) and core reads them from the app
registry, in ``INSTALLED_APPS`` order (the apps' dependency order).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class MenuGroup:
    """One group of the navigation: a label, a Tabler icon class and its pages as
    (label for people, URL name) pairs; groups are shown by ascending ``weight``."""

    label: str
    icon: str
    items: tuple[tuple[str, str], ...]
    weight: int = 100


@dataclass(frozen=True)
class Panel:
    """A part of another app's detail page, contributed by the app that owns its data
    (as NetBox plugins extend pages they do not own): the page does not know the app.

    ``model``: the page's model label (``"app_label.modelname"``); ``slot``: where on the
    page (the page's template names its slots); ``template``: the fragment rendered;
    ``context``: dotted path to ``(request, instance) -> dict | None``, the fragment's
    context, or None when there is nothing to show (the panel is left out). The
    function answers in a constant number of queries and applies the access rule to
    what it shows.
    """

    model: str
    slot: str
    template: str
    context: str
    weight: int = 100


class FeatureConfig(AppConfig):
    """An app of the product.

    ``menu``: its group in the navigation. ``api_path``: where its API (the app's
    ``api.urls`` module) is mounted under ``/api/``, and its key in the API root.
    ``demo``: the module whose ``load(actor)`` adds the app's part of the demo.
    ``panels``: the ``Panel``s it adds to other apps' detail pages.
    ``commands``: the modules that register the app's save commands
    (``core.commands.save_command``), imported when the app is ready; an app that
    defines ``ready()`` calls ``super().ready()``.

    Subclass it as ``registry.FeatureConfig``: a second AppConfig class imported into
    an app's ``apps.py`` stops Django from choosing the app's own config there.
    """

    menu: MenuGroup | None = None
    api_path: str | None = None
    demo: str | None = None
    commands: tuple[str, ...] = ()
    panels: tuple[Panel, ...] = ()

    def ready(self):
        for module in self.commands:
            import_module(module)


def feature_apps() -> list[FeatureConfig]:
    return [config for config in apps.get_app_configs() if isinstance(config, FeatureConfig)]


def menu_groups() -> list[MenuGroup]:
    groups = [config.menu for config in feature_apps() if config.menu is not None]
    return sorted(groups, key=lambda group: group.weight)


def api_apps() -> list[FeatureConfig]:
    return [config for config in feature_apps() if config.api_path]


def demo_modules() -> list[str]:
    return [config.demo for config in feature_apps() if config.demo]


@cache
def panels_for(model: str, slot: str) -> tuple[tuple[Panel, object], ...]:
    """The panels for a page's slot, by weight, each with its context function."""
    found = [
        panel
        for config in feature_apps()
        for panel in config.panels
        if (panel.model, panel.slot) == (model, slot)
    ]
    return tuple(
        (panel, import_string(panel.context))
        for panel in sorted(found, key=lambda panel: panel.weight)
    )
