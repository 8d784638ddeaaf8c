from dataclasses import dataclass

import pytest

from raci import services
from raci.models import RaciMatrix, RaciTemplate, Role
from tests import factories as f


@pytest.fixture
def incident_matrix(world):
    template = RaciTemplate.objects.get(name="Incident management", owner=None)
    return services.create_from_template(
        world.a, "Incident management", template.content, template.variant
    )


@pytest.fixture
def provider_person(world, incident_matrix):
    """Provider One's editor, holding the provider roles the template created."""
    person = f.PersonFactory(
        organisation=world.provider1, name="Pat Provider", user=world.provider1_editor
    )
    for role in Role.objects.filter(ecosystem=world.a, organisation=world.provider1):
        role.holders.add(person)
    return person


def build_matrix(ecosystem, activities: int, columns: int, name="Big"):
    """A valid matrix of any size: one A and one R per row, a C here and there."""
    spec_columns = [
        {"name": f"Role {n}", "layer": "provider" if n % 3 else "integrator"}
        for n in range(columns)
    ]
    spec_activities = [
        {
            "phase": f"Phase {a // 10}",
            "name": f"Activity {a}",
            "process": "incident",
            "cells": {
                f"Role {(a + offset) % columns}": letter
                for offset, letter in enumerate("ARCI"[: min(columns, 4)])
            },
        }
        for a in range(activities)
    ]
    return services.create_from_template(
        ecosystem, name, {"columns": spec_columns, "activities": spec_activities}
    )


@pytest.fixture
def matrix_of_size(world):
    def make(activities, columns, name="Big"):
        return build_matrix(world.a, activities, columns, name)

    return make


@dataclass
class RaciContext:
    """What the generic tests (``tests/raci/cases.py``) work on: the world, and a draft
    of the incident matrix of ecosystem ``a`` (drafts are what may be edited)."""

    world: object
    matrix: RaciMatrix


@pytest.fixture
def raci_ctx(world, incident_matrix):
    return RaciContext(world, incident_matrix)
