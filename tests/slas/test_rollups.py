"""Stored monthly roll-ups: the report, the dashboard's figures and the steering report
read them for whole past months and must show exactly what the clocks would."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Min
from django.utils import timezone

from governance import measures
from siam.choices import MembershipRoleChoices
from siam.models import Ecosystem, ServiceProvider
from slas import clocks, crossings, rollups
from slas.choices import MetricChoices
from slas.models import Incident, IncidentSla, SlaRollupMonth
from slas.reports import report_for
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    """Five years of generated incidents, their past months rolled up."""
    call_command("generate_data", incidents=240, seed=11, stdout=io.StringIO())
    return Ecosystem.objects.filter(slug__startswith="generated-11-").order_by("pk")


def tables(report):
    """Everything the report shows from the grouped sums, floats rounded (sums added in
    another order differ in the last bits)."""

    def rows(items):
        return [
            (
                r.key, r.clocks, r.met, r.breached,
                *(round(v, 3) if v is not None else None
                  for v in (r.mean_seconds, r.mean_target_seconds, r.goal_seconds)),
            )
            for r in items
        ]  # fmt: skip

    return {
        "overall": rows([report.overall]),
        "provider": rows(report.by_provider),
        "service": rows(report.by_service),
        "priority": rows(report.by_priority),
        "month": rows(report.by_month),
        "response": rows(report.mean_response_by_priority),
        "gaps": [
            [(g.key, g.gaps, g.open, round(g.seconds, 3)) for g in table]
            for table in (report.gaps_by_month, report.gaps_by_party)
        ],
    }


def windows(ecosystem):
    first = Incident.objects.filter(ecosystem=ecosystem).aggregate(first=Min("opened_at"))["first"]
    mid = datetime(2024, 3, 17, 9, 30, tzinfo=UTC)
    return [
        (None, None),  # all history
        (datetime(2025, 12, 1, tzinfo=UTC), None),  # the report's default: whole months
        (mid, datetime(2025, 8, 9, 14, tzinfo=UTC)),  # partial months at both ends
        (first, mid),
    ]


def clocks_in(ecosystem, since, until):
    clocks = IncidentSla.objects.filter(incident__ecosystem=ecosystem)
    if since:
        clocks = clocks.filter(incident__opened_at__gte=since)
    if until:
        clocks = clocks.filter(incident__opened_at__lt=until)
    return clocks


def test_the_stored_sums_give_exactly_the_report_of_the_clocks(history):
    for ecosystem in history:
        for since, until in windows(ecosystem):
            scope = rollups.Scope(frozenset({ecosystem.pk}), since, until)
            stored = rollups.usable_months(scope)
            if since is None:
                assert len(stored[ecosystem.pk]) > 48  # the report really reads them
            for metric in MetricChoices.values:
                base = clocks_in(ecosystem, since, until)
                live = report_for(base, metric)
                assert tables(report_for(base, metric, scope=scope)) == tables(live), (
                    ecosystem,
                    since,
                    until,
                    metric,
                )
                assert live.overall.clocks > 0


def test_the_dashboard_figures_from_stored_months_are_the_live_ones(history):
    ecosystem = history[0]
    clocks = IncidentSla.objects.filter(incident__ecosystem=ecosystem)
    incidents = Incident.objects.filter(ecosystem=ecosystem)
    start, end = datetime(2022, 1, 1).date(), datetime(2026, 12, 1).date()
    live = measures.monthly_figures(clocks, incidents, start, end)
    stored = measures.monthly_figures(
        clocks, incidents, start, end, scope=rollups.Scope(frozenset({ecosystem.pk}))
    )
    assert stored == live
    assert sum(month["resolved"] for month in live.values()) > 0


def test_a_changed_month_is_read_from_its_clocks_until_it_is_rebuilt(history):
    ecosystem = history[0]
    scope = rollups.Scope(frozenset({ecosystem.pk}))
    old = (
        Incident.objects.filter(ecosystem=ecosystem, slas__state="met")
        .order_by("opened_at")
        .first()
    )
    month = rollups.month_of(old.opened_at)
    bucket = SlaRollupMonth.objects.get(ecosystem=ecosystem, month=month)
    assert bucket.is_fresh
    before = tables(report_for(clocks_in(ecosystem, None, None), "resolution", scope=scope))

    old.delete()
    bucket.refresh_from_db()
    assert not bucket.is_fresh
    assert bucket not in rollups.usable_months(scope)[ecosystem.pk]
    after = tables(report_for(clocks_in(ecosystem, None, None), "resolution", scope=scope))
    assert after == tables(report_for(clocks_in(ecosystem, None, None), "resolution"))
    assert after["overall"][0][1] == before["overall"][0][1] - 1

    assert rollups.refresh() == 1  # only the month that changed
    bucket.refresh_from_db()
    assert bucket.is_fresh
    assert tables(report_for(clocks_in(ecosystem, None, None), "resolution", scope=scope)) == after


def test_every_write_of_clocks_marks_its_month(history):
    ecosystem = history[0]
    incident = Incident.objects.filter(ecosystem=ecosystem).order_by("opened_at").first()
    bucket = SlaRollupMonth.objects.get(
        ecosystem=ecosystem, month=rollups.month_of(incident.opened_at)
    )
    clocks.recompute_incidents([incident])
    bucket.refresh_from_db()
    assert not bucket.is_fresh

    # An import restating when a ticket was opened moves it to another month: both change.
    rollups.refresh()
    moved = Incident.objects.get(pk=incident.pk)
    moved.opened_at -= timedelta(days=45)
    rollups.mark_incidents([moved])
    months = SlaRollupMonth.objects.filter(
        ecosystem=ecosystem,
        month__in=[rollups.month_of(incident.opened_at), rollups.month_of(moved.opened_at)],
    )
    assert len(months) == 2 and not any(m.is_fresh for m in months)

    # A target's goal is read by the report even for closed clocks: every month.
    rollups.refresh()
    target = IncidentSla.objects.filter(incident__ecosystem=ecosystem).first().target
    target.goal_resolution_minutes = 99
    target.save()
    assert not SlaRollupMonth.objects.filter(
        ecosystem=ecosystem, built_version=F("version")
    ).exists()


def test_a_breach_recorded_by_the_scan_marks_its_month(history):
    ecosystem = history[0]
    rollups.refresh()
    clock = (
        IncidentSla.objects.filter(incident__ecosystem=ecosystem, state="met")
        .select_related("incident")
        .order_by("incident__opened_at")
        .first()
    )
    moment = timezone.now()
    IncidentSla.objects.filter(pk=clock.pk).update(
        state="running", breach_at=moment - timedelta(minutes=1), breach_recorded_at=None
    )
    crossings.record_crossings(at=moment, recompute_breached=False)
    bucket = SlaRollupMonth.objects.get(
        ecosystem=ecosystem, month=rollups.month_of(clock.incident.opened_at)
    )
    assert not bucket.is_fresh


def test_a_write_while_a_month_is_built_leaves_it_stale(history):
    ecosystem = history[0]
    buckets = list(SlaRollupMonth.objects.filter(ecosystem=ecosystem).order_by("month")[:1])
    rollups.mark_months([(ecosystem.pk, buckets[0].month)])  # after the versions were read
    rollups.build._build(ecosystem.pk, buckets)
    buckets[0].refresh_from_db()
    assert not buckets[0].is_fresh
    assert rollups.refresh() == 1


def test_the_current_month_is_never_stored(history):
    this_month = rollups.current_month()
    assert not SlaRollupMonth.objects.filter(month__gte=this_month).exists()
    assert rollups.mark_months([(history[0].pk, this_month)]) == 0


def provider_user(ecosystem, username="gen-provider"):
    """A user of the provider that held the most of ``ecosystem``'s incidents."""
    engaged = (
        ServiceProvider.objects.filter(ecosystem=ecosystem)
        .annotate(held=Count("organisation__incidents_held"))
        .order_by("-held", "pk")
        .first()
        .organisation
    )
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, organisation=engaged, role=MembershipRoleChoices.VIEWER)
    return user, engaged


