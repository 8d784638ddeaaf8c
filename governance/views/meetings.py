"""Boards, meetings (and closing one), decisions and actions."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count

from core.db import subquery_count
from core.views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)

from .. import filtersets, forms, services, tables
from ..choices import OPEN_ACTION_STATES
from ..models import (
    Action,
    Board,
    Decision,
    Meeting,
)

# --- Boards and meetings ----------------------------------------------------------------------


class BoardListView(ObjectListView):
    queryset = Board.objects.select_related("ecosystem").annotate(member_count=Count("members"))
    filterset = filtersets.BoardFilterSet
    table = tables.BoardTable


class BoardView(ObjectView):
    queryset = Board.objects.select_related("ecosystem")
    template_name = "governance/board.html"

    def get_extra_context(self, request, instance):
        return {
            "members": instance.members.select_related("person__organisation"),
            "meetings": instance.meetings.annotate(attendee_count=Count("attendees"))[:12],
        }


class BoardEditView(ObjectEditView):
    queryset = Board.objects.all()
    form = forms.BoardForm
    formsets = {"members": forms.BoardMemberFormSet}


class BoardDeleteView(ObjectDeleteView):
    queryset = Board.objects.all()


class MeetingListView(ObjectListView):
    queryset = Meeting.objects.select_related("ecosystem", "board").annotate(
        attendee_count=Count("attendees", distinct=True),
        open_action_count=subquery_count(
            Action.objects.filter(status__in=OPEN_ACTION_STATES), meeting_id="pk"
        ),
    )
    filterset = filtersets.MeetingFilterSet
    table = tables.MeetingTable


class MeetingView(ObjectView):
    queryset = Meeting.objects.select_related("ecosystem", "board", "closed_by").prefetch_related(
        "board__members__person__organisation", "attendees__organisation"
    )
    template_name = "governance/meeting.html"

    def get_extra_context(self, request, instance):
        decisions = list(instance.decisions.select_related("owner"))
        actions = list(instance.actions.select_related("owner"))
        instance._prefetched_objects_cache.update({"decisions": decisions, "actions": actions})
        members = {m.person_id for m in instance.board.members.all()}
        return {
            "quorum": instance.quorum(),
            "decisions": decisions,
            "actions": actions,
            "closure_problems": instance.closure_problems(),
            "guests": [p for p in instance.attendees.all() if p.pk not in members],
            "present": {p.pk for p in instance.attendees.all()},
        }


class MeetingEditView(ObjectEditView):
    queryset = Meeting.objects.all()
    form = forms.MeetingForm
    formsets = {"decisions": forms.MeetingDecisionFormSet, "actions": forms.MeetingActionFormSet}


class MeetingDeleteView(ObjectDeleteView):
    queryset = Meeting.objects.all()


class MeetingCloseView(ObjectActionView):
    queryset = Meeting.objects.all()
    refused_prefix = "Not closed: "

    def perform(self, request, meeting):
        services.close_meeting(meeting, request.user)
        messages.success(request, f"Closed “{meeting}”.")


class DecisionListView(ObjectListView):
    queryset = Decision.objects.select_related("ecosystem", "owner", "meeting__board")
    filterset = filtersets.DecisionFilterSet
    table = tables.DecisionTable


class DecisionView(ObjectView):
    queryset = Decision.objects.select_related("ecosystem", "owner", "meeting")


class DecisionEditView(ObjectEditView):
    queryset = Decision.objects.all()
    form = forms.DecisionForm


class DecisionDeleteView(ObjectDeleteView):
    queryset = Decision.objects.all()


class ActionListView(ObjectListView):
    queryset = Action.objects.select_related("ecosystem", "owner", "meeting__board")
    filterset = filtersets.ActionFilterSet
    table = tables.ActionTable


class ActionView(ObjectView):
    queryset = Action.objects.select_related("ecosystem", "owner", "meeting")


class ActionEditView(ObjectEditView):
    queryset = Action.objects.all()
    form = forms.ActionForm


class ActionDeleteView(ObjectDeleteView):
    queryset = Action.objects.all()
