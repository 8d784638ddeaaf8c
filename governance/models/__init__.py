"""Governance of an ecosystem: boards and their meetings, decisions and actions, KPIs
with their measurements, the improvement register and integration backlog with the
weighted scoring model, integration pods, health self-assessments and the archive of
monthly steering reports.

Every record belongs to one ecosystem and follows its access rule (parties see,
the integrator's editors change); steering reports are for the customer and the
integrator only, because they carry every provider's figures.
"""

from .common import RATING, EcosystemChild
from .improvements import ImprovementItem, ScoringModel
from .meetings import Action, ActionQuerySet, Board, BoardMember, Decision, Meeting
from .performance import Kpi, Measurement
from .pods import Assessment, Pod, PodMember
from .reports import SteeringReport, report_storage

__all__ = [
    "RATING", "Action", "ActionQuerySet", "Assessment", "Board", "BoardMember", "Decision",
    "EcosystemChild", "ImprovementItem", "Kpi", "Measurement", "Meeting", "Pod", "PodMember",
    "ScoringModel", "SteeringReport", "report_storage",
]  # fmt: skip
