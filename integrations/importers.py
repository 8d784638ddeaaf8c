"""CSV exports of the tools, read as streams of ticket events.

The file is read row by row (constant memory whatever its size) and applied in
batches, each in one transaction, through the same ``Ingestor`` as webhooks: a row
whose event the ticket already has changes nothing, so re-importing a file is a
no-op and an import interrupted half-way is finished by running it again. A row
that cannot be read or translated is rejected with its reason and changes nothing;
fix the data dictionary (or the file) and import again to apply just those rows.

ServiceNow incident audit export: one row per audited update (``sys_mod_count``),
day-first dates (``29/2/2016 01:16``) in the feed's time zone, ``?`` for empty.

Jira issue export: one row per issue (``Issue key``, ``Summary``, ``Status``,
``Priority``, ``Created``, ``Updated``, ``Resolved``, ``Assignee``), with the
status-change history, where the export has it, in a ``Status history`` column:
``2026-11-23 09:00 To Do -> In Progress; 2026-11-23 11:30 In Progress -> Done``.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.utils import timezone

from core.tasks import enqueue_on_commit

from .choices import ImportFormatChoices, ImportStateChoices
from .ingest import Ingestor
from .mapping import MappingError
from .models import ImportRun, SourceEvent, TicketFeed
from .parsers import ParseError, TicketEvent

logger = logging.getLogger(__name__)

BATCH_ROWS = 2000
MAX_KEPT_REJECTIONS = 1000
#: The first half of the advisory-lock key of import runs (the second is the run id).
IMPORT_LOCK_SPACE = 0x51A3

SERVICENOW_COLUMNS = (
    "number", "incident_state", "active", "reassignment_count", "reopen_count", "sys_mod_count",
    "made_sla", "caller_id", "opened_by", "opened_at", "sys_created_by", "sys_created_at",
    "sys_updated_by", "sys_updated_at", "contact_type", "location", "category", "subcategory",
    "u_symptom", "cmdb_ci", "impact", "urgency", "priority", "assignment_group", "assigned_to",
    "knowledge", "u_priority_confirmation", "notify", "problem_id", "rfc", "vendor", "caused_by",
    "closed_code", "resolved_by", "resolved_at", "closed_at",
)  # fmt: skip
SERVICENOW_REQUIRED = ("number", "incident_state", "sys_mod_count", "sys_updated_at", "opened_at")
JIRA_REQUIRED = ("Issue key", "Status", "Created")


class FileError(ValueError):
    """The file as a whole cannot be imported (not CSV, columns missing)."""


@dataclass
class Rejection:
    row: int
    ticket: str
    reason: str


# --- Readers -----------------------------------------------------------------------------------


def iso_instant(value: str, zone: tzinfo, *, example: str) -> datetime:
    """An ISO 8601 date and time, the export's zone when it has no offset; the error
    names the format the export usually has."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ParseError(f"{value!r} is not a date like {example}.") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def servicenow_instant(value: str, zone: tzinfo) -> datetime | None:
    """``29/2/2016 01:16`` (day first) in ``zone``; ``?`` or blank is None."""
    value = (value or "").strip()
    if value in ("", "?"):
        return None
    match = _DAY_FIRST.match(value)
    if match:
        day, month, year, hour, minute, second = match.groups()
        try:
            moment = datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
            )
        except ValueError:
            raise ParseError(f"{value!r} is not a date.") from None
        return moment.replace(tzinfo=zone).astimezone(UTC)
    return iso_instant(value, zone, example="29/2/2016 01:16")


#: Columns whose emptiness is news: a cleared assignment group leaves nobody owning it.
CLEARABLE = ("assignment_group",)


def servicenow_events(row: dict, zone: tzinfo) -> list[TicketEvent]:
    values = {}
    for name, value in row.items():
        if name and value:
            value = value.replace("\x00", "").strip()
            if value and value != "?":
                values[name] = value
    for name in CLEARABLE:
        # ServiceNow exports write "?" (or nothing) for an empty reference field.
        if name in row and name not in values:
            values[name] = ""
    number = values.get("number")
    if not number:
        raise ParseError("The row has no number.")
    mod_count = values.get("sys_mod_count", "")
    if not mod_count.isdigit():
        raise ParseError(f"sys_mod_count {mod_count!r} is not a number.")
    at = servicenow_instant(values.get("sys_updated_at", ""), zone)
    if at is None:
        raise ParseError("The row has no sys_updated_at.")
    title = " · ".join(
        values[name] for name in ("category", "subcategory", "u_symptom") if name in values
    )
    return [
        TicketEvent(
            ticket=number,
            event_id=f"mod-{int(mod_count)}",
            at=at,
            sequence=int(mod_count),
            created=int(mod_count) == 0,
            opened_at=servicenow_instant(values.get("opened_at", ""), zone),
            title=title[:300],
            values=values,
            extra={
                name: values[name]
                for name in ("made_sla", "reopen_count", "reassignment_count", "closed_code")
                if name in values
            },
        )
    ]


