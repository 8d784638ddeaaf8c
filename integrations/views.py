"""Integration pages: feeds (with their secret shown once), the inbound event log with
replay, the tickets the feeds track, CSV imports, and outbound webhook subscriptions
with their delivery log, and each flow's data dictionary with its checks. Generic list
/ detail / edit views throughout."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.forms import modelformset_factory
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.db import subquery_count
from core.querysets import CHANGE, VIEW
from core.tasks import enqueue_on_commit
from core.views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from core.views.generic import ObjectMixin
from requirements_app.models import BusinessRule
from siam.models import IntegrationFlow
from slas.choices import MetricChoices
from slas.models import IncidentSla

from . import dictionaries, filtersets, forms, services, tables
from .choices import (
    DeliveryStatusChoices,
    ImportStateChoices,
    InboundStateChoices,
    SignatureResultChoices,
)
from .importers import queue_upload
from .models import (
    ImportRun,
    InboundEvent,
    SourceEvent,
    TicketFeed,
    TicketLink,
    ValueMapping,
    WebhookDelivery,
    WebhookSubscription,
)


def endpoint_url(feed: TicketFeed) -> str:
    path = reverse("integrations:hook", kwargs={"endpoint": feed.endpoint})
    return f"{settings.SIAM_BASE_URL.rstrip('/')}{path}"


def render_secret(request, obj, secret: str, *, kind: str):
    """The one page that ever shows a secret; never cached."""
    response = render(
        request,
        "integrations/secret.html",
        {
            "object": obj,
            "secret": secret,
            "kind": kind,
            "endpoint": endpoint_url(obj) if kind == "feed" else None,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Feeds ------------------------------------------------------------------------------------


class TicketFeedListView(ObjectListView):
    queryset = TicketFeed.objects.select_related("ecosystem", "system").annotate(
        applied_count=subquery_count(
            InboundEvent.objects.filter(state=InboundStateChoices.APPLIED), feed_id="pk"
        ),
        failed_count=subquery_count(
            InboundEvent.objects.filter(state=InboundStateChoices.FAILED), feed_id="pk"
        ),
        ticket_count=subquery_count(TicketLink.objects.all(), feed_id="pk"),
        last_received=Subquery(
            InboundEvent.objects.filter(feed_id=OuterRef("pk"))
            .order_by()
            .values("feed_id")
            .annotate(last=Max("received_at"))
            .values("last")[:1]
        ),
    )
    filterset = filtersets.TicketFeedFilterSet
    table = tables.TicketFeedTable


class TicketFeedView(ObjectView):
    queryset = TicketFeed.objects.select_related(
        "ecosystem", "system__organisation", "flow", "service", "default_holder"
    )
    template_name = "integrations/ticketfeed.html"

    def get_extra_context(self, request, instance):
        counts = dict(
            instance.inbound_events.order_by()
            .values("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        return {
            "endpoint": endpoint_url(instance),
            "state_counts": [
                (value, label, counts.get(value, 0)) for value, label in InboundStateChoices.choices
            ],
            "recent": instance.inbound_events.select_related("ticket__incident")[:10],
            "groups": instance.groups.select_related("organisation"),
            "imports": instance.imports.all()[:5],
            "ticket_count": instance.tickets.count(),
            "failed_count": counts.get(InboundStateChoices.FAILED, 0),
        }


class ShowsSecretOnCreate:
    """An edit view whose new object gets a secret (from its save command), shown on
    the page that answers the creation instead of the usual redirect (and never again)."""

    def post(self, request, pk=None):
        self.write = None
        response = super().post(request, pk)
        secret = self.write.outputs.get("secret") if self.write else None
        if secret and response.status_code == 302:
            kind = "feed" if isinstance(self.saved, TicketFeed) else "subscription"
            return render_secret(request, self.saved, secret, kind=kind)
        return response


class TicketFeedEditView(ShowsSecretOnCreate, ObjectEditView):
    queryset = TicketFeed.objects.all()
    form = forms.TicketFeedForm
    formsets = {"groups": forms.AssignmentGroupFormSetForFeed}

    def build_formsets(self, instance, data=None):
        # Groups are edited once the feed exists (they map to its ecosystem's parties).
        return super().build_formsets(instance, data) if instance.pk else {}


class TicketFeedDeleteView(ObjectDeleteView):
    queryset = TicketFeed.objects.all()


class SecretRotateView(ObjectActionView):
    """A new secret for a feed or subscription; the old one stops working at once."""

    def perform(self, request, obj):
        secret = obj.set_secret()
        obj.save()
        kind = "feed" if isinstance(obj, TicketFeed) else "subscription"
        return render_secret(request, obj, secret, kind=kind)


class ReplayFailedView(ObjectActionView):
    """Queue a feed's failed events again, e.g. after fixing its data dictionary."""

    queryset = TicketFeed.objects.all()

    def perform(self, request, feed):
        failed = list(
            feed.inbound_events.filter(
                state=InboundStateChoices.FAILED, signature=SignatureResultChoices.VALID
            ).order_by("event_at", "pk")
        )
        queued = sum(services.replay(event) for event in failed)
        messages.success(request, f"Queued {queued} failed event(s) again.")


