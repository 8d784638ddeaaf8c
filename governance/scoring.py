"""The playbook's weighted scoring model for the improvement register and the
integration backlog.

Each criterion is rated 1 to 5 as people naturally say it: business impact 5 = large,
technical complexity 5 = very complex, cost 5 = very expensive, risk 5 = very risky.
"A higher score signifies a more urgent effort", so impact counts for an item while
complexity, cost and risk count against it: each rating becomes a 0 to 1 desirability
(impact (r-1)/4; the others (5-r)/4), weighted (40 / 30 / 20 / 10 by default,
configurable per ecosystem) and expressed on 0 to 100.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_WEIGHTS = {"business_impact": 40, "complexity": 30, "cost": 20, "risk": 10}
CRITERIA = tuple(DEFAULT_WEIGHTS)
FAVOURS_HIGH = {"business_impact"}


def validate_weights(weights: dict[str, int]) -> list[str]:
    problems = [
        f"{name} weight must be between 0 and 100."
        for name in CRITERIA
        if not 0 <= weights.get(name, 0) <= 100
    ]
    total = sum(weights.get(name, 0) for name in CRITERIA)
    if total != 100:
        problems.append(f"The weights add up to {total} %; they must add up to 100 %.")
    return problems


def score(ratings: dict[str, int], weights: dict[str, int] | None = None) -> float:
    """The weighted score of one item, 0 (do last) to 100 (do first)."""
    weights = weights or DEFAULT_WEIGHTS
    total = 0.0
    for name in CRITERIA:
        rating = ratings[name]
        if not 1 <= rating <= 5:
            raise ValueError(f"{name} is rated {rating}; ratings run from 1 to 5.")
        desirability = (rating - 1) / 4 if name in FAVOURS_HIGH else (5 - rating) / 4
        total += weights[name] * desirability
    return round(total, 1)


@dataclass(frozen=True)
class Ranked:
    key: object
    score: float
    override: float | None = None

    @property
    def effective(self) -> float:
        return self.override if self.override is not None else self.score


def rank(items: list[Ranked]) -> list[tuple[int, Ranked]]:
    """Highest effective score first (a manual override replaces the computed score);
    ties keep their given order. The database does the same with a window function."""
    ordered = sorted(items, key=lambda item: -item.effective)
    return [(position, item) for position, item in enumerate(ordered, start=1)]