_JIRA_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
_TRANSITION = re.compile(r"^\s*(\S+ \S+)\s+(.+?)\s*(?:->|→)\s*(.+?)\s*$")


def jira_instant(value: str, zone: tzinfo) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in _JIRA_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=zone).astimezone(UTC)
        except ValueError:
            continue
    return iso_instant(value, zone, example="23/Nov/26 9:05 AM")


def _first_cell(row: dict, *names: str) -> str:
    """The first of the columns ``names`` with a value (exports name some differently)."""
    for name in names:
        value = (row.get(name) or "").replace("\x00", "").strip()
        if value:
            return value
    return ""


def _jira_transitions(history: str, zone: tzinfo) -> list[tuple]:
    """(when, from, to) of each status change in an export's status history."""
    transitions = []
    for part in re.split(r"[;|\n]", history):
        if not part.strip():
            continue
        match = _TRANSITION.match(part)
        if not match:
            raise ParseError(f"Status history {part.strip()!r} is not like 'date time A -> B'.")
        transitions.append((jira_instant(match.group(1), zone), match.group(2), match.group(3)))
    return transitions


def jira_events(row: dict, zone: tzinfo) -> list[TicketEvent]:
    cell = partial(_first_cell, row)
    key = cell("Issue key", "Key")
    if not key:
        raise ParseError("The row has no Issue key.")
    created = jira_instant(cell("Created"), zone)
    if created is None:
        raise ParseError("The row has no Created date.")
    status = cell("Status")
    title = cell("Summary")
    transitions = _jira_transitions(
        cell("Status history", "Status History", "Status transitions"), zone
    )
    first = {
        "priority": cell("Priority"),
        "assignee": cell("Assignee"),
        "issuetype": cell("Issue Type", "Issue type"),
    }
    if transitions:
        first["status"] = transitions[0][1]
    event = partial(TicketEvent, ticket=key, opened_at=created, title=title)
    events = [
        event(
            event_id="created",
            at=created,
            sequence=0,
            created=True,
            values={k: v for k, v in first.items() if v},
        )
    ]
    for position, (at, _, to_status) in enumerate(transitions, start=1):
        events.append(
            event(
                event_id=f"status-{at:%Y%m%dT%H%M}-{position}",
                at=at,
                sequence=position,
                created=False,
                values={"status": to_status},
            )
        )
    if not transitions and status:
        # No history: the current status is known as of its resolution or last update.
        at = jira_instant(cell("Resolved"), zone) or jira_instant(cell("Updated"), zone) or created
        events.append(
            event(
                event_id=f"status-{status.lower()}-{at:%Y%m%dT%H%M}",
                at=at,
                sequence=1,
                created=False,
                values={"status": status},
            )
        )
    return events


READERS: dict[str, tuple[Callable, tuple]] = {
    ImportFormatChoices.SERVICENOW: (servicenow_events, SERVICENOW_REQUIRED),
    ImportFormatChoices.JIRA: (jira_events, JIRA_REQUIRED),
}


def rows_of(lines: Iterable[str], required: tuple) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(lines)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise FileError(f"The file is not CSV: {exc}.") from None
    missing = [name for name in required if name not in header]
    if missing:
        raise FileError(f"The file lacks the column(s) {', '.join(missing)}.")
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise FileError(f"Line {reader.line_num} is not CSV: {exc}.") from None


# --- Running an import ---------------------------------------------------------------------------


class _Batches:
    """An import's rows read into batches of events, each batch applied and counted in
    one transaction (so a run cut off resumes after its last committed batch)."""

    def __init__(self, run: ImportRun, ingestor: Ingestor, read_row, zone, progress):
        self.run, self.ingestor, self.read_row, self.zone = run, ingestor, read_row, zone
        self.progress = progress
        self.events: list = []
        self.rows = 0

    def reject(self, line_number, ticket: str, reason: str) -> None:
        run = self.run
        run.rows_rejected += 1
        if len(run.rejections) < MAX_KEPT_REJECTIONS:
            run.rejections.append({"row": line_number, "ticket": ticket[:100], "reason": reason})

    def read(self, line_number: int, row: dict) -> None:
        self.run.rows_read += 1
        self.rows += 1
        try:
            for event in self.read_row(row, self.zone):
                pending = self.ingestor.translate(event)
                pending.line = line_number
                self.events.append(pending)
        except (ParseError, MappingError, ValueError, TypeError) as exc:
            ticket = (row.get("number") or row.get("Issue key") or "").strip()
            self.reject(line_number, ticket, str(exc))

    def flush(self) -> None:
        run = self.run
        with transaction.atomic():
            outcome = self.ingestor.apply(self.events, import_run=run)
            run.events_applied += outcome.applied
            run.events_unchanged += len(outcome.duplicates)
            for conflict in outcome.conflicts:
                run.rows_conflicting += 1
                self.reject(conflict.pending.line, conflict.pending.event.ticket, conflict.reason)
            run.incidents_created += outcome.incidents_created
            run.save()
        if self.progress:
            self.progress(self.rows)
        self.events, self.rows = [], 0