# --- Inbound events ---------------------------------------------------------------------------


class InboundEventListView(ObjectListView):
    queryset = InboundEvent.objects.select_related("feed__system", "ticket__incident").defer("body")
    filterset = filtersets.InboundEventFilterSet
    table = tables.InboundEventTable


class InboundEventView(ObjectView):
    queryset = InboundEvent.objects.select_related(
        "feed__system", "feed__ecosystem", "ticket__incident", "duplicate_of"
    )
    template_name = "integrations/inboundevent.html"

    def get_extra_context(self, request, instance):
        text = instance.body_text
        try:
            pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pretty = text
        source = (
            SourceEvent.objects.filter(inbound=instance)
            .select_related("timeline_event__holder")
            .first()
        )
        return {
            "retention_days": settings.SIAM_INBOUND_BODY_RETENTION_DAYS,
            "pretty_body": pretty,
            "source": source,
            "may_replay": instance.replayable
            and TicketFeed.objects.restrict(request.user, CHANGE)
            .filter(pk=instance.feed_id)
            .exists(),
        }


class InboundEventReplayView(ObjectActionView):
    """An event is the system's record, never changed; replaying it is a change of
    its feed, so it needs the right to change the feed."""

    queryset = InboundEvent.objects.all()
    required_action = VIEW

    def authorize(self, event):
        feeds = TicketFeed.objects.restrict(self.request.user, CHANGE)
        if not feeds.filter(pk=event.feed_id).exists():
            raise PermissionDenied("You may view this event but not replay it.")

    def perform(self, request, event):
        if services.replay(event):
            messages.success(request, f"Event #{event.pk} queued again.")
        else:
            messages.warning(request, "Only a failed, authenticated event can be replayed.")


# --- Tickets ----------------------------------------------------------------------------------


class TicketLinkListView(ObjectListView):
    queryset = TicketLink.objects.select_related("feed__system", "incident").annotate(
        event_count=Count("source_events"),
        our_resolution=Subquery(
            IncidentSla.objects.filter(
                incident_id=OuterRef("incident_id"),
                provider__isnull=True,
                metric=MetricChoices.RESOLUTION,
            ).values("state")[:1]
        ),
    )
    filterset = filtersets.TicketLinkFilterSet
    table = tables.TicketLinkTable


# --- Imports ----------------------------------------------------------------------------------


class ImportRunListView(ObjectListView):
    queryset = ImportRun.objects.select_related("feed__system")
    filterset = filtersets.ImportRunFilterSet
    table = tables.ImportRunTable


class ImportRunView(ObjectView):
    queryset = ImportRun.objects.select_related("feed__system", "ecosystem", "created_by")
    template_name = "integrations/importrun.html"

    def get_extra_context(self, request, instance):
        return {
            "running": instance.state in (ImportStateChoices.QUEUED, ImportStateChoices.RUNNING)
        }


class ImportRunUploadView(ObjectMixin, View):
    """Upload an export; a worker imports it (large files take a while). Only into a
    feed the user may change: without one, the page is refused."""

    queryset = ImportRun.objects.all()
    template_name = "integrations/import_upload.html"

    def feeds(self):
        feeds = TicketFeed.objects.restrict(self.request.user, CHANGE).select_related("system")
        if not feeds.exists():
            raise PermissionDenied("You may import into no feed.")
        return feeds

    def render_form(self, request, form, status=200):
        context = {**self.model_context(), "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_form(
            request, forms.ImportUploadForm(feeds=self.feeds(), initial=request.GET.dict())
        )

    def post(self, request):
        form = forms.ImportUploadForm(request.POST, request.FILES, feeds=self.feeds())
        if not form.is_valid():
            return self.render_form(request, form, status=422)
        data = form.cleaned_data
        run = queue_upload(
            data["feed"],
            data["file"],
            fmt=data["format"],
            unknown_groups=data["unknown_groups"],
            user=request.user,
        )
        messages.success(request, f"Import of “{run.file_name}” queued.")
        return redirect(run.get_absolute_url())


class ImportRunDeleteView(ObjectDeleteView):
    queryset = ImportRun.objects.all()


# --- Outbound webhooks ------------------------------------------------------------------------


