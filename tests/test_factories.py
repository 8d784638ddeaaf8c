"""Every concrete model of the project's apps has a factory in tests/factories.py, and
each factory builds a valid object whose relations stay in one ecosystem."""

import pytest
from django.apps import apps
from simple_history.models import HistoricalChanges

from siam.models import Ecosystem, Organisation, Person

from . import factories

PROJECT_APPS = ("core", "siam", "raci", "requirements_app", "slas", "governance", "integrations")

FACTORIES = sorted(
    (
        value
        for value in vars(factories).values()
        if isinstance(value, type)
        and issubclass(value, factories.factory.django.DjangoModelFactory)
        and value._meta.model is not None
    ),
    key=lambda f: f.__name__,
)


def concrete_models():
    """The project's concrete models: no abstract, historical or auto-created ones."""
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.abstract or model._meta.auto_created:
                continue
            if issubclass(model, HistoricalChanges):
                continue
            yield model


def test_every_model_has_a_factory():
    covered = {f._meta.model for f in FACTORIES}
    missing = sorted(m._meta.label for m in concrete_models() if m not in covered)
    assert not missing, f"Models without a factory in tests/factories.py: {', '.join(missing)}"


def test_one_factory_per_model():
    models = [f._meta.model for f in FACTORIES]
    doubles = sorted({m._meta.label for m in models if models.count(m) > 1})
    assert not doubles, f"Models with two factories: {', '.join(doubles)}"


def _reached(obj):
    """The project objects ``obj`` leads to through its foreign keys, one-to-ones and
    many-to-manys, ``obj`` included. The walk stops at ecosystems and organisations: their
    own relations (customer, integrator, who registered whom) say nothing about ``obj``."""
    project = set(PROJECT_APPS)
    seen, todo = {}, [obj]
    while todo:
        current = todo.pop()
        key = (type(current), current.pk)
        if key in seen:
            continue
        seen[key] = current
        if isinstance(current, Ecosystem | Organisation):
            continue
        for field in current._meta.get_fields():
            if not (field.is_relation and field.concrete):
                continue
            if field.related_model._meta.app_label not in project:
                continue
            if field.many_to_many:
                todo.extend(getattr(current, field.name).all())
            elif (value := getattr(current, field.name)) is not None:
                todo.append(value)
    return list(seen.values())


def assert_one_ecosystem(obj):
    """Everything ``obj`` leads to belongs to at most one ecosystem, and every party and
    person it names takes part in that ecosystem."""
    reached = _reached(obj)
    ecosystems = {o.pk for o in reached if isinstance(o, Ecosystem)}
    assert len(ecosystems) <= 1, f"{obj!r} spans ecosystems {sorted(ecosystems)}"
    if not ecosystems:
        return
    parties = Ecosystem.objects.get(pk=ecosystems.pop()).party_ids()
    for other in reached:
        if isinstance(other, Organisation) and other is not obj:
            assert other.pk in parties, f"{obj!r} names {other}, no party of its ecosystem"
        if isinstance(other, Person) and other is not obj:
            assert other.organisation_id in parties, f"{obj!r} names {other}, of no party"


def _ids(factory_class):
    return factory_class.__name__


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", FACTORIES, ids=_ids)
def test_factory_builds_a_valid_saved_object(factory_class):
    obj = factory_class()
    assert obj.pk is not None
    stored = type(obj)._default_manager.get(pk=obj.pk)
    stored.full_clean()
    obj.full_clean()
    assert_one_ecosystem(stored)


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", FACTORIES, ids=_ids)
def test_factory_builds_two(factory_class):
    first, second = factory_class(), factory_class()
    assert first.pk != second.pk
    for obj in (first, second):
        type(obj)._default_manager.get(pk=obj.pk).full_clean()
