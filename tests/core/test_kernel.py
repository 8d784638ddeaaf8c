"""``core`` is the kernel every app builds on: it imports none of them and names none
of them; each app declares its parts (menu, API, demo, secrets) and core reads them."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

import core
from core.registry import api_apps, demo_modules, feature_apps, menu_groups

CORE = Path(core.__file__).parent
PRODUCT_APPS = {"siam", "raci", "requirements_app", "slas", "governance", "integrations"}


def core_modules():
    return [path for path in CORE.rglob("*.py") if "migrations" not in path.parts]


def test_every_app_of_the_product_declares_itself():
    assert {config.name for config in feature_apps()} == PRODUCT_APPS
    assert {config.name for config in api_apps()} == PRODUCT_APPS
    # Dependency order: what each app's demo refers to is loaded before it.
    assert demo_modules() == [
        "siam.demo", "raci.demo", "requirements_app.demo", "slas.demo",
        "governance.demo", "integrations.demo",
    ]  # fmt: skip


def test_core_imports_no_app():
    forbidden = PRODUCT_APPS | {"config"}
    found = []
    for path in core_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            else:
                continue
            found += [
                (str(path.relative_to(CORE)), module)
                for module in modules
                if module.split(".")[0] in forbidden
            ]
    assert found == []


def test_core_names_no_app_in_its_code():
    """No URL name, module path or model label of an app as a string in core either
    (an import by name is an import)."""
    named = re.compile(rf"^({'|'.join(sorted(PRODUCT_APPS))})[.:]")
    found = [
        (str(path.relative_to(CORE)), node.value)
        for path in core_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and named.match(node.value)
    ]
    assert found == []


def test_the_menu_is_every_apps_group_in_order_and_each_entry_resolves():
    groups = menu_groups()
    assert [group.label for group in groups] == [
        "Ecosystem", "Service levels", "Requirements", "Ownership", "Governance", "Integrations",
    ]  # fmt: skip
    for group in groups:
        for _label, name in group.items:
            assert reverse(name)


@pytest.mark.django_db
def test_the_api_root_links_every_apps_api(client, django_user_model):
    user = django_user_model.objects.create_user("kernel-reader", password="x")
    client.force_login(user)
    links = client.get("/api/", HTTP_ACCEPT="application/json").json()
    assert set(links) == {config.api_path for config in api_apps()} | {"schema", "docs"}
    for config in api_apps():
        assert links[config.api_path].endswith(f"/api/{config.api_path}/")


def test_secrets_at_rest_are_declared_by_their_models():
    """The detail pages leave out what a model declares in ``secret_fields``: a field
    that looks like a secret must be declared there."""
    looks_secret = re.compile(r"secret_encrypted|token_hash|_hash$|password")
    undeclared = [
        (model._meta.label, field.name)
        for model in apps.get_models()
        if model._meta.app_label in PRODUCT_APPS and not model._meta.label.startswith("Historical")
        for field in model._meta.concrete_fields
        if looks_secret.search(field.name)
        and field.name not in getattr(model, "secret_fields", ())
        and not model.__name__.startswith("Historical")
    ]
    assert undeclared == []


def app_imports() -> dict[str, set[str]]:
    """app -> the other apps its modules import (at the top or inside functions)."""
    root = CORE.parent
    graph: dict[str, set[str]] = {}
    for app in PRODUCT_APPS | {"core"}:
        imported = set()
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    imported.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    imported.add(node.module.split(".")[0])
        graph[app] = (imported & (PRODUCT_APPS | {"core"})) - {app}
    return graph


def test_the_imports_between_apps_form_no_cycle():
    graph = app_imports()
    assert graph["siam"] == {"core"}  # the graph is really read

    def reaches(start):
        seen, todo = set(), [start]
        while todo:
            for neighbour in graph[todo.pop()]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    todo.append(neighbour)
        return seen

    cycles = sorted(app for app in graph if app in reaches(app))
    assert cycles == []


def test_no_apps_page_names_a_url_of_an_app_built_on_it():
    """A page showing data of a context that depends on its own (an incident's tool
    ticket) gets it as a panel that context contributes (``core.registry.Panel``), not
    through a URL name in its template."""
    graph = app_imports()
    templates = CORE.parent / "templates"
    found = []
    for app in PRODUCT_APPS:
        built_on_it = {other for other in PRODUCT_APPS if app in graph[other]}
        named = re.compile(rf"""url ['"]({"|".join(sorted(built_on_it)) or "^$"}):""")
        for path in (templates / app).rglob("*.html"):
            found += [
                (str(path.relative_to(templates)), m) for m in named.findall(path.read_text())
            ]
    assert found == []
    # The rule has something to bite on: integrations is built on slas.
    assert "slas" in graph["integrations"]


#: What writes a row, called on a model, its manager or a relation of it.
WRITES = {
    "save", "delete", "create", "get_or_create", "update_or_create", "update",
    "bulk_create", "bulk_update", "bulk_create_with_history", "bulk_update_with_history",
}  # fmt: skip


def writes_in(source: str, owner: str) -> list[tuple[int, str]]:
    """Calls in ``source`` that write a model imported from ``owner``'s models
    (``Model.objects.…``, ``Model.relation.through.objects.…``, or the model handed
    to a helper such as ``bulk_create_with_history``)."""
    tree = ast.parse(source)
    models = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == f"{owner}.models"
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name not in WRITES:
            continue
        receiver = node.func
        while isinstance(receiver, ast.Attribute | ast.Call):  # through .filter(…) too
            receiver = receiver.value if isinstance(receiver, ast.Attribute) else receiver.func
        handed = {arg.id for arg in node.args if isinstance(arg, ast.Name)}
        if {getattr(receiver, "id", None), *handed} & models:
            found.append((node.lineno, name))
    return sorted(found)


def test_the_write_scan_sees_writes_to_another_apps_tables():
    source = """
from slas.models import Incident, IncidentEvent
Incident.objects.filter(pk=1).select_for_update()
IncidentEvent(at=None).kind
Incident.objects.bulk_create([])
Incident.holders.through.objects.bulk_create([])
bulk_create_with_history([], Incident)
IncidentEvent.objects.filter(pk=1).update(note="")
"""
    assert [name for _, name in writes_in(source, "slas")] == [
        "bulk_create", "bulk_create", "bulk_create_with_history", "update",
    ]  # fmt: skip


def test_ingestion_writes_the_sla_tables_only_through_the_sla_service():
    """``integrations`` folds tickets into plans and hands them to ``slas.timelines``,
    which stores incidents, timeline rows, holders and clocks."""
    root = Path(apps.get_app_config("integrations").path)
    found = [
        (str(path.relative_to(root)), *write)
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        for write in writes_in(path.read_text(), "slas")
    ]
    assert found == []


def reverse_relation_uses(app: str, name: str) -> list[str]:
    """Where ``app``'s code or templates follow the reverse relation ``name`` (in a
    query, a prefetch, a lookup or a template loop)."""
    patterns = [
        rf"""_related\([^)]*["']{name}(["']|__)""",
        rf"""["']{name}__\w""",
        rf"\.{name}\.(all|filter|exclude|count|exists|first|order_by|values|values_list)\b",
        rf"\.{name}\s*(%}}|}}}})",
    ]
    pattern = re.compile("|".join(patterns))  # [^)] spans lines: prefetch lists do
    root = CORE.parent
    paths = [*(root / app).rglob("*.py"), *(root / "templates" / app).rglob("*.html")]
    found = []
    for path in paths:
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        for match in pattern.finditer(text):
            found.append(f"{path.relative_to(root)}:{text.count(chr(10), 0, match.start()) + 1}")
    return found


def test_no_app_follows_a_relation_that_an_app_built_on_it_defines():
    """A requirement's KPIs are governance's to give (``measured_by``): the
    requirements context does not prefetch governance's ``kpis``."""
    graph = app_imports()
    found = []
    for model in apps.get_models():
        owner = model._meta.app_label
        for relation in model._meta.get_fields():
            if not (relation.is_relation and relation.concrete and relation.related_model):
                continue
            target = relation.related_model._meta.app_label
            if target == owner or target not in PRODUCT_APPS or target not in graph.get(owner, ()):
                continue
            name = relation.remote_field.get_accessor_name()
            if name and not name.endswith("+"):
                found += [
                    (f"{owner}.{relation.name}", use) for use in reverse_relation_uses(target, name)
                ]
    assert found == []
    # The scan would see the former prefetch.
    assert reverse_relation_uses("governance", "requirements")
