"""The pure governance rules: quorum, meeting closure, the weighted scoring model with
its override, pod shape, KPI trends and missed periods, the self-assessment."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance import assessment, kpis, rules, scoring


def seats(*specs):
    return [rules.Seat(pid, layer, voting) for pid, layer, voting in specs]


BOARD = seats(
    (1, "customer", True),
    (2, "integrator", True),
    (3, "provider", True),
    (4, "provider", True),
    (5, "integrator", False),
)


def test_quorum_counts_voting_members_and_every_layer():
    assert rules.quorum(BOARD, {1, 2, 3}, 3, every_layer=True).met
    short = rules.quorum(BOARD, {1, 2}, 3, every_layer=True)
    assert not short.met and short.present_voting == 2 and short.missing_layers == ("provider",)
    assert (
        short.message
        == "No quorum: 2 voting members present, 3 needed; no one from the provider layer."
    )
    # Enough voters, but the customer is missing.
    no_customer = rules.quorum(BOARD, {2, 3, 4}, 3, every_layer=True)
    assert not no_customer.met and no_customer.missing_layers == ("customer",)
    assert rules.quorum(BOARD, {2, 3, 4}, 3, every_layer=False).met


def test_quorum_ignores_advisers_and_guests():
    # 5 is an adviser (no vote), 99 a guest: neither counts.
    result = rules.quorum(BOARD, {1, 5, 99}, 2, every_layer=False)
    assert not result.met and result.present_voting == 1


def test_closure_needs_owners_and_due_dates():
    decisions = [rules.OpenItem("Adopt a hub", True, True), rules.OpenItem("Fund it", False, True)]
    actions = [
        rules.OpenItem("Map priorities", True, False),
        rules.OpenItem("Quote cover", False, True),
    ]
    assert rules.closure_problems(decisions, actions) == [
        "Decision “Fund it” has no owner.",
        "Action “Map priorities” has no due date.",
        "Action “Quote cover” has no owner.",
    ]
    assert (
        rules.closure_problems([rules.OpenItem("a", True, True)], [rules.OpenItem("b", True, True)])
        == []
    )


def test_weighted_score_follows_the_playbook():
    assert scoring.score({"business_impact": 5, "complexity": 1, "cost": 1, "risk": 1}) == 100
    assert scoring.score({"business_impact": 1, "complexity": 5, "cost": 5, "risk": 5}) == 0
    # 40 x 1 + 30 x 0.5 + 20 x 0.5 + 10 x 0.75
    assert scoring.score({"business_impact": 5, "complexity": 3, "cost": 3, "risk": 2}) == 72.5
    custom = {"business_impact": 70, "complexity": 10, "cost": 10, "risk": 10}
    assert (
        scoring.score({"business_impact": 5, "complexity": 5, "cost": 5, "risk": 5}, custom) == 70
    )
    with pytest.raises(ValueError, match="ratings run from 1 to 5"):
        scoring.score({"business_impact": 6, "complexity": 1, "cost": 1, "risk": 1})


def test_weights_must_add_up_to_100():
    assert scoring.validate_weights(scoring.DEFAULT_WEIGHTS) == []
    assert scoring.validate_weights(
        {"business_impact": 50, "complexity": 30, "cost": 20, "risk": 10}
    ) == ["The weights add up to 110 %; they must add up to 100 %."]


ratings = st.integers(min_value=1, max_value=5)


@given(ratings, ratings, ratings, ratings)
def test_score_is_bounded_and_rises_with_impact(impact, complexity, cost, risk):
    item = {"business_impact": impact, "complexity": complexity, "cost": cost, "risk": risk}
    value = scoring.score(item)
    assert 0 <= value <= 100
    if impact < 5:
        assert scoring.score({**item, "business_impact": impact + 1}) > value
    if complexity < 5:
        assert scoring.score({**item, "complexity": complexity + 1}) < value


def test_an_override_replaces_the_score_in_the_ranking():
    ranked = scoring.rank(
        [scoring.Ranked("a", 80), scoring.Ranked("b", 60, override=95), scoring.Ranked("c", 70)]
    )
    assert [(pos, item.key) for pos, item in ranked] == [(1, "b"), (2, "a"), (3, "c")]


def pod(*roles, part_time=0):
    return [rules.PodSeat(r) for r in roles] + [rules.PodSeat("sme", True)] * part_time


def test_pod_warnings():
    assert rules.pod_warnings(pod("lead", "technologist", "analyst")) == []
    assert rules.pod_warnings(pod("technologist", "analyst")) == [
        "No integration lead: a pod needs an integration lead."
    ]
    assert rules.pod_warnings(pod("lead")) == [
        "No technologist: a pod needs a technologist.",
        "No analyst: a pod needs an analyst.",
    ]
    nine = pod("lead", *["technologist"] * 5, *["analyst"] * 3)
    assert rules.pod_warnings(nine) == ["9 core members: past 8 a pod should split in two."]
    # 8 core and 2 part-time helpers is fine; a third helper is one too many.
    eight = pod("lead", *["technologist"] * 4, *["analyst"] * 3, part_time=2)
    assert rules.pod_warnings(eight) == []
    assert rules.pod_warnings([*eight, rules.PodSeat("qa", True)]) == [
        "11 members with part-time help: past 10 one lead cannot coordinate them."
    ]
    # Part-time help does not fill a core role.
    assert (
        "No analyst"
        in rules.pod_warnings([*pod("lead", "technologist"), rules.PodSeat("analyst", True)])[0]
    )
    assert rules.pod_warnings(pod("lead", "lead", "technologist", "analyst")) == [
        "2 leads: a single lead per pod is enough."
    ]


def test_head_of_integration_wanted_from_two_pods():
    assert rules.head_of_integration_warning(1, False) is None
    assert rules.head_of_integration_warning(2, True) is None
    assert "2 pods without a head" in rules.head_of_integration_warning(2, False)


@pytest.mark.parametrize(
    "values, direction, expected",
    [
        ([88, 91, 94, 97], "higher", "improving"),
        ([88, 91, 94, 97], "lower", "degrading"),
        ([12, 11, 9, 8], "lower", "improving"),
        ([95, 95.5, 95, 95.4], "higher", "stable"),
        ([95, 97], "higher", "not_enough_data"),
        ([], "higher", "not_enough_data"),
        # Only the last six count: an old slump does not hide a recent decline.
        ([50, 60, 99, 98, 97, 96, 95, 94], "higher", "degrading"),
    ],
)
def test_trend(values, direction, expected):
    assert kpis.trend(values, direction) == expected


def test_periods_and_missed_measurements():
    assert kpis.period_starts(date(2026, 6, 15), date(2026, 10, 1), "monthly") == [
        date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1),
    ]  # fmt: skip
    assert kpis.period_starts(date(2026, 5, 1), date(2026, 12, 1), "quarterly") == [
        date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1),
    ]  # fmt: skip
    expected = kpis.period_starts(date(2026, 6, 1), date(2026, 9, 1), "monthly")
    assert kpis.missed_periods(expected, {date(2026, 6, 1), date(2026, 8, 1)}) == [
        date(2026, 7, 1),
        date(2026, 9, 1),
    ]
    assert kpis.add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert kpis.on_target(4.1, 4.2, "higher") is False and kpis.on_target(1.2, 1.5, "lower") is True
    assert kpis.on_target(None, 1, "lower") is None


def test_assessment_scores_and_comparison():
    answers = {
        "gov_boards": 5,
        "gov_decisions": 5,
        "gov_contracts": 5,
        "mea_kpis": 0,
        "tec_integration": 3,
    }
    scores = assessment.dimension_scores(answers)
    assert (
        scores["governance"] == 100.0
        and scores["measurement"] == 0.0
        and scores["technology"] == 60.0
    )
    assert scores["people"] is None  # nothing answered: unknown, not zero
    assert assessment.overall(scores) == round((100 + 0 + 60) / 3, 1)
    later = assessment.dimension_scores({**answers, "mea_kpis": 5})
    delta = assessment.compare(scores, later)
    assert delta["measurement"] == 100.0 and delta["governance"] == 0.0 and delta["people"] is None
