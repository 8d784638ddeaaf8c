"""What the governance models share: the rating from 1 to 5, and the child of an
ecosystem-scoped record seen and changed with its parent."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.querysets import RestrictedQuerySet

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class EcosystemChild(models.Model):
    """A part of an ecosystem-scoped record, seen and changed with its parent."""

    parent_path = ""  # e.g. "board__ecosystem"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def access_filter(cls, context, action):
        return context.ecosystem_scoped(action, prefix=cls.parent_path)
