"""The generic list / detail / edit / delete for every requirements item, plus the
requirement workflow, suspect-link confirmation and the design-question catalogue
with progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from core.db import subquery_count
from core.querysets import VIEW
from core.views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from siam.access import get_access_context
from siam.models import Ecosystem

from .. import filtersets, forms, services, tables, workflow
from ..models import (
    AcceptanceCriterion,
    BusinessRule,
    DesignQuestion,
    PainPoint,
    Requirement,
    StoryLink,
    UseCase,
    UseCaseLink,
    UseCaseStep,
    UserStory,
    Vision,
)

# --- Pain points and vision -----------------------------------------------------------------


class PainPointListView(ObjectListView):
    queryset = PainPoint.objects.select_related("ecosystem")
    filterset = filtersets.PainPointFilterSet
    table = tables.PainPointTable

    def get_queryset(self, request):
        through = Requirement.pain_points.through.objects.all()
        return (
            super()
            .get_queryset(request)
            .annotate(requirement_count=subquery_count(through, painpoint_id="pk"))
        )


class PainPointView(ObjectView):
    queryset = PainPoint.objects.select_related("ecosystem").prefetch_related(
        "parties", "requirements"
    )
    template_name = "requirements_app/painpoint.html"


class PainPointEditView(ObjectEditView):
    queryset = PainPoint.objects.all()
    form = forms.PainPointForm


class PainPointDeleteView(ObjectDeleteView):
    queryset = PainPoint.objects.all()


class VisionListView(ObjectListView):
    queryset = Vision.objects.select_related("ecosystem")
    filterset = filtersets.VisionFilterSet
    table = tables.VisionTable


class VisionView(ObjectView):
    queryset = Vision.objects.select_related("ecosystem")


class VisionEditView(ObjectEditView):
    queryset = Vision.objects.all()
    form = forms.VisionForm


class VisionDeleteView(ObjectDeleteView):
    queryset = Vision.objects.all()


# --- Requirements ---------------------------------------------------------------------------


def _suspect_links():
    """Suspect stories and use cases of each requirement, counted in SQL."""
    return subquery_count(
        StoryLink.objects.filter(suspect=True), requirement_id="pk"
    ) + subquery_count(UseCaseLink.objects.filter(suspect=True), requirement_id="pk")


class RequirementListView(ObjectListView):
    queryset = Requirement.objects.select_related("ecosystem", "owner")
    filterset = filtersets.RequirementFilterSet
    table = tables.RequirementTable

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                criteria_count=subquery_count(
                    AcceptanceCriterion.objects.all(), requirement_id="pk"
                ),
                story_count=subquery_count(StoryLink.objects.all(), requirement_id="pk"),
                suspect_count=_suspect_links(),
            )
        )


class RequirementView(ObjectView):
    queryset = Requirement.objects.select_related("ecosystem", "owner__organisation")
    template_name = "requirements_app/requirement.html"

    def get_extra_context(self, request, instance):
        actor = services.actor_for(request.user, instance)
        return {
            "criteria": instance.criteria.all(),
            "transitions": instance.transitions.select_related("by"),
            "available": workflow.available(instance.status, actor),
            "story_links": instance.story_links.select_related("story"),
            "use_case_links": instance.use_case_links.select_related("use_case"),
            "pain_points": instance.pain_points.all(),
            "frozen": instance.status in workflow.FROZEN,
        }


class RequirementEditView(ObjectEditView):
    queryset = Requirement.objects.all()
    form = forms.RequirementForm
    formsets = {"criteria": forms.RequirementCriteriaFormSet}


class RequirementDeleteView(ObjectDeleteView):
    queryset = Requirement.objects.all()


class RequirementTransitionView(ObjectActionView):
    """A workflow step. Who may take which step is the workflow's rule (the author
    submits, the reviewers' parties approve), checked by ``services.move``; the
    access rule only has to let the user see the requirement."""

    queryset = Requirement.objects.select_related("ecosystem", "owner")
    required_action = VIEW

    def perform(self, request, requirement):
        form = forms.TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return None
        record = services.move(
            requirement, form.cleaned_data["target"], request.user, form.cleaned_data["note"]
        )
        messages.success(
            request,
            f"{requirement.code}: {record.get_source_display()} → {record.get_target_display()}.",
        )
        return None


class ConfirmLinkView(ObjectActionView):
    """Re-confirm that a story or use case still holds after its requirement changed."""

    MODELS = {"story": StoryLink, "use-case": UseCaseLink}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        model = self.MODELS.get(kwargs.get("kind"))
        if model is None:
            raise Http404("No such kind of link.")
        self.queryset = model.objects.select_related("requirement")

    def denied_message(self, instance, action):
        return "You may not confirm this link."

    def perform(self, request, link, kind):
        services.confirm(link)
        messages.success(request, "Confirmed: the item still holds for the changed requirement.")
        return redirect(self.safe_return_url(link.requirement.get_absolute_url()))


# --- Stories and use cases ----------------------------------------------------------------------


class UserStoryListView(ObjectListView):
    queryset = UserStory.objects.select_related("ecosystem")
    filterset = filtersets.UserStoryFilterSet
    table = tables.UserStoryTable

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                criteria_count=subquery_count(AcceptanceCriterion.objects.all(), story_id="pk")
            )
        )


class UserStoryView(ObjectView):
    queryset = UserStory.objects.select_related("ecosystem")
    template_name = "requirements_app/userstory.html"

    def get_extra_context(self, request, instance):
        return {
            "criteria": instance.criteria.all(),
            "links": instance.links.select_related("requirement"),
        }


class UserStoryEditView(ObjectEditView):
    queryset = UserStory.objects.all()
    form = forms.UserStoryForm
    formsets = {"criteria": forms.StoryCriteriaFormSet}


class UserStoryDeleteView(ObjectDeleteView):
    queryset = UserStory.objects.all()


class UseCaseListView(ObjectListView):
    queryset = UseCase.objects.select_related("ecosystem")
    filterset = filtersets.UseCaseFilterSet
    table = tables.UseCaseTable

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(step_count=subquery_count(UseCaseStep.objects.all(), use_case_id="pk"))
        )


class UseCaseView(ObjectView):
    queryset = UseCase.objects.select_related("ecosystem")
    template_name = "requirements_app/usecase.html"

    def get_extra_context(self, request, instance):
        steps = list(instance.steps.all())
        return {
            "main_steps": [s for s in steps if s.kind == "main"],
            "alternative_steps": [s for s in steps if s.kind != "main"],
            "links": instance.links.select_related("requirement"),
        }


class UseCaseEditView(ObjectEditView):
    queryset = UseCase.objects.all()
    form = forms.UseCaseForm
    formsets = {"steps": forms.UseCaseStepFormSet}


class UseCaseDeleteView(ObjectDeleteView):
    queryset = UseCase.objects.all()


# --- Design questions and business rules -----------------------------------------------------


class DesignQuestionListView(ObjectListView):
    queryset = DesignQuestion.objects.select_related("ecosystem", "answered_by")
    filterset = filtersets.DesignQuestionFilterSet
    table = tables.DesignQuestionTable


class DesignQuestionView(ObjectView):
    queryset = DesignQuestion.objects.select_related("ecosystem", "answered_by")


class DesignQuestionEditView(ObjectEditView):
    queryset = DesignQuestion.objects.all()
    form = forms.DesignQuestionForm


class DesignQuestionDeleteView(ObjectDeleteView):
    queryset = DesignQuestion.objects.all()


class DesignCatalogueView(View):
    """The questions of one ecosystem grouped by category, with progress."""

    def get(self, request, pk):
        ecosystem = get_object_or_404(Ecosystem.objects.restrict(request.user), pk=pk)
        questions = (
            DesignQuestion.objects.restrict(request.user)
            .filter(ecosystem=ecosystem)
            .select_related("answered_by")
        )
        groups = services.question_progress(questions)
        total = sum(g["total"] for g in groups)
        answered = sum(g["answered"] for g in groups)
        context = {
            "ecosystem": ecosystem,
            "groups": groups,
            "total": total,
            "answered": answered,
            "percent": round(100 * answered / total) if total else 0,
            "may_change": request.user.is_superuser
            or ecosystem.pk in get_access_context(request.user).governed_ecosystem_ids,
        }
        return render(request, "requirements_app/design_catalogue.html", context)


class BusinessRuleListView(ObjectListView):
    queryset = BusinessRule.objects.select_related("ecosystem")
    filterset = filtersets.BusinessRuleFilterSet
    table = tables.BusinessRuleTable


class BusinessRuleView(ObjectView):
    queryset = BusinessRule.objects.select_related("ecosystem").prefetch_related("flows")


class BusinessRuleEditView(ObjectEditView):
    queryset = BusinessRule.objects.all()
    form = forms.BusinessRuleForm


class BusinessRuleDeleteView(ObjectDeleteView):
    queryset = BusinessRule.objects.all()
