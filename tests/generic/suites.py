"""The generic tests as ready-made test functions, so that an app's ``test_generic.py``
is its cases and one line per suite::

    globals().update(model_tests(CASES, context="sla"))

``context`` names the app's fixture (``gov``, ``sla``, ``feeds``); its ``world`` gives
the integrator's admin (who may change ecosystem A) and ecosystem B's admin (who must
see nothing of it).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from . import harness
from .harness import ModelCase, ids


def _suite(cases: list[ModelCase], context: str, checks: dict[str, Callable]) -> dict:
    tests = {}
    for name, check in checks.items():

        def test(case, request, client_for, api_client_for, query_count, _check=check):
            _check(case, request.getfixturevalue(context), client_for, api_client_for, query_count)

        test.__name__ = name
        tests[name] = pytest.mark.django_db(
            pytest.mark.parametrize("case", cases, ids=ids(cases))(test)
        )
    return tests


def _admin(ctx):
    return ctx.world.integrator_admin


def _outsider(ctx):
    return ctx.world.b_admin


def model_tests(cases: list[ModelCase], *, context: str) -> dict:
    """CRUD through the UI and the API, field errors, isolation, constant query counts."""
    return _suite(
        cases,
        context,
        {
            "test_ui_list_detail_create_update_delete": lambda case, ctx, client_for, api_for, qc: (
                harness.check_ui_crud(case, ctx, client_for(_admin(ctx)), _admin(ctx))
            ),
            "test_ui_invalid_input_shows_field_errors": lambda case, ctx, client_for, api_for, qc: (
                harness.check_ui_invalid_input(case, ctx, client_for(_admin(ctx)))
            ),
            "test_api_crud": lambda case, ctx, client_for, api_for, qc: harness.check_api_crud(
                case, ctx, api_for(_admin(ctx))
            ),
            "test_api_invalid_input_is_400_with_field_errors": lambda case, ctx, client_for, api_for, qc: (
                harness.check_api_invalid_input(case, ctx, api_for(_admin(ctx)))
            ),
            "test_other_ecosystem_user_gets_404_everywhere": lambda case, ctx, client_for, api_for, qc: (
                harness.check_isolation(
                    case, ctx, client_for(_outsider(ctx)), api_for(_outsider(ctx))
                )
            ),
            "test_list_page_query_count_is_constant": lambda case, ctx, client_for, api_for, qc: (
                harness.check_list_queries(case, ctx, client_for(_admin(ctx)), qc)
            ),
            "test_api_list_query_count_is_constant": lambda case, ctx, client_for, api_for, qc: (
                harness.check_api_list_queries(case, ctx, api_for(_admin(ctx)), qc)
            ),
        },
    )


def record_tests(records: list[ModelCase], *, context: str) -> dict:
    """For records the system writes and people only read (no form, no API write): API
    read-only, isolation, constant query counts."""
    return _suite(
        records,
        context,
        {
            "test_record_api_read_only": lambda case, ctx, client_for, api_for, qc: (
                harness.check_api_read(case, ctx, api_for(_admin(ctx)))
            ),
            "test_record_other_ecosystem_user_gets_404_everywhere": lambda case, ctx, client_for, api_for, qc: (
                harness.check_record_isolation(
                    case, ctx, client_for(_outsider(ctx)), api_for(_outsider(ctx))
                )
            ),
            "test_record_list_page_query_count_is_constant": lambda case, ctx, client_for, api_for, qc: (
                harness.check_list_queries(case, ctx, client_for(_admin(ctx)), qc)
            ),
            "test_record_api_list_query_count_is_constant": lambda case, ctx, client_for, api_for, qc: (
                harness.check_api_list_queries(case, ctx, api_for(_admin(ctx)), qc)
            ),
        },
    )
