"""Integration pods and health self-assessments (with their radar)."""

from __future__ import annotations

from core import charts
from core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)

from .. import assessment, filtersets, forms, rules, tables
from ..models import (
    Assessment,
    Pod,
)

# --- Pods -------------------------------------------------------------------------------------


class PodListView(ObjectListView):
    queryset = Pod.objects.select_related("ecosystem", "head").prefetch_related("members")
    filterset = filtersets.PodFilterSet
    table = tables.PodTable
    template_name = "governance/pod_list.html"


class PodView(ObjectView):
    queryset = Pod.objects.select_related("ecosystem", "head").prefetch_related(
        "members__person__organisation"
    )
    template_name = "governance/pod.html"

    def get_extra_context(self, request, instance):
        siblings = (
            Pod.objects.restrict(request.user).filter(head=instance.head_id).exclude(pk=instance.pk)
            if instance.head_id
            else Pod.objects.none()
        )
        warnings = instance.warnings()
        pods_here = Pod.objects.filter(ecosystem=instance.ecosystem_id).count()
        head_warning = rules.head_of_integration_warning(pods_here, instance.head_id is not None)
        if head_warning:
            warnings.append(head_warning)
        return {"warnings": warnings, "members": list(instance.members.all()), "siblings": siblings}


class PodEditView(ObjectEditView):
    queryset = Pod.objects.all()
    form = forms.PodForm
    formsets = {"members": forms.PodMemberFormSet}


class PodDeleteView(ObjectDeleteView):
    queryset = Pod.objects.all()


# --- Self-assessments -------------------------------------------------------------------------


class AssessmentListView(ObjectListView):
    queryset = Assessment.objects.select_related("ecosystem", "assessed_by")
    filterset = filtersets.AssessmentFilterSet
    table = tables.AssessmentTable


class AssessmentView(ObjectView):
    queryset = Assessment.objects.select_related("ecosystem", "assessed_by")
    template_name = "governance/assessment.html"

    def get_extra_context(self, request, instance):
        others = (
            Assessment.objects.restrict(request.user)
            .filter(ecosystem=instance.ecosystem)
            .exclude(pk=instance.pk)
        )
        chosen = request.GET.get("with")
        other = (
            others.filter(pk=chosen).first()
            if chosen and chosen.isdigit()
            else others.filter(assessed_on__lt=instance.assessed_on)
            .order_by("-assessed_on")
            .first()
        )
        dimensions = list(assessment.DIMENSIONS)
        labels = [assessment.DIMENSIONS[d][0] for d in dimensions]
        series = [(str(instance), [instance.scores[d] for d in dimensions])]
        if other:
            series.insert(0, (str(other), [other.scores[d] for d in dimensions]))
        delta = assessment.compare(other.scores, instance.scores) if other else {}
        return {
            "radar": charts.radar(labels, series, f"SIAM health: {instance}"),
            "other": other,
            "others": others,
            "rows": [
                (
                    assessment.DIMENSIONS[d][0],
                    instance.scores[d],
                    other.scores[d] if other else None,
                    delta.get(d),
                    [
                        (text, instance.answers.get(key))
                        for key, text in assessment.DIMENSIONS[d][1]
                    ],
                )
                for d in dimensions
            ],
        }


class AssessmentEditView(ObjectEditView):
    queryset = Assessment.objects.all()
    form = forms.AssessmentForm
    template_name = "governance/assessment_edit.html"


class AssessmentDeleteView(ObjectDeleteView):
    queryset = Assessment.objects.all()
