"""The SIAM health self-assessment: a short questionnaire per dimension, rated 0 to 5.

The questions paraphrase SIAM practice (governance, measurement, people, process,
technology); a dimension's score is the mean of its ratings as a percentage of 5.
"""

from __future__ import annotations

DIMENSIONS = {
    "governance": (
        "Governance & strategy",
        (
            (
                "gov_boards",
                "Strategic, tactical and operational boards meet at their cadence with quorum.",
            ),
            (
                "gov_decisions",
                "Decisions are logged with an owner and communicated to every party.",
            ),
            (
                "gov_contracts",
                "The end-to-end SLA and the providers' OLAs are aligned and reviewed.",
            ),
        ),
    ),
    "measurement": (
        "Measurement",
        (
            (
                "mea_kpis",
                "KPIs have a baseline, a target and an owner, and are measured every period.",
            ),
            ("mea_e2e", "Service levels are measured end to end, not only per provider."),
            ("mea_reports", "Steering reports reach the customer on time each month."),
        ),
    ),
    "people": (
        "People",
        (
            ("peo_roles", "Roles and responsibilities are agreed in approved RACI matrices."),
            ("peo_pods", "Integration pods have a lead, a technologist and an analyst."),
            ("peo_culture", "Providers collaborate rather than point at each other."),
        ),
    ),
    "process": (
        "Process",
        (
            ("pro_handoffs", "Hand-offs between providers follow one documented process."),
            ("pro_improvement", "Improvements are registered, scored and followed to done."),
            ("pro_knowledge", "Known errors and workarounds are shared in the operation handbook."),
        ),
    ),
    "technology": (
        "Technology",
        (
            (
                "tec_integration",
                "Tickets synchronise between the parties' tools without re-keying.",
            ),
            ("tec_mapping", "Field and value mappings are documented and checked."),
            ("tec_monitoring", "Integration latency and errors are monitored with alerts."),
        ),
    ),
}
QUESTION_KEYS = {key for _label, questions in DIMENSIONS.values() for key, _text in questions}
MAX_RATING = 5


def dimension_scores(answers: dict[str, int]) -> dict[str, float | None]:
    """Per dimension, the mean rating as a percentage; None if nothing was answered."""
    scores: dict[str, float | None] = {}
    for dimension, (_label, questions) in DIMENSIONS.items():
        ratings = [answers[key] for key, _text in questions if answers.get(key) is not None]
        scores[dimension] = (
            round(100 * sum(ratings) / (MAX_RATING * len(ratings)), 1) if ratings else None
        )
    return scores


def overall(scores: dict[str, float | None]) -> float | None:
    known = [v for v in scores.values() if v is not None]
    return round(sum(known) / len(known), 1) if known else None


def compare(
    before: dict[str, float | None], after: dict[str, float | None]
) -> dict[str, float | None]:
    return {
        dim: (
            round(after[dim] - before[dim], 1)
            if after.get(dim) is not None and before.get(dim) is not None
            else None
        )
        for dim in DIMENSIONS
    }
