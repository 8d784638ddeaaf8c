"""Pages, API and isolation of the requirements app; constant queries as items grow."""

import pytest
from django.urls import reverse

from integrations.models import FieldMapping, ValueMapping
from requirements_app.models import (
    AcceptanceCriterion,
    PainPoint,
    Requirement,
    StoryLink,
    UseCase,
    UserStory,
)

pytestmark = pytest.mark.django_db


def grow(world, n):
    for i in range(n):
        pain = PainPoint.objects.create(ecosystem=world.a, title=f"Pain {i}")
        req = Requirement.objects.create(ecosystem=world.a, title=f"Req {i}", statement="s")
        req.pain_points.add(pain)
        AcceptanceCriterion.objects.create(requirement=req, text="c")
        story = UserStory.objects.create(ecosystem=world.a, role="r", goal="g", benefit="b")
        AcceptanceCriterion.objects.create(story=story, text="c")
        StoryLink.objects.create(story=story, requirement=req, suspect=bool(i % 2))
        UseCase.objects.create(ecosystem=world.a, title=f"UC {i}", actors="a").steps.create(
            text="step"
        )


LISTS = [
    "requirement_list",
    "userstory_list",
    "usecase_list",
    "painpoint_list",
    "designquestion_list",
    "traceability",
]


@pytest.mark.parametrize("name", LISTS)
def test_lists_and_traceability_take_constant_queries(world, client_for, name, query_count):
    client = client_for(world.integrator_admin)
    grow(world, 2)
    url = reverse(f"requirements_app:{name}")
    query_count.constant(lambda: client.get(url), grow=lambda: grow(world, 20))


def test_pages_render_and_other_ecosystems_see_nothing(world, client_for):
    grow(world, 1)
    req = Requirement.objects.get(ecosystem=world.a)
    client = client_for(world.integrator_admin)
    for url in (
        req.get_absolute_url(),
        reverse("requirements_app:requirement_edit", args=[req.pk]),
        reverse("requirements_app:requirement_add"),
        UserStory.objects.get().get_absolute_url(),
        reverse("requirements_app:userstory_add"),
        UseCase.objects.get().get_absolute_url(),
        reverse("requirements_app:usecase_add"),
        reverse("requirements_app:design_catalogue", args=[world.a.pk]),
        reverse("requirements_app:import", args=["requirements"]),
    ):
        assert client.get(url).status_code == 200, url
    pdf = client.get(reverse("requirements_app:specification", args=[world.a.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    other = client_for(world.b_admin)
    assert other.get(req.get_absolute_url()).status_code == 404
    assert (
        other.get(reverse("requirements_app:specification", args=[world.a.pk])).status_code == 404
    )
    assert "Req 0" not in other.get(reverse("requirements_app:traceability")).content.decode()


def test_requirement_workflow_through_the_api(world, api_client_for):
    client = api_client_for(world.integrator_admin)
    created = client.post(
        reverse("requirements_app-api:requirement-list"),
        {"ecosystem": world.a.pk, "title": "Secure exchange", "statement": "Encrypt and control access.", "priority": "must",
         "criteria": [{"text": "TLS 1.2+"}, {"text": "Role-based access"}]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["code"] == "REQ-001" and len(created.json()["criteria"]) == 2
    bad = client.post(
        reverse("requirements_app-api:requirement-transition", args=[pk]),
        {"target": "approved"},
        format="json",
    )
    assert bad.status_code == 400
    for target in ("in_review", "approved"):
        response = client.post(
            reverse("requirements_app-api:requirement-transition", args=[pk]),
            {"target": target},
            format="json",
        )
        assert response.status_code == 200 and response.json()["status"] == target
    story = client.post(
        reverse("requirements_app-api:userstory-list"),
        {"ecosystem": world.a.pk, "role": "agent", "goal": "g", "benefit": "b", "requirements": [pk], "criteria": [{"text": "c"}]},
        format="json",
    )  # fmt: skip
    assert story.status_code == 201 and story.json()["links"] == [
        {"requirement": "REQ-001", "suspect": False}
    ]
    incomplete = client.post(
        reverse("requirements_app-api:userstory-list"),
        {"ecosystem": world.a.pk, "role": "agent", "goal": "g", "benefit": ""},
        format="json",
    )
    assert incomplete.status_code == 400
    client.patch(
        reverse("requirements_app-api:requirement-detail", args=[pk]),
        {"statement": "Encrypt everything."},
        format="json",
    )
    detail = client.get(reverse("requirements_app-api:requirement-detail", args=[pk])).json()
    assert detail["status"] == "in_review"
    trace = client.get(
        reverse("requirements_app-api:requirement-traceability"), {"ecosystem": world.a.pk}
    ).json()
    assert trace[0]["stories"] == [{"code": "US-001", "suspect": True}]
    assert (
        api_client_for(world.b_admin)
        .get(reverse("requirements_app-api:requirement-detail", args=[pk]))
        .status_code
        == 404
    )


def test_specification_pdf_has_every_section_and_the_dictionary_checks(world, client_for):
    from io import BytesIO

    from pypdf import PdfReader

    grow(world, 1)
    UseCase.objects.get().steps.create(kind="alternative", text="The connection is down")
    field = FieldMapping.objects.create(
        flow=world.flow, source_field="short_description", target_field="summary",
        source_max_length=160, target_max_length=100,
    )  # fmt: skip
    ValueMapping.objects.create(field=field, source_value="1", target_value="Highest")
    client = client_for(world.integrator_admin)
    response = client.get(reverse("requirements_app:specification", args=[world.a.pk]))
    reader = PdfReader(BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for heading in (
        "1. Vision and pain points", "2. Business requirements", "3. User stories",
        "4. Use cases", "5. Design questions", "6. Business rules", "7. Data dictionary",
    ):  # fmt: skip
        assert heading in text, heading
    assert "Contents" in reader.pages[0].extract_text()
    assert "REQ-001" in text and "US-001" in text and "UC-001" in text
    assert "Main flow" in text and "Alternative flow. The connection is down" in text
    assert "longer values will be truncated" in text
    assert f"Page 1 of {len(reader.pages)}" in text
