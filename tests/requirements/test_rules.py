"""The pure part: the workflow's transitions and who may make them."""

import pytest

from requirements_app import workflow
from requirements_app.workflow import Actor

INTEGRATOR = Actor(integrator_editor=True)
INTEGRATOR_ADMIN = Actor(integrator_editor=True, integrator_admin=True)
CUSTOMER = Actor(customer_editor=True)


@pytest.mark.parametrize(
    "status, target, actor, allowed",
    [
        ("draft", "in_review", INTEGRATOR, True),
        ("draft", "in_review", CUSTOMER, False),
        ("draft", "approved", INTEGRATOR_ADMIN, False),  # no skipping the review
        ("in_review", "approved", CUSTOMER, True),
        ("in_review", "approved", INTEGRATOR, False),  # an editor is not an approver
        ("in_review", "approved", INTEGRATOR_ADMIN, True),
        (
            "in_review",
            "approved",
            Actor(customer_editor=True, is_owner=True),
            False,
        ),  # not one's own
        ("in_review", "rejected", CUSTOMER, True),
        ("rejected", "in_review", INTEGRATOR, True),
        ("approved", "implemented", INTEGRATOR, True),
        ("implemented", "validated", CUSTOMER, True),
        ("implemented", "validated", INTEGRATOR_ADMIN, False),
        ("validated", "draft", Actor(superuser=True), False),
    ],
)
def test_transitions(status, target, actor, allowed):
    if allowed:
        assert workflow.check(status, target, actor).target == target
    else:
        with pytest.raises(ValueError):
            workflow.check(status, target, actor)


def test_the_owner_is_told_why():
    with pytest.raises(ValueError, match="owner cannot approve"):
        workflow.check("in_review", "approved", Actor(customer_editor=True, is_owner=True))


def test_available_transitions_depend_on_the_actor():
    assert [t.target for t in workflow.available("in_review", CUSTOMER)] == ["approved", "rejected"]
    assert [t.target for t in workflow.available("in_review", INTEGRATOR)] == ["draft"]
