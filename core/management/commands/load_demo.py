"""Load the demo ecosystem (the seed's Infinity / Mercuri / Global scenario).

Idempotent: objects that exist are left untouched, so running it twice changes
nothing. Each app names the module of its part on its ``AppConfig`` (``demo``), whose
``load(actor)`` is called in ``INSTALLED_APPS`` order, the apps' dependency order.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from core.registry import demo_modules
from core.system import get_system_user


class Command(BaseCommand):
    help = "Load the demo ecosystem and its logins (safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(self, *args, quiet_logins=False, **options):
        actor = get_system_user()
        created_total = 0
        logins = []
        with transaction.atomic():
            for path in demo_modules():
                result = import_module(path).load(actor)
                created_total += result.created
                logins.extend(result.logins)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created_total} objects created)."))
        if logins and not quiet_logins:
            self.stdout.write(f"\nDemo logins (password for all: {logins[0][2]}):")
            for username, description, _password in logins:
                self.stdout.write(f"  {username:<10} {description}")