def test_an_integrator_reads_the_whole_ecosystem_and_a_provider_its_own_share(history):
    ecosystem = history[0]
    integrator = f.UserFactory(username="gen-integrator")
    f.MembershipFactory(
        user=integrator, organisation=ecosystem.integrator, role=MembershipRoleChoices.VIEWER
    )
    provider, engaged = provider_user(ecosystem)
    assert ecosystem.pk in rollups.scope_for(integrator).ecosystem_ids
    # A provider sees the incidents it held, not its ecosystem's totals: its own rows.
    scope = rollups.scope_for(provider)
    assert ecosystem.pk not in scope.ecosystem_ids
    assert ecosystem.pk in scope.held and scope.held_by == engaged.pk
    months = rollups.usable_months(scope)[ecosystem.pk]
    assert len(months) > 48 and {m.seen_by_id for m in months} == {engaged.pk}
    whole = rollups.usable_months(rollups.Scope(frozenset({ecosystem.pk})))[ecosystem.pk]
    assert sum(m.resolved for m in months) < sum(m.resolved for m in whole)


def test_a_providers_report_and_dashboard_from_its_stored_share_are_its_live_ones(history):
    from django.test import override_settings

    from governance.services import dashboard
    from slas.reports import build_report

    ecosystem = history[0]
    provider, _ = provider_user(ecosystem)
    for window in ({}, {"opened_from": datetime(2025, 12, 1).date()}, {"ecosystem": ecosystem}):
        for metric in MetricChoices.values:
            filters = {**window, "metric": metric}
            stored = build_report(provider, filters)
            with override_settings(SIAM_SLA_ROLLUPS=False):
                live = build_report(provider, filters)
            assert tables(stored) == tables(live), (filters, metric)
            assert budget(stored) == budget(live), (filters, metric)
            assert (
                0
                < live.overall.clocks
                < report_for(clocks_in(ecosystem, None, None), metric).overall.clocks
            )
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    stored = dashboard(provider, ecosystem, months=36, now=now)
    with override_settings(SIAM_SLA_ROLLUPS=False):
        live = dashboard(provider, ecosystem, months=36, now=now)
    assert stored == live
    figures = measures.monthly_figures(
        IncidentSla.objects.restrict(provider).filter(incident__ecosystem=ecosystem),
        Incident.objects.restrict(provider).filter(ecosystem=ecosystem),
        datetime(2022, 1, 1).date(),
        datetime(2026, 11, 1).date(),
        scope=rollups.scope_for(provider, ecosystem),
    )
    with override_settings(SIAM_SLA_ROLLUPS=False):
        assert figures == measures.monthly_figures(
            IncidentSla.objects.restrict(provider).filter(incident__ecosystem=ecosystem),
            Incident.objects.restrict(provider).filter(ecosystem=ecosystem),
            datetime(2022, 1, 1).date(),
            datetime(2026, 11, 1).date(),
            scope=rollups.scope_for(provider, ecosystem),
        )
    assert sum(month["resolved"] for month in figures.values()) > 0


