"""Programs: what a runner reads (articles), does (exercises) and follows (plans)."""

from .articles import Article
from .exercises import Exercise
from .plans import Plan, PlanWeek, Prescription, Session
from .references import Reference
from .taxonomy import Equipment, Muscle, Tag

__all__ = [
    "Article",
    "Equipment",
    "Exercise",
    "Muscle",
    "Plan",
    "PlanWeek",
    "Prescription",
    "Reference",
    "Session",
    "Tag",
]