class WebhookSubscriptionListView(ObjectListView):
    queryset = WebhookSubscription.objects.select_related("ecosystem").annotate(
        delivered_count=subquery_count(
            WebhookDelivery.objects.filter(status=DeliveryStatusChoices.DELIVERED),
            subscription_id="pk",
        ),
        failed_count=subquery_count(
            WebhookDelivery.objects.filter(status=DeliveryStatusChoices.FAILED),
            subscription_id="pk",
        ),
    )
    filterset = filtersets.WebhookSubscriptionFilterSet
    table = tables.WebhookSubscriptionTable


class WebhookSubscriptionView(ObjectView):
    queryset = WebhookSubscription.objects.select_related("ecosystem")
    template_name = "integrations/webhooksubscription.html"

    def get_extra_context(self, request, instance):
        return {
            "deliveries": instance.deliveries.all()[:15],
            "counts": instance.deliveries.aggregate(
                delivered=Count("pk", filter=Q(status=DeliveryStatusChoices.DELIVERED)),
                failed=Count("pk", filter=Q(status=DeliveryStatusChoices.FAILED)),
                pending=Count("pk", filter=Q(status=DeliveryStatusChoices.PENDING)),
            ),
        }


class WebhookSubscriptionEditView(ShowsSecretOnCreate, ObjectEditView):
    queryset = WebhookSubscription.objects.all()
    form = forms.WebhookSubscriptionForm


class WebhookSubscriptionDeleteView(ObjectDeleteView):
    queryset = WebhookSubscription.objects.all()


class WebhookPingView(ObjectActionView):
    """Post a test notification now, to check the receiving end."""

    queryset = WebhookSubscription.objects.all()

    def perform(self, request, subscription):
        from .tasks import deliver_webhook

        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event="ping",
            payload={"event": "ping", "ecosystem": subscription.ecosystem.slug},
        )
        enqueue_on_commit(deliver_webhook, delivery.pk)
        messages.success(request, "Test notification queued; its outcome is in the log below.")


class WebhookDeliveryListView(ObjectListView):
    queryset = WebhookDelivery.objects.select_related("subscription")
    filterset = filtersets.WebhookDeliveryFilterSet
    table = tables.WebhookDeliveryTable


# --- Data dictionary ------------------------------------------------------------------------------


class FlowDictionaryMixin(ObjectMixin):
    """A flow's dictionary is read by whoever may see the flow and edited by whoever may
    change it: the shared 404/403 rule (``ObjectMixin.get_permitted``) on the flow."""

    queryset = IntegrationFlow.objects.select_related("ecosystem", "source", "target")

    def denied_message(self, instance, action) -> str:
        return "You may view this flow's dictionary but not change it."


class DataDictionaryView(FlowDictionaryMixin, View):
    def get(self, request, pk):
        flow = self.get_permitted(pk, VIEW)
        fields, problems = dictionaries.checked_dictionary(flow)
        by_field: dict[int, list] = {}
        for problem in problems:
            by_field.setdefault(problem.field_id, []).append(problem)
        context = {
            "flow": flow,
            "fields": [(f, by_field.get(f.pk, [])) for f in fields],
            "problems": problems,
            "rules": BusinessRule.objects.restrict(request.user).filter(flows=flow),
            "may_change": self.restricted(CHANGE).filter(pk=pk).exists(),
        }
        return render(request, "integrations/dictionary.html", context)


class DataDictionaryEditView(FlowDictionaryMixin, View):
    def formsets(self, flow, data=None):
        values = modelformset_factory(
            ValueMapping, form=forms.ValueMappingForm, extra=3, can_delete=True
        )
        return (
            forms.FieldMappingFormSet(data, instance=flow, prefix="fields"),
            values(
                data,
                prefix="values",
                queryset=ValueMapping.objects.filter(field__flow=flow).select_related("field"),
                form_kwargs={"flow": flow},
            ),
        )

    def render(self, request, flow, field_set, value_set, status=200):
        context = {"flow": flow, "field_set": field_set, "value_set": value_set}
        return render(request, "integrations/dictionary_edit.html", context, status=status)

    def get(self, request, pk):
        flow = self.get_permitted(pk, CHANGE)
        return self.render(request, flow, *self.formsets(flow))

    def post(self, request, pk):
        flow = self.get_permitted(pk, CHANGE)
        field_set, value_set = self.formsets(flow, request.POST)
        if not (field_set.is_valid() and value_set.is_valid()):
            return self.render(request, flow, field_set, value_set, status=422)
        with transaction.atomic():
            field_set.save()
            value_set.save()
        messages.success(request, "Saved the data dictionary.")
        return redirect("integrations:dictionary", pk=flow.pk)
