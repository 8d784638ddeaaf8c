"""CSV imports: ServiceNow audit exports and Jira issue exports."""

import csv
import functools
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from integrations.choices import ImportStateChoices, UnknownGroupChoices
from integrations.importers import SERVICENOW_COLUMNS, import_lines, import_path
from integrations.models import AssignmentGroup, ImportRun, SourceEvent
from integrations.samples import servicenow_rows, write_servicenow_csv
from slas.models import Incident, IncidentEvent, IncidentSla


def new_run(feed, fmt="servicenow", unknown=UnknownGroupChoices.CREATE):
    return ImportRun.objects.create(
        ecosystem=feed.ecosystem,
        feed=feed,
        format=fmt,
        file_name="export.csv",
        unknown_groups=unknown,
    )


def csv_text(rows, columns=SERVICENOW_COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_servicenow_export_becomes_timelines_and_reimport_changes_nothing(feeds, sla, tmp_path):
    feed = feeds["servicenow"]
    path = tmp_path / "incidents.csv"
    write_servicenow_csv(path, 400, seed=3)
    rows = list(servicenow_rows(400, seed=3))
    numbers = {row["number"] for row in rows}

    run = import_path(new_run(feed), path, batch_rows=97)  # incidents span batches
    assert run.state == ImportStateChoices.DONE, run.error
    assert (run.rows_read, run.events_applied, run.rows_rejected) == (400, 400, 0)
    assert run.incidents_created == len(numbers) == Incident.objects.count()
    assert run.incidents_updated == 0
    # Unknown groups became teams of the integrator, as asked.
    groups = {row["assignment_group"] for row in rows}
    assert set(AssignmentGroup.objects.values_list("name", flat=True)) >= groups - {
        "Global Network"
    }

    first = rows[0]["number"]
    incident = Incident.objects.get(reference=first)
    own = [row for row in rows if row["number"] == first]
    assert incident.events.count() == len(own)  # the first row opens it; one event per later update
    assert incident.ticket_link.source_figures["made_sla"] == own[-1]["made_sla"]
    assert (
        incident.priority
        == {"1 - Critical": "P1", "2 - High": "P2", "3 - Moderate": "P3", "4 - Low": "P4"}[
            own[0]["priority"]
        ]
    )
    statuses = [e.status for e in incident.events.order_by("at", "sequence")]
    assert statuses[-1] == {"Resolved": "resolved", "Closed": "closed"}.get(
        own[-1]["incident_state"], statuses[-1]
    )

    counts = (
        Incident.objects.count(),
        IncidentEvent.objects.count(),
        SourceEvent.objects.count(),
        IncidentSla.objects.count(),
    )
    history = Incident.history.count()
    again = import_path(new_run(feed), path)
    assert (
        again.events_applied,
        again.events_unchanged,
        again.incidents_created,
        again.incidents_updated,
    ) == (0, 400, 0, 0)
    assert (
        Incident.objects.count(),
        IncidentEvent.objects.count(),
        SourceEvent.objects.count(),
        IncidentSla.objects.count(),
    ) == counts
    assert Incident.history.count() == history


def test_pauses_handoffs_and_the_tools_verdict(feeds, sla):
    feed = feeds["servicenow"]
    base = {name: "?" for name in SERVICENOW_COLUMNS}
    base.update(
        number="INC0001000",
        opened_at="25/11/2026 09:00",
        impact="1 - High",
        urgency="1 - High",
        priority="1 - Critical",
        made_sla="false",
        reopen_count="1",
    )
    steps = [
        ("0", "25/11/2026 09:00", "New", "Service Desk"),
        ("1", "25/11/2026 09:05", "Active", "Service Desk"),
        ("2", "25/11/2026 09:20", "Active", "Global Network"),
        ("3", "25/11/2026 09:40", "Awaiting Vendor", "Global Network"),
        ("4", "25/11/2026 10:40", "Active", "Global Network"),
        ("5", "25/11/2026 11:00", "Resolved", "Global Network"),
        ("6", "25/11/2026 11:30", "Active", "Global Network"),
        ("7", "25/11/2026 12:00", "Resolved", "Global Network"),
        ("8", "25/11/2026 12:30", "Closed", "Global Network"),
    ]
    rows = [
        {
            **base,
            "sys_mod_count": m,
            "sys_updated_at": t,
            "incident_state": s,
            "assignment_group": g,
        }
        for m, t, s, g in steps
    ]
    run = import_lines(
        new_run(feed, unknown=UnknownGroupChoices.REPORT), io.StringIO(csv_text(rows))
    )
    assert run.rows_rejected == 0, run.rejections
    incident = Incident.objects.get(reference="INC0001000")
    kinds = [e.kind for e in incident.events.order_by("at", "sequence")]
    assert kinds == [
        "opened",
        "status",
        "handoff",
        "status",
        "status",
        "resolved",
        "reopened",
        "resolved",
        "status",
    ]
    assert (incident.status, incident.reopen_count, incident.holder) == (
        "closed",
        1,
        sla.world.provider1,
    )
    assert incident.ticket_link.source_figures == {"made_sla": "false", "reopen_count": "1"}


def test_rejected_rows_are_reported_and_change_nothing(feeds, sla):
    feed = feeds["servicenow"]
    good = list(servicenow_rows(12, seed=5, groups=["Service Desk"]))
    bad_date = {
        **good[0],
        "number": "INC9000001",
        "sys_mod_count": "0",
        "sys_updated_at": "31/2/2026 10:00",
    }
    bad_state = {
        **good[0],
        "number": "INC9000002",
        "sys_mod_count": "0",
        "incident_state": "Parked",
    }
    unknown_group = {
        **good[0],
        "number": "INC9000003",
        "sys_mod_count": "0",
        "assignment_group": "Group 404",
    }
    no_count = {**good[0], "number": "INC9000004", "sys_mod_count": "?"}
    too_long = {**good[0], "number": "INC" + "9" * 120, "sys_mod_count": "0"}
    run = import_lines(
        new_run(feed, unknown=UnknownGroupChoices.REPORT),
        io.StringIO(csv_text([*good, bad_date, bad_state, unknown_group, no_count, too_long])),
    )
    assert run.state == ImportStateChoices.DONE
    assert (run.rows_read, run.rows_rejected, run.events_applied) == (17, 5, 12)
    reasons = {r["ticket"]: r["reason"] for r in run.rejections}
    assert "'31/2/2026 10:00' is not a date" in reasons["INC9000001"]
    assert "No mapping for incident_state 'Parked'" in reasons["INC9000002"]
    assert "Unknown assignment group 'Group 404'" in reasons["INC9000003"]
    assert "sys_mod_count '' is not a number" in reasons["INC9000004"]
    assert [r["row"] for r in run.rejections] == [14, 15, 16, 17, 18]
    assert "1 to 100 characters" in run.rejections[-1]["reason"]
    assert not Incident.objects.filter(reference__startswith="INC9").exists()
    assert not AssignmentGroup.objects.filter(name="Group 404").exists()


def test_an_unexpected_error_stops_the_import_and_says_so(feeds, sla, monkeypatch):
    from integrations import services

    calls = []

    def flaky(self, batch, **kwargs):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(self, batch, **kwargs)

    original = services.Ingestor.apply
    monkeypatch.setattr(services.Ingestor, "apply", flaky)
    rows = list(servicenow_rows(30, seed=8, groups=["Service Desk"]))
    run = import_lines(new_run(feeds["servicenow"]), io.StringIO(csv_text(rows)), batch_rows=10)
    assert run.state == ImportStateChoices.FAILED
    assert "RuntimeError: database went away" in run.error and "import the file again" in run.error
    assert run.events_applied == 10
    monkeypatch.setattr(services.Ingestor, "apply", original)
    again = import_lines(new_run(feeds["servicenow"]), io.StringIO(csv_text(rows)), batch_rows=10)
    assert (again.state, again.events_applied, again.events_unchanged) == ("done", 20, 10)


def test_a_file_without_the_columns_fails_whole(feeds, sla):
    run = import_lines(new_run(feeds["servicenow"]), io.StringIO("number,state\nINC1,New\n"))
    assert run.state == ImportStateChoices.FAILED
    assert (
        "lacks the column(s) incident_state, sys_mod_count, sys_updated_at, opened_at" in run.error
    )
    assert not Incident.objects.exists()


JIRA_CSV = """Issue key,Summary,Issue Type,Status,Priority,Created,Updated,Resolved,Assignee,Status history
INF-7,Payment page slow,Bug,Done,High,25/Nov/26 9:00 AM,25/Nov/26 3:00 PM,25/Nov/26 2:00 PM,John Smith,2026-11-25 09:30 To Do -> In Progress; 2026-11-25 14:00 In Progress -> Done
INF-8,Add a field to the form,Task,In Progress,Medium,2026-11-25 10:00,2026-11-25 11:00,,Elaine,
INF-9,Broken,Bug,Done,High,25/Nov/26 9:00 AM,,,,not a history
"""


def test_jira_export_with_and_without_history(feeds, sla):
    feed = feeds["jira"]
    run = import_lines(new_run(feed, fmt="jira"), io.StringIO(JIRA_CSV))
    assert (run.rows_read, run.incidents_created, run.rows_rejected) == (3, 2, 1)
    assert "is not like 'date time A -> B'" in run.rejections[0]["reason"]
    seven = Incident.objects.get(tool_keys__key="INF-7")
    assert [(e.kind, e.status) for e in seven.events.order_by("at", "sequence")] == [
        ("opened", "new"),
        ("status", "in_progress"),
        ("resolved", "resolved"),
    ]
    assert (seven.priority, seven.title) == ("P2", "Payment page slow")
    eight = Incident.objects.get(tool_keys__key="INF-8")
    assert (eight.status, eight.classification) == ("in_progress", "service_request")
    again = import_lines(new_run(feed, fmt="jira"), io.StringIO(JIRA_CSV))
    assert (again.events_applied, again.events_unchanged) == (0, 5)


def test_import_tickets_command(feeds, sla, tmp_path, capsys):
    path = tmp_path / "sn.csv"
    write_servicenow_csv(path, 50, seed=9)
    call_command(
        "import_tickets",
        "servicenow",
        str(path),
        "--ecosystem",
        "alpha",
        "--unknown-groups",
        "create",
    )
    out = capsys.readouterr().out
    assert "50 rows read" in out and "0 rows rejected" in out
    assert ImportRun.objects.get().events_applied == 50
    with pytest.raises(CommandError, match="Expected one servicenow feed in 'beta'"):
        call_command("import_tickets", "servicenow", str(path), "--ecosystem", "beta")
    with pytest.raises(CommandError, match="No such file"):
        call_command(
            "import_tickets", "jira", str(tmp_path / "missing.csv"), "--ecosystem", "alpha"
        )


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the import may catch it and tidy up."""


def test_an_import_cut_off_by_a_dead_worker_resumes_where_it_stopped(
    feeds, sla, monkeypatch, tmp_path, settings
):
    from integrations import services
    from integrations.importers import run_stored_import

    rows = list(servicenow_rows(30, seed=8, groups=["Service Desk"]))
    path = tmp_path / "upload.csv"
    path.write_text(csv_text(rows))
    run = new_run(feeds["servicenow"])
    run.stored_file = str(path)
    run.save()

    original, calls = services.Ingestor.apply, []

    def dies_in_the_third_batch(self, batch, **kwargs):
        calls.append(len(batch))
        if len(calls) == 3:
            raise WorkerKilled
        return original(self, batch, **kwargs)

    monkeypatch.setattr(
        "integrations.importers.import_path", functools.partial(import_path, batch_rows=10)
    )
    monkeypatch.setattr(services.Ingestor, "apply", dies_in_the_third_batch)
    with pytest.raises(WorkerKilled):
        run_stored_import(run.pk)
    run.refresh_from_db()
    # Two batches were committed with the counters that describe them.
    assert (run.state, run.rows_read, run.events_applied) == ("running", 20, 20)
    assert path.exists()

    # The broker delivers the task again: the import finishes the file, once.
    monkeypatch.setattr(services.Ingestor, "apply", original)
    assert run_stored_import(run.pk) == ImportStateChoices.DONE
    run.refresh_from_db()
    assert (run.rows_read, run.events_applied, run.events_unchanged) == (30, 30, 0)
    assert SourceEvent.objects.filter(import_run=run).count() == 30
    assert not path.exists()
    # A third delivery of the same message finds nothing left to do.
    assert run_stored_import(run.pk) is None


def test_two_rows_with_one_id_and_different_content_are_reported_not_dropped(feeds, sla):
    """ServiceNow exports can hold two audit rows with the same sys_mod_count: the
    second is a conflict, named in the summary, never counted as already there."""
    rows = list(servicenow_rows(12, seed=8, groups=["Service Desk"]))
    number = rows[0]["number"]
    own = [r for r in rows if r["number"] == number]
    clash = {
        **own[-1],
        "incident_state": "Closed" if own[-1]["incident_state"] != "Closed" else "Active",
    }
    identical = dict(own[-1])
    text = csv_text([*rows, identical, clash])
    run = import_lines(new_run(feeds["servicenow"]), io.StringIO(text))
    assert run.state == ImportStateChoices.DONE, run.error
    assert (run.rows_read, run.events_applied) == (len(rows) + 2, len(rows))
    assert (run.events_unchanged, run.rows_conflicting, run.rows_rejected) == (1, 1, 1)
    rejection = run.rejections[0]
    assert rejection["row"] == len(rows) + 3 and rejection["ticket"] == number
    assert "Conflicts with the event already kept" in rejection["reason"]
    assert "status" in rejection["reason"]
    # Importing the file again still names the conflict: the file has not changed.
    again = import_lines(new_run(feeds["servicenow"]), io.StringIO(text))
    assert (again.events_applied, again.events_unchanged, again.rows_conflicting) == (
        0, len(rows) + 1, 1,
    )  # fmt: skip


def test_the_command_writes_progress_lines_when_not_on_a_terminal(feeds, sla, tmp_path):
    path = tmp_path / "sn.csv"
    write_servicenow_csv(path, 50, seed=9)
    err, out = io.StringIO(), io.StringIO()
    call_command(
        "import_tickets", "servicenow", str(path), "--ecosystem", "alpha",
        "--unknown-groups", "create", "--batch", "10", "--progress-every", "20",
        stdout=out, stderr=err,
    )  # fmt: skip
    lines = err.getvalue().splitlines()
    assert [line.split(" rows")[0] for line in lines] == ["20 of 50", "40 of 50", "50 of 50"]
    assert "rows/s" in lines[-1] and "(100 %)" in lines[-1]


def test_a_cleared_assignment_group_starts_an_ownership_gap(feeds, sla):
    """A ServiceNow row whose assignment_group is "?" (or blank) leaves nobody owning the
    ticket: the stretch is an ownership gap, not time charged to the last group's OLA."""
    from slas.models import OwnershipGap

    base = next(iter(servicenow_rows(1, seed=4, groups=["Service Desk"])))
    opened = "1/6/2026 08:00"
    number = base["number"]

    def row(mod, at, group, state="Active"):
        return {**base, "priority": "1 - Critical", "sys_mod_count": str(mod), "sys_updated_at": at, "assignment_group": group,
                "incident_state": state, "opened_at": opened}  # fmt: skip

    day = "1/6/2026"
    rows = [
        row(0, opened, "Service Desk"),
        row(1, f"{day} 10:00", "Global Network"),
        row(2, f"{day} 11:00", "?"),
        row(3, f"{day} 13:00", ""),  # still nobody: the gap goes on
        row(4, f"{day} 14:00", "Service Desk"),
    ]
    run = import_lines(new_run(feeds["servicenow"]), io.StringIO(csv_text(rows)))
    assert run.state == ImportStateChoices.DONE, run.error
    incident = Incident.objects.get(reference=number)
    holders = [e.holder_id for e in incident.events.order_by("at", "sequence")]
    world = sla.world
    assert holders == [world.integrator.pk, world.provider1.pk, None, None, world.integrator.pk]
    gap = OwnershipGap.objects.get(incident=incident)
    assert (gap.handed_over_by, gap.taken_by) == (world.provider1, world.integrator)
    assert gap.end - gap.start == timedelta(hours=3)
    # The provider's OLA stopped when the group was cleared: it counted 10:00-11:00 only.
    ola = IncidentSla.objects.filter(
        incident=incident, provider=world.provider1, metric="resolution"
    )
    assert [round(c.counted_seconds) for c in ola] == [3600]


def test_a_move_the_lifecycle_would_refuse_is_kept_and_marked(feeds, sla):
    base = next(iter(servicenow_rows(1, seed=5, groups=["Service Desk"])))

    def row(mod, at, state):
        return {**base, "sys_mod_count": str(mod), "sys_updated_at": f"1/6/2026 {at}",
                "opened_at": "1/6/2026 08:00", "incident_state": state}  # fmt: skip

    rows = [row(0, "08:00", "New"), row(1, "09:00", "Active"), row(2, "10:00", "Closed")]
    run = import_lines(new_run(feeds["servicenow"]), io.StringIO(csv_text(rows)))
    assert run.state == ImportStateChoices.DONE, run.error
    incident = Incident.objects.get(reference=base["number"])
    last = incident.events.order_by("at", "sequence").last()
    assert incident.status == "closed"  # the tool's fact is kept
    assert "outside the lifecycle (Only a resolved incident can be closed)" in last.note
