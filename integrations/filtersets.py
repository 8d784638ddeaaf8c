import django_filters

from core.filtersets import CHECKBOXES, BaseFilterSet, RestrictedModelChoiceFilter
from siam.models import Ecosystem

from .choices import (
    DeliveryStatusChoices,
    ImportStateChoices,
    InboundStateChoices,
    SignatureResultChoices,
)
from .models import (
    ImportRun,
    InboundEvent,
    TicketFeed,
    TicketLink,
    WebhookDelivery,
    WebhookSubscription,
)


class TicketFeedFilterSet(BaseFilterSet):
    search_fields = ("system__name", "description")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)

    class Meta(BaseFilterSet.Meta):
        model = TicketFeed
        fields = ("q", "ecosystem", "active")


class InboundEventFilterSet(BaseFilterSet):
    search_fields = ("ticket_key", "event_key", "error")
    feed = RestrictedModelChoiceFilter(model=TicketFeed, select_related=("system",))
    state = django_filters.MultipleChoiceFilter(
        choices=InboundStateChoices.choices, widget=CHECKBOXES
    )
    signature = django_filters.MultipleChoiceFilter(
        choices=SignatureResultChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = InboundEvent
        fields = ("q", "feed", "state", "signature")


class TicketLinkFilterSet(BaseFilterSet):
    search_fields = ("key", "incident__reference", "incident__title")
    feed = RestrictedModelChoiceFilter(model=TicketFeed, select_related=("system",))

    class Meta(BaseFilterSet.Meta):
        model = TicketLink
        fields = ("q", "feed")


class ImportRunFilterSet(BaseFilterSet):
    search_fields = ("file_name", "error")
    feed = RestrictedModelChoiceFilter(model=TicketFeed, select_related=("system",))
    state = django_filters.MultipleChoiceFilter(
        choices=ImportStateChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = ImportRun
        fields = ("q", "feed", "state")


class WebhookSubscriptionFilterSet(BaseFilterSet):
    search_fields = ("name", "url")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)

    class Meta(BaseFilterSet.Meta):
        model = WebhookSubscription
        fields = ("q", "ecosystem", "active")


class WebhookDeliveryFilterSet(BaseFilterSet):
    search_fields = ("event", "last_error")
    subscription = RestrictedModelChoiceFilter(model=WebhookSubscription)
    status = django_filters.MultipleChoiceFilter(
        choices=DeliveryStatusChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = WebhookDelivery
        fields = ("q", "subscription", "status")