def import_lines(
    run: ImportRun,
    lines: Iterable[str],
    *,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
) -> ImportRun:
    """Read ``lines`` into ``run.feed``; the run's counters say what happened."""
    feed = (
        TicketFeed.objects.select_related("system", "ecosystem", "flow")
        .prefetch_related("groups")
        .get(pk=run.feed_id)
    )
    read_row, required = READERS[run.format]
    zone = ZoneInfo(feed.time_zone)
    ingestor = Ingestor(feed, unknown_groups=run.unknown_groups)
    # A run found running was cut off (its worker died) and is delivered again: each
    # batch was committed with the counters that describe it, so the rows counted are
    # exactly those applied and the import carries on after them.
    rows_done = run.rows_read if run.state == ImportStateChoices.RUNNING else 0
    if rows_done:
        logger.warning("Import %s resumes after row %s", run.pk, rows_done)
    run.state = ImportStateChoices.RUNNING
    run.started_at = run.started_at or timezone.now()
    run.save()
    batches = _Batches(run, ingestor, read_row, zone, progress)
    try:
        for position, (line_number, row) in enumerate(rows_of(lines, required), start=1):
            if position <= rows_done:
                continue
            batches.read(line_number, row)
            if batches.rows >= batch_rows:
                batches.flush()
        batches.flush()
    except FileError as exc:
        run.state = ImportStateChoices.FAILED
        run.error = str(exc)
    except SoftTimeLimitExceeded:
        # Out of time, not failed: the task carries on after the last committed batch.
        raise
    except Exception as exc:
        # The batches before this one are kept; importing the file again finishes it.
        logger.exception("Import %s stopped", run.pk)
        run.state = ImportStateChoices.FAILED
        run.error = (
            f"Stopped after {run.rows_read} rows ({exc.__class__.__name__}: {exc}). The rows "
            "applied before stay; import the file again to finish."
        )[:2000]
    else:
        run.state = ImportStateChoices.DONE
    # Distinct tickets this run touched, counted once however many batches they spanned.
    touched = SourceEvent.objects.filter(import_run=run).values("ticket").distinct().count()
    run.incidents_updated = touched - run.incidents_created
    run.finished_at = timezone.now()
    run.save()
    return run


def import_path(run: ImportRun, path: Path | str, **kwargs) -> ImportRun:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return import_lines(run, handle, **kwargs)
    except UnicodeDecodeError:
        run.state = ImportStateChoices.FAILED
        run.error = "The file is not UTF-8 text."
        run.finished_at = timezone.now()
        run.save()
        return run


def queue_upload(feed, upload, *, fmt: str, unknown_groups: str, user) -> ImportRun:
    """Keep an uploaded export on disk and have a worker import it (web form and API)."""
    import uuid

    from django.conf import settings

    from .tasks import run_import

    directory = settings.SIAM_IMPORTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    stored = directory / f"{uuid.uuid4().hex}.csv"
    with open(stored, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    with transaction.atomic():
        run = ImportRun.objects.create(
            ecosystem_id=feed.ecosystem_id,
            feed=feed,
            format=fmt,
            file_name=upload.name[:255],
            stored_file=str(stored),
            unknown_groups=unknown_groups,
            created_by=user,
        )
        enqueue_on_commit(run_import, run.pk)
    return run


def run_stored_import(import_id: int) -> str | None:
    """The worker's task: import the stored upload, or finish an import cut off midway.

    A redelivered task (its worker was killed) finds the run still running and resumes
    it; one lock per run keeps two workers off the same file should the broker hand the
    task out twice.
    """
    with run_lock(import_id) as acquired:
        if not acquired:
            logger.warning("Import %s is being run by another worker", import_id)
            return None
        run = ImportRun.objects.filter(
            pk=import_id, state__in=(ImportStateChoices.QUEUED, ImportStateChoices.RUNNING)
        ).first()
        if run is None:
            return None
        path = Path(run.stored_file)
        import_path(run, path)
        path.unlink(missing_ok=True)
        return run.state


@contextmanager
def run_lock(import_id: int):
    """A PostgreSQL session lock, freed by the server when its holder's connection dies
    (a killed worker leaves no stale lock). SQLite has one writer anyway."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = (IMPORT_LOCK_SPACE << 32) | import_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
