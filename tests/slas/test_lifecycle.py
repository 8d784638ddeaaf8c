"""The incident state machine, on its own: every status, every action, every kind of ticket.

The expected table is written out here independently of ``slas.lifecycle.SPECS``, so
a change of the machine has to be made twice, on purpose.
"""

from datetime import UTC, datetime, timedelta

import pytest

from slas import lifecycle
from slas.lifecycle import Action, Facts

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
OPEN = ["new", "in_progress", "awaiting_customer", "awaiting_user_info", "awaiting_vendor",
        "awaiting_evidence", "awaiting_problem"]  # fmt: skip
WAITING = OPEN[2:]
ALL = [*OPEN, "resolved", "closed"]

#: action -> statuses it is allowed from (an incident, or an approved change)
ALLOWED_FROM = {
    Action.HAND_OFF: set(OPEN),
    Action.PAUSE: set(OPEN),
    Action.RESUME: set(WAITING),
    Action.RESOLVE: set(OPEN),
    Action.REOPEN: {"resolved", "closed"},
    Action.CLOSE: {"resolved"},
    Action.APPROVE_CHANGE: set(),  # incidents need no approval
    Action.OVERRIDE_PRIORITY: set(OPEN),
    Action.APPLY_KNOWN_ERROR: set(OPEN),
    Action.COMMENT: set(ALL),
}
#: the work a change request may not see before its approval
WORK = {Action.PAUSE, Action.RESUME, Action.APPLY_KNOWN_ERROR}
#: a valid input for each action
VALUES = {
    Action.HAND_OFF: {"holder": 7},
    Action.PAUSE: {"waiting_for": "awaiting_vendor"},
    Action.RESUME: {},
    Action.RESOLVE: {"note": "Restarted"},
    Action.REOPEN: {"note": "Fails again"},
    Action.CLOSE: {},
    Action.APPROVE_CHANGE: {"approver": 3},
    Action.OVERRIDE_PRIORITY: {"priority": "P1", "note": "Board asked"},
    Action.APPLY_KNOWN_ERROR: {"known_error": 5},
    Action.COMMENT: {"note": "Called the user"},
}
NEXT = {
    Action.PAUSE: lambda status: "awaiting_vendor",
    Action.RESUME: lambda status: "in_progress",
    Action.RESOLVE: lambda status: "resolved",
    Action.APPLY_KNOWN_ERROR: lambda status: "resolved",
    Action.REOPEN: lambda status: "in_progress",
    Action.CLOSE: lambda status: "closed",
    Action.HAND_OFF: lambda status: "in_progress" if status == "new" else status,
}


def facts(status, classification="incident", approved=False, done_ago=timedelta(hours=1)):
    return Facts(
        status=status,
        classification=classification,
        change_approved=approved,
        done_at=NOW - done_ago if status in ("resolved", "closed") else None,
        priority="P3",
    )


def expected(status, action, classification, approved):
    if action is Action.APPROVE_CHANGE:
        return classification == "change_request" and not approved and status in OPEN
    allowed = status in ALLOWED_FROM[action]
    if classification == "change_request" and not approved and action in WORK:
        return False
    # pausing into the status it is already in is refused by check(), not by status
    return allowed


KINDS = [("incident", False), ("service_request", False), ("change_request", False),
         ("change_request", True)]  # fmt: skip


@pytest.mark.parametrize("classification,approved", KINDS)
@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("action", list(Action))
def test_every_status_and_action(status, action, classification, approved):
    state = facts(status, classification, approved)
    errors = lifecycle.check(state, action, VALUES[action], now=NOW)
    allowed = expected(status, action, classification, approved)
    if status == "awaiting_vendor" and action is Action.PAUSE and allowed:
        # already waiting for the vendor: the only pause it refuses is the same one
        assert errors == {"waiting_for": ["It is already waiting for that."]}
        return
    assert (errors == {}) is allowed, errors
    assert (action in lifecycle.allowed_actions(state, now=NOW)) is allowed
    if allowed:
        after = lifecycle.next_status(state, action, VALUES[action])
        if classification == "change_request" and not approved and action is Action.HAND_OFF:
            assert after == status  # taken on, but no work before the approval
        else:
            assert after == NEXT.get(action, lambda s: s)(status)
    else:
        assert list(errors) == ["action"] and errors["action"][0]


@pytest.mark.parametrize("action", [a for a in Action if lifecycle.SPECS[a].required])
def test_each_required_input_is_named_when_missing(action):
    status = "resolved" if action is Action.REOPEN else "in_progress"
    state = facts(status)
    for name in lifecycle.SPECS[action].required:
        values = {k: v for k, v in VALUES[action].items() if k != name}
        assert name in lifecycle.check(state, action, values, now=NOW)
        blank = {**values, name: "   "}
        assert name in lifecycle.check(state, action, blank, now=NOW)


def test_inputs_an_action_does_not_take_are_refused_by_name():
    errors = lifecycle.check(facts("in_progress"), Action.RESUME, {"holder": 3}, now=NOW)
    assert errors == {"action": [errors["action"][0]]}  # resume is not allowed while working
    errors = lifecycle.check(facts("awaiting_customer"), Action.RESUME, {"holder": 3}, now=NOW)
    assert list(errors) == ["holder"]


def test_reopen_only_within_the_window():
    late = facts("closed", done_ago=timedelta(days=11))
    assert (
        "more than 10 days"
        in lifecycle.check(late, Action.REOPEN, {"note": "x"}, now=NOW)["action"][0]
    )
    wider = lifecycle.check(
        late, Action.REOPEN, {"note": "x"}, now=NOW, reopen_window=timedelta(days=30)
    )
    assert wider == {}


def test_a_hand_off_to_nobody_keeps_the_status():
    assert lifecycle.next_status(facts("new"), Action.HAND_OFF, {}) == "new"
    assert lifecycle.next_status(facts("in_progress"), Action.HAND_OFF, {}) == "in_progress"


def test_events_cannot_be_in_the_future_and_pauses_need_a_waiting_status():
    soon = NOW + timedelta(hours=1)
    assert "at" in lifecycle.check(facts("new"), Action.COMMENT, {"note": "x", "at": soon}, now=NOW)
    bad = lifecycle.check(facts("new"), Action.PAUSE, {"waiting_for": "resolved"}, now=NOW)
    assert bad == {"waiting_for": ["Choose one of the waiting statuses."]}
    same = lifecycle.check(
        facts("new"), Action.OVERRIDE_PRIORITY, {"priority": "P3", "note": "x"}, now=NOW
    )
    assert same == {"priority": ["The priority is already P3."]}


def test_a_tools_moves_are_read_as_actions_and_judged_by_the_same_rules():
    from slas.lifecycle import action_for_transition, outside_lifecycle

    assert action_for_transition("resolved", "in_progress", False) is Action.REOPEN
    assert action_for_transition("awaiting_vendor", "in_progress", False) is Action.RESUME
    assert action_for_transition("new", "in_progress", False) is None
    assert action_for_transition("in_progress", "in_progress", True) is Action.HAND_OFF
    assert (
        outside_lifecycle("in_progress", "closed", False)
        == "Only a resolved incident can be closed."
    )
    assert outside_lifecycle("resolved", "closed", False) is None
    assert "resolved" in outside_lifecycle(
        "resolved", "resolved", True
    )  # handed off after resolving
    assert outside_lifecycle("new", "awaiting_vendor", False) is None
