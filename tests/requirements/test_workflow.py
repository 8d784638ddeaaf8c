"""Requirements in the database: codes, workflow with who / when, frozen approved
content and suspect links, story format, traceability gaps, import round trip."""

import io

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.urls import reverse

from requirements_app import imports, services
from requirements_app.models import (
    AcceptanceCriterion,
    DesignQuestion,
    Requirement,
    StoryLink,
    UserStory,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def requirement(world):
    req = Requirement.objects.create(
        ecosystem=world.a, title="End-to-end view", statement="Track every ticket."
    )
    AcceptanceCriterion.objects.create(
        requirement=req, text="A ticket shows its status in every tool"
    )
    return req


def test_codes_are_stable_per_ecosystem(world):
    first = Requirement.objects.create(ecosystem=world.a, title="One", statement="x")
    second = Requirement.objects.create(ecosystem=world.a, title="Two", statement="x")
    other = Requirement.objects.create(ecosystem=world.b, title="Other", statement="x")
    first.delete()
    third = Requirement.objects.create(ecosystem=world.a, title="Three", statement="x")
    assert (second.code, other.code, third.code) == ("REQ-002", "REQ-001", "REQ-003")


def test_workflow_records_who_and_when_and_checks_who(world, requirement):
    with pytest.raises(ValidationError, match="Only the integrator's editors"):
        services.move(requirement, "in_review", world.customer_viewer)
    services.move(requirement, "in_review", world.integrator_admin)
    with pytest.raises(
        ValidationError, match="customer's editors or the integrator's administrators"
    ):
        services.move(requirement, "approved", world.provider1_editor)
    services.move(
        requirement, "approved", world.integrator_admin, note="Agreed in the steering board"
    )
    requirement.refresh_from_db()
    assert requirement.status == "approved"
    last = requirement.transitions.last()
    assert (last.source, last.target, last.by, last.note) == (
        "in_review",
        "approved",
        world.integrator_admin,
        "Agreed in the steering board",
    )


def test_the_owner_may_not_approve(world, requirement):
    owner = f.PersonFactory(organisation=world.integrator, user=world.integrator_admin)
    requirement.owner = owner
    requirement.save()
    services.move(requirement, "in_review", world.integrator_admin)
    with pytest.raises(ValidationError, match="owner cannot approve"):
        services.move(requirement, "approved", world.integrator_admin)


def test_review_needs_acceptance_criteria(world):
    bare = Requirement.objects.create(ecosystem=world.a, title="Bare", statement="x")
    with pytest.raises(ValidationError, match="acceptance criterion"):
        services.move(bare, "in_review", world.integrator_admin)


def test_changing_an_approved_requirement_reopens_review_and_marks_links_suspect(
    world, client_for, requirement
):
    story = UserStory.objects.create(
        ecosystem=world.a, role="agent", goal="see status", benefit="customers know"
    )
    link = StoryLink.objects.create(story=story, requirement=requirement)
    services.move(requirement, "in_review", world.integrator_admin)
    services.move(requirement, "approved", world.integrator_admin)
    client = client_for(world.integrator_admin)
    edit = client.get(reverse("requirements_app:requirement_edit", args=[requirement.pk]))
    form = edit.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "pain_points"}
    data.update(
        {
            "ecosystem": world.a.pk,
            "title": "End-to-end view of tickets",
            "statement": requirement.statement,
            "priority": "must",
        }
    )
    data.update({
        "criteria-TOTAL_FORMS": 1, "criteria-INITIAL_FORMS": 1, "criteria-MIN_NUM_FORMS": 0, "criteria-MAX_NUM_FORMS": 1000,
        "criteria-0-id": requirement.criteria.first().pk, "criteria-0-text": "A ticket shows its status in every tool",
        "criteria-0-position": 0,
    })  # fmt: skip
    response = client.post(
        reverse("requirements_app:requirement_edit", args=[requirement.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    requirement.refresh_from_db()
    link.refresh_from_db()
    assert requirement.status == "in_review" and link.suspect
    assert "Changed after approval: title, priority" in requirement.transitions.last().note
    page = client.get(requirement.get_absolute_url()).content.decode()
    assert "suspect" in page
    client.post(reverse("requirements_app:link_confirm", args=["story", link.pk]))
    link.refresh_from_db()
    assert not link.suspect and link.confirmed_at


def test_a_story_missing_a_part_is_rejected_with_a_clear_message(world, client_for):
    client = client_for(world.integrator_admin)
    data = {
        "ecosystem": world.a.pk, "role": "customer service agent", "goal": "see the ticket status", "benefit": "",
        "criteria-TOTAL_FORMS": 0, "criteria-INITIAL_FORMS": 0, "criteria-MIN_NUM_FORMS": 0, "criteria-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    response = client.post(reverse("requirements_app:userstory_add"), data)
    assert response.status_code == 422
    assert "A user story says why (so that …)" in response.content.decode()
    with pytest.raises(ValidationError, match="who"):
        UserStory(ecosystem=world.a, role=" ", goal="x", benefit="y").full_clean()


def test_traceability_gaps(world, client_for, requirement, django_assert_max_num_queries):
    bare = Requirement.objects.create(ecosystem=world.a, title="No story", statement="x")
    story = UserStory.objects.create(ecosystem=world.a, role="agent", goal="g", benefit="b")
    StoryLink.objects.create(story=story, requirement=requirement, suspect=True)
    rows = {
        row.requirement.pk: row
        for row in services.traceability(Requirement.objects.filter(ecosystem=world.a))
    }
    assert "No user story or use case traces to it." in rows[bare.pk].gaps
    assert "No acceptance criteria." in rows[bare.pk].gaps
    assert f"{story.code} has no acceptance criteria." in rows[requirement.pk].gaps
    assert "Suspect links: re-confirm the items traced to it." in rows[requirement.pk].gaps
    html = (
        client_for(world.integrator_admin)
        .get(reverse("requirements_app:traceability"), {"ecosystem": world.a.pk})
        .content.decode()
    )
    assert 'id="gap-count">2 requirements with gaps' in html


def test_new_ecosystems_get_the_design_question_catalogue(world):
    questions = DesignQuestion.objects.filter(ecosystem=world.a)
    assert questions.count() == 11
    assert set(questions.values_list("category", flat=True)) == {
        "technical",
        "data",
        "error_handling",
        "deployment",
    }
    groups = services.question_progress(questions)
    assert all(g["percent"] == 0 for g in groups)
    q = questions.filter(category="technical").first()
    q.answer, q.status = "Point to point over HTTPS", "answered"
    q.save()
    assert q.answered_at is not None
    groups = {
        g["key"]: g
        for g in services.question_progress(DesignQuestion.objects.filter(ecosystem=world.a))
    }
    assert groups["technical"]["answered"] == 1 and groups["technical"]["percent"] == 33


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_requirements_and_stories_round_trip(world, requirement, fmt):
    story = UserStory.objects.create(ecosystem=world.a, role="agent", goal="g", benefit="b")
    StoryLink.objects.create(story=story, requirement=requirement)
    AcceptanceCriterion.objects.create(story=story, text="Status visible in Zendesk")
    for export, importer in (
        (imports.export_requirements, imports.import_requirements),
        (imports.export_stories, imports.import_stories),
    ):
        data = export(world.a, world.integrator_admin)
        again = tablib.Dataset().load(
            io.BytesIO(data.export(fmt)) if fmt == "xlsx" else data.export(fmt), format=fmt
        )
        result = importer(world.a, again, world.integrator_admin)
        assert (result.errors, result.created, result.updated) == ([], 0, 0)
    assert imports.export_requirements(world.a, world.integrator_admin).export("csv") == data_csv(
        world
    )


def data_csv(world):
    return imports.export_requirements(world.a, world.integrator_admin).export("csv")


def test_a_bad_import_reports_rows_and_changes_nothing(world, requirement):
    data = imports.export_requirements(world.a, world.integrator_admin)
    data.append(["", "", "No title", "", "sometimes", "Nobody", "", ""])
    data.append(["", "New one", "Statement", "", "must", "", "", "First\nSecond"])
    result = imports.import_requirements(world.a, data, world.integrator_admin)
    assert len(result.errors) == 1 and result.errors[0].startswith("Row 3:")
    assert "the title is empty" in result.errors[0] and "priority 'sometimes'" in result.errors[0]
    assert "no person named 'Nobody'" in result.errors[0]
    assert Requirement.objects.filter(ecosystem=world.a).count() == 1
    del data[1]
    result = imports.import_requirements(world.a, data, world.integrator_admin)
    assert result.created == 1
    assert list(
        Requirement.objects.get(title="New one").criteria.values_list("text", flat=True)
    ) == ["First", "Second"]
    stories = tablib.Dataset(
        ["", "agent", "", "b", "REQ-999", ""], headers=list(imports.STORY_HEADERS)
    )
    result = imports.import_stories(world.a, stories, world.integrator_admin)
    assert (
        "“I want …” is empty" in result.errors[0]
        and "unknown requirements REQ-999" in result.errors[0]
    )


def test_a_transition_stays_valid_when_its_author_is_deleted(world, django_user_model):
    from django.utils import timezone

    from requirements_app.models import Requirement, Transition

    author = django_user_model.objects.create_user("leaving", password="x")
    requirement = Requirement.objects.create(ecosystem=world.a, title="Audit", statement="s")
    transition = Transition.objects.create(
        requirement=requirement, source="draft", target="in_review", by=author, at=timezone.now()
    )
    author.delete()
    transition.refresh_from_db()
    assert transition.by is None
    transition.full_clean()  # the record of who moved it is gone, not the record itself