def test_a_new_provider_in_an_ecosystem_makes_its_months_stale(history):
    ecosystem = history[0]
    newcomer = f.OrganisationFactory(name="Newcomer")
    ServiceProvider.objects.create(ecosystem=ecosystem, organisation=newcomer)
    assert not SlaRollupMonth.objects.filter(
        ecosystem=ecosystem, built_version=F("version")
    ).exists()
    rollups.refresh()
    user = f.UserFactory(username="gen-newcomer")
    f.MembershipFactory(user=user, organisation=newcomer, role=MembershipRoleChoices.VIEWER)
    assert rollups.usable_months(rollups.scope_for(user))[ecosystem.pk]
    assert build_report_of(user).overall.clocks == 0


def build_report_of(user):
    from slas.reports import build_report

    return build_report(user, {"metric": MetricChoices.RESOLUTION})


def test_users_in_another_time_zone_get_months_of_their_own(history):
    scope = rollups.Scope(frozenset({history[0].pk}))
    assert rollups.usable_months(scope)
    with timezone.override("Asia/Kolkata"):
        assert rollups.usable_months(scope) == {}


def test_deleting_a_year_of_incidents_at_once_marks_each_month(history):
    ecosystem = history[0]
    scope = rollups.Scope(frozenset({ecosystem.pk}))
    year = dict(
        opened_at__gte=datetime(2023, 1, 1, tzinfo=UTC),
        opened_at__lt=datetime(2024, 1, 1, tzinfo=UTC),
    )
    doomed = Incident.objects.filter(ecosystem=ecosystem, **year)
    had_incidents = {
        rollups.month_of(opened) for opened in doomed.values_list("opened_at", flat=True)
    }
    assert len(had_incidents) >= 6
    doomed.delete()
    connection.check_constraints()
    months = SlaRollupMonth.objects.filter(ecosystem=ecosystem, month__year=2023)
    assert {m.month for m in months if not m.is_fresh} == had_incidents
    clocks = clocks_in(ecosystem, None, None)
    assert tables(report_for(clocks, "resolution", scope=scope)) == tables(
        report_for(clocks, "resolution")
    )


