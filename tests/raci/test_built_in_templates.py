"""The built-in templates are kept in the database after every migrate; as templates
keep history, keeping them must not add a change each time (a deploy or a restore
would otherwise grow the history and change the backup's figures)."""

import pytest

from raci import services
from raci.models import RaciTemplate
from raci.templates import BUILT_IN

pytestmark = pytest.mark.django_db


def _history_count():
    return RaciTemplate.history.filter(owner=None).count()


def test_keeping_them_again_changes_nothing():
    services.sync_built_in_templates()
    assert set(RaciTemplate.objects.filter(owner=None).values_list("name", flat=True)) >= set(
        BUILT_IN
    )
    before = _history_count()
    services.sync_built_in_templates()
    services.sync_built_in_templates()
    assert _history_count() == before


def test_a_changed_or_missing_one_is_written_once():
    services.sync_built_in_templates()
    name = next(iter(BUILT_IN))
    RaciTemplate.objects.filter(owner=None, name=name).update(description="edited by hand")
    other = list(BUILT_IN)[1]
    RaciTemplate.objects.filter(owner=None, name=other).delete()
    before = _history_count()
    services.sync_built_in_templates()
    restored = RaciTemplate.objects.get(owner=None, name=name)
    assert restored.description == BUILT_IN[name].get("description", "")
    assert RaciTemplate.objects.filter(owner=None, name=other).exists()
    assert _history_count() == before + 2  # one change, one creation
