"""What each app of the product contributes to the whole: its group in the navigation,
where its API is mounted, its part of the demo.

``core`` is the kernel every app builds on, so it names none of them: an app declares
its parts on its ``AppConfig`` (a ``FeatureConfig``) and core reads them from the app
registry, in ``INSTALLED_APPS`` order (the apps' dependency order).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import AppConfig, apps


@dataclass(frozen=True)
class MenuGroup:
    """One group of the navigation: a label, a Tabler icon class and its pages as
    (label for people, URL name) pairs; groups are shown by ascending ``weight``."""

    label: str
    icon: str
    items: tuple[tuple[str, str], ...]
    weight: int = 100


class FeatureConfig(AppConfig):
    """An app of the product.

    ``menu``: its group in the navigation. ``api_path``: where its API (the app's
    ``api.urls`` module) is mounted under ``/api/``, and its key in the API root.
    ``demo``: the module whose ``load(actor)`` adds the app's part of the demo.
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