def budget(report):
    return [(r.party, r.clocks, round(r.seconds, 3), r.share) for r in report.budget_use]


def test_who_used_the_budget_is_the_same_from_stored_months(history):
    compared = 0
    for ecosystem in history:
        for since, until in windows(ecosystem):
            scope = rollups.Scope(frozenset({ecosystem.pk}), since, until)
            stored = rollups.usable_months(scope)
            for metric in MetricChoices.values:
                base = clocks_in(ecosystem, since, until)
                live = budget(report_for(base, metric))
                assert budget(report_for(base, metric, scope=scope)) == live
                compared += bool(live and stored)
    assert compared >= 4  # not vacuous: breached clocks in months read from the store


def test_a_user_of_several_ecosystems_gets_the_live_figures_where_months_are_not_stored(
    history,
):
    """The live part is read as ranges over the ecosystems the user sees: one seen whole
    and rolled up, one seen only as a provider (and, for an administrator, one whose
    months are all stale). Each must come out as from the clocks."""
    from django.test import override_settings

    from slas.reports import build_report

    covered, other = history[0], history[1]
    user = f.UserFactory(username="gen-several")
    f.MembershipFactory(
        user=user, organisation=covered.integrator, role=MembershipRoleChoices.VIEWER
    )
    engaged = ServiceProvider.objects.filter(ecosystem=other).first().organisation
    f.MembershipFactory(user=user, organisation=engaged, role=MembershipRoleChoices.VIEWER)
    scope = rollups.scope_for(user)
    assert covered.pk in scope.ecosystem_ids and other.pk in scope.among
    assert other.pk not in rollups.usable_months(scope)

    admin = f.UserFactory(username="gen-admin", is_superuser=True)
    SlaRollupMonth.objects.filter(ecosystem=other).update(version=F("version") + 1)
    assert set(rollups.usable_months(rollups.scope_for(admin))) == {covered.pk}

    assert rollups.stored_gaps(rollups.usable_months(scope))  # the gap tables read them too
    for someone in (user, admin):
        for window in ({}, {"opened_from": datetime(2025, 12, 1).date()}):
            for metric in MetricChoices.values:
                filters = {**window, "metric": metric}
                stored = build_report(someone, filters)
                with override_settings(SIAM_SLA_ROLLUPS=False):
                    live = build_report(someone, filters)
                assert tables(stored) == tables(live), (someone, filters, metric)
                assert [(r.party, r.clocks) for r in stored.budget_use] == [
                    (r.party, r.clocks) for r in live.budget_use
                ]
                assert live.overall.clocks > 0
