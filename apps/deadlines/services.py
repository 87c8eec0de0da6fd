"""Writes: create, meet, waive and reschedule deadlines; the reminder scan.

Other apps create a deadline next to their record (``deadline_create``) and close it when the
record is done (``deadline_meet`` / ``deadlines_close_for_record``). See docs/deadlines.md.
"""

from __future__ import annotations

import calendar
import contextvars
import datetime as dt
import logging
import os
import queue
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.accounts.models import Jurisdiction, Organization
from apps.core.calendar import add_working_days
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.notifications.services import Message, notify_many
from apps.projects.models import Project, ProjectMember

from .enums import Counting, DeadlineState, ReminderStage
from .models import Deadline

logger = logging.getLogger(__name__)

# Upper bounds on a rule's amount: bad input gets a clear error, never a runaway loop.
MAX_AMOUNT = {Counting.WORKING_DAYS: 3650, Counting.CALENDAR_DAYS: 36500, Counting.MONTHS: 1200}
TITLE_MAX = Deadline._meta.get_field("title").max_length
REASON_MAX = Deadline._meta.get_field("waive_reason").max_length


def _reason(reason: str | None, message: str) -> str:
    """A reason (multi-line text); ``message`` when it is missing."""
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError(message, field="reason")
    return clean_text(reason, field="reason", label=_("The reason"), max_length=REASON_MAX)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def compute_due_date(*, base_date: dt.date, amount: int, counting: str) -> dt.date:
    """The due date a rule gives. Working days follow the official calendar (调休 included)."""
    if not isinstance(base_date, dt.date) or isinstance(base_date, dt.datetime):
        raise DomainError(_("The date to count from is not a valid date."), field="base_date")
    if counting not in Counting.values:
        raise DomainError(_("Count the deadline in working days, calendar days or months."), field="counting")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_AMOUNT[counting]:
        raise DomainError(_("The number of days or months must be a whole number between 0 and %(n)d.")
                          % {"n": MAX_AMOUNT[counting]}, field="amount")
    try:
        if counting == Counting.WORKING_DAYS:
            return add_working_days(base_date, amount)
        if counting == Counting.MONTHS:
            return add_months(base_date, amount)
        return base_date + dt.timedelta(days=amount)
    except OverflowError as exc:
        raise DomainError(_("The due date falls outside the supported calendar."), field="amount") from exc


MAX_REMIND_DAYS = 366


def remind_on_for(*, due_date: dt.date, remind_days: int | None) -> dt.date | None:
    """The day of the first reminder ``remind_days`` calendar days before ``due_date`` (None: the
    scan's default window, DEADLINE_REMIND_DAYS, applies)."""
    if remind_days is None:
        return None
    if isinstance(remind_days, bool) or not isinstance(remind_days, int) or not 0 <= remind_days <= MAX_REMIND_DAYS:
        raise DomainError(_("The first reminder must be a whole number of days between 0 and %(n)d before the due "
                            "date.") % {"n": MAX_REMIND_DAYS}, field="remind_days")
    return due_date - dt.timedelta(days=remind_days)


def _lock_open(deadline: Deadline) -> Deadline:
    """The deadline's row under ``SELECT … FOR UPDATE``; refused when it is no longer open (the
    copy in hand may be older than the row)."""
    locked = lock(deadline, related=("project",))
    if locked.state != DeadlineState.OPEN:
        raise DomainError(_("This deadline is already closed (%(state)s).") % {"state": locked.get_state_display()},
                          code="illegal_transition")
    return locked


def deadline_create(*, record: models.Model, project: Project, kind: str, title: str, base_date: dt.date,
                    amount: int, counting: str, responsible_org: Organization, responsible_user=None,
                    escalate_to_regulator: bool = False, remind_days: int | None = None, user) -> Deadline:
    """Record a deadline on ``record`` (any saved model instance) of ``project``.

    ``due_date`` is computed from the rule (``base_date`` + ``amount`` in ``counting``) and
    the rule is kept, so the date can be recomputed. The responsible organisation must be the
    project's client or contractor; the responsible person, if given, an active member of it.
    ``remind_days``: the first reminder goes out that many calendar days before the due date
    (when it is earlier than the scan's window, DEADLINE_REMIND_DAYS).
    """
    require("deadlines.can_create_deadline", user, project)
    if record is None or getattr(record, "pk", None) is None:
        raise DomainError(_("A deadline must belong to a saved record."), field="record")
    if getattr(record, "project_id", project.pk) != project.pk:
        raise DomainError(_("The record belongs to another project."), field="record")
    kind = (kind or "").strip()
    if not kind or len(kind) > 48 or not all(c.isascii() and (c.isalnum() or c == "_") for c in kind) \
            or kind != kind.lower():
        raise DomainError(_("The deadline kind must be a short code of lowercase letters, digits and underscores."),
                          field="kind")
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > TITLE_MAX:
        raise DomainError(_("Give the deadline a title of at most %(n)d characters.") % {"n": TITLE_MAX},
                          field="title")
    title = clean_line(title, field="title", label=_("The deadline's title"), max_length=TITLE_MAX)
    if responsible_org is None or responsible_org.pk not in (project.client_id, project.contractor_id):
        raise DomainError(_("The responsible organisation must be the project's client or contractor."),
                          field="responsible_org")
    if responsible_user is not None:
        if (not responsible_user.is_active or responsible_user.organization_id != responsible_org.pk
                or not project.members.filter(user=responsible_user, is_active=True).exists()):
            raise DomainError(_("The responsible person must be an active project member of the responsible "
                                "organisation."), field="responsible_user")
    due = compute_due_date(base_date=base_date, amount=amount, counting=counting)
    remind_on = remind_on_for(due_date=due, remind_days=remind_days)
    deadline = Deadline(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, project=project, kind=kind,
        title=title, counting=counting, base_date=base_date, amount=amount, due_date=due,
        remind_days=remind_days, remind_on=remind_on,
        responsible_org=responsible_org, responsible_user=responsible_user,
        escalate_to_regulator=bool(escalate_to_regulator), created_by=user,
    )
    with transaction.atomic(), history_context(user=user, reason=_("Deadline set")):
        deadline.save()
    return deadline


def deadline_meet(*, deadline: Deadline, user) -> Deadline:
    """The record is done: the deadline is ``met``, or ``missed`` (met late) after its due date."""
    require("deadlines.may_meet_deadline", user, deadline)
    with transaction.atomic(), history_context(user=user):
        locked = _lock_open(deadline)
        late = timezone.localdate() > locked.due_date
        locked.state = DeadlineState.MISSED if late else DeadlineState.MET
        locked.closed_at = timezone.now()
        locked.closed_by = user
        save_with_history(locked, reason=_("Deadline met late") if late else _("Deadline met"),
                          update_fields=["state", "closed_at", "closed_by", "updated_at"])
    return locked


def deadlines_close_for_record(*, record: models.Model, user, kinds: list[str] | None = None) -> list[Deadline]:
    """Meet every open deadline of ``record`` (optionally only these kinds): what an app calls
    when the record is done (e.g. a rectification ticket closed)."""
    qs = Deadline.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
                                 state=DeadlineState.OPEN).select_related("project")
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    with transaction.atomic():
        return [deadline_meet(deadline=d, user=user) for d in qs.order_by("pk")]


def deadlines_waive_for_record(*, record: models.Model, user, reason: str, kinds: list[str] | None = None
                               ) -> list[Deadline]:
    """Waive every open deadline of ``record`` (optionally only these kinds) with ``reason``:
    what an app calls when the record is withdrawn (e.g. a rectification notice issued in error)."""
    qs = Deadline.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
                                 state=DeadlineState.OPEN).select_related("project")
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    with transaction.atomic():
        return [deadline_waive(deadline=d, user=user, reason=reason) for d in qs.order_by("pk")]


def deadline_waive(*, deadline: Deadline, user, reason: str) -> Deadline:
    """The client lead lets the deadline go; a reason is required and kept."""
    require("deadlines.may_waive_deadline", user, deadline)
    reason = _reason(reason, _("Give a reason for waiving the deadline."))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_open(deadline)
        locked.state = DeadlineState.WAIVED
        locked.waive_reason = reason
        locked.closed_at = timezone.now()
        locked.closed_by = user
        save_with_history(locked, reason=_("Deadline waived: %(r)s") % {"r": reason},
                          update_fields=["state", "waive_reason", "closed_at", "closed_by", "updated_at"])
    return locked


def deadline_reschedule(*, deadline: Deadline, user, reason: str, base_date: dt.date | None = None,
                        amount: int | None = None, counting: str | None = None) -> Deadline:
    """The client lead changes the rule (e.g. grants more time); the due date is recomputed.

    Reminders are keyed by due date, so the new date gets its own reminders."""
    require("deadlines.may_reschedule_deadline", user, deadline)
    reason = _reason(reason, _("Give a reason for rescheduling the deadline."))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_open(deadline)
        new_base = base_date if base_date is not None else locked.base_date
        new_amount = amount if amount is not None else locked.amount
        new_counting = counting if counting is not None else locked.counting
        due = compute_due_date(base_date=new_base, amount=new_amount, counting=new_counting)
        if (new_base, new_amount, new_counting) == (locked.base_date, locked.amount, locked.counting) \
                and due == locked.due_date:
            raise DomainError(_("Nothing changed: the deadline already has this rule."), code="unchanged")
        old_due = locked.due_date
        locked.base_date, locked.amount, locked.counting, locked.due_date = new_base, new_amount, new_counting, due
        # The early reminder keeps its lead time before the new date.
        locked.remind_on = remind_on_for(due_date=due, remind_days=locked.remind_days)
        save_with_history(
            locked, reason=_("Rescheduled from %(old)s to %(new)s: %(r)s") % {
                "old": f"{old_due:%Y-%m-%d}", "new": f"{due:%Y-%m-%d}", "r": reason},
            update_fields=["base_date", "amount", "counting", "due_date", "remind_on", "updated_at"])
    return locked


# ---------------------------------------------------------------- the reminder scan

def regulator_cutoff(today: dt.date, days: int) -> dt.date:
    """Due dates strictly before this are overdue by more than ``days`` working days, i.e.
    ``working_days_between(due, today) > days``."""
    return add_working_days(today + dt.timedelta(days=1), -(days + 1))


@dataclass
class ScanResult:
    deadlines: int = 0
    created: int = 0
    by_stage: Counter = field(default_factory=Counter)
    chunks: int = 0

    def as_dict(self) -> dict:
        return {"deadlines": self.deadlines, "created": self.created, "chunks": self.chunks,
                "by_stage": {str(k): v for k, v in self.by_stage.items()}}


class _People:
    """Who to tell, loaded in bulk per chunk and kept for the whole scan (projects recur)."""

    def __init__(self) -> None:
        self.by_org: dict[int, dict[int, list[int]]] = {}  # project → organisation → user ids
        self.leads: dict[int, list[int]] = {}  # project → client lead ids
        self.members: dict[int, set[int]] = {}  # project → user ids
        self.regulator_users: dict[int, list[int]] = {}  # client organisation → regulator user ids

    def load(self, projects: dict[int, int], client_ids: set[int]) -> None:
        """``projects``: project id → client organisation id."""
        missing = projects.keys() - self.members.keys()
        if missing:
            rows: dict[int, list[tuple[int, int | None, str]]] = {pid: [] for pid in missing}
            for pid, uid, org_id, role in (
                    ProjectMember.objects.filter(project_id__in=missing, is_active=True, user__is_active=True)
                    .values_list("project_id", "user_id", "user__organization_id", "role")):
                rows[pid].append((uid, org_id, role))
            for pid, members in rows.items():
                by_org: dict[int, set[int]] = defaultdict(set)
                for uid, org_id, _role in members:
                    by_org[org_id].add(uid)
                self.by_org[pid] = {org: sorted(uids) for org, uids in by_org.items()}
                self.leads[pid] = sorted({uid for uid, org_id, role in members
                                          if role == ProjectRole.CLIENT_LEAD and org_id == projects[pid]})
                self.members[pid] = {uid for uid, _org, _role in members}
        missing = client_ids - self.regulator_users.keys()
        if missing:
            regulators: dict[int, set[int]] = defaultdict(set)
            for client_id, regulator_id in (Jurisdiction.objects.filter(client_id__in=missing,
                                                                         regulator__is_active=True)
                                            .values_list("client_id", "regulator_id")):
                regulators[regulator_id].add(client_id)
            for cid in missing:
                self.regulator_users[cid] = []
            users = (get_user_model().objects.filter(organization_id__in=regulators.keys(), is_active=True)
                     .order_by("pk").values_list("organization_id", "pk"))
            for org_id, uid in users:
                for cid in regulators[org_id]:
                    self.regulator_users[cid].append(uid)


SCAN_FIELDS = ("id", "project_id", "project__name", "project__client_id", "project__client__name", "kind", "title",
               "due_date", "responsible_org_id", "responsible_org__name", "responsible_user_id",
               "responsible_user__is_active", "escalate_to_regulator")


def _templates() -> dict[str, tuple[str, str]]:
    """Title and body of each stage, translated once per scan (not once per message)."""
    return {
        ReminderStage.SOON.value: (
            _("Deadline approaching: %(title)s"),
            _("%(kind)s in project %(project)s is due on %(date)s.")),
        ReminderStage.TODAY.value: (
            _("Deadline today: %(title)s"),
            _("%(kind)s in project %(project)s is due today (%(date)s).")),
        ReminderStage.OVERDUE.value: (
            _("Deadline overdue: %(title)s"),
            _("%(kind)s in project %(project)s was due on %(date)s and is not done yet.")),
        ReminderStage.ESCALATED_CLIENT.value: (
            _("Overdue in your project: %(title)s"),
            _("%(kind)s in project %(project)s was due on %(date)s and is not done yet. Responsible: %(org)s.")),
        ReminderStage.ESCALATED_REGULATOR.value: (
            _("Overdue deadline reported to the regulator: %(title)s"),
            _("%(kind)s in project %(project)s of %(client)s was due on %(date)s and is still not done more than "
              "%(days)d working days later. Responsible: %(org)s.")),
    }


def _messages_for(rows: list, *, today: dt.date, regulator_before: dt.date, regulator_days: int,
                  people: _People, templates: dict[str, tuple[str, str]]) -> list[Message]:
    people.load({r.project_id: r.project__client_id for r in rows},
                {r.project__client_id for r in rows if r.escalate_to_regulator})
    links: dict[int, str] = {}
    kind_labels: dict[str, str] = {}
    out: list[Message] = []
    for row in rows:
        pid, due, client_id = row.project_id, row.due_date, row.project__client_id
        if pid not in links:
            links[pid] = reverse("deadlines:project_deadlines", args=[pid])
        link = f"{links[pid]}#deadline-{row.id}"
        if row.kind not in kind_labels:
            kind_labels[row.kind] = Deadline(kind=row.kind).kind_label
        params = {"title": row.title, "kind": kind_labels[row.kind], "project": row.project__name,
                  "date": f"{due:%Y-%m-%d}", "org": row.responsible_org__name,
                  "client": row.project__client__name, "days": regulator_days}
        stamp = f"{due:%Y%m%d}"

        def add(stage: str, recipients: list[int]) -> None:
            if not recipients:
                return
            title_tpl, body_tpl = templates[stage]
            title, body = title_tpl % params, body_tpl % params
            key, kind = f"deadline:{row.id}:{stage}:{stamp}", f"deadline_{stage}"
            out.extend([Message(uid, pid, kind, key, title, body, link) for uid in recipients])

        uid = row.responsible_user_id
        if uid and row.responsible_user__is_active and uid in people.members[pid]:
            responsible = [uid]
        else:
            responsible = people.by_org[pid].get(row.responsible_org_id, [])
        leads = people.leads[pid]
        if not responsible:
            # Nobody of the responsible side can be reached: the client lead hears of it instead.
            responsible = leads
        if due > today:
            add(ReminderStage.SOON.value, responsible)
        elif due == today:
            add(ReminderStage.TODAY.value, responsible)
        else:
            add(ReminderStage.OVERDUE.value, responsible)
            add(ReminderStage.ESCALATED_CLIENT.value, [u for u in leads if u not in responsible])
            if row.escalate_to_regulator and due < regulator_before:
                add(ReminderStage.ESCALATED_REGULATOR.value, people.regulator_users.get(client_id, []))
    return out


def _scan_actor():
    """The account the scan's history rows name: ``DEADLINE_SCAN_USERNAME`` when set, otherwise the
    named system account (``apps.core.history.system_account_id``)."""
    username = getattr(settings, "DEADLINE_SCAN_USERNAME", "")
    if not username:
        return None  # the history context falls back to the system account
    return get_user_model().objects.filter(username=username).first()


def scan_workers() -> int:
    """Database connections the scan writes with at the same time: ``settings.DEADLINE_SCAN_WORKERS``,
    else ``$DEADLINE_SCAN_WORKERS``, else 2. 0 or 1: one connection (the caller's)."""
    value = getattr(settings, "DEADLINE_SCAN_WORKERS", None)
    if value is None:
        value = os.environ.get("DEADLINE_SCAN_WORKERS", "2")
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 1


def deadlines_scan(*, today: dt.date | None = None, chunk_size: int | None = None, email: bool = True,
                   workers: int | None = None) -> ScanResult:
    """Notify about every open deadline due within DEADLINE_REMIND_DAYS (or whose own early
    reminder day, ``remind_on``, has come), due today or overdue.

    Set-based: one query lists the ids, then per chunk one query reads the deadlines, at most
    three load the people (cached for the whole scan) and one INSERT ... ON CONFLICT DO NOTHING
    stores the notifications with their history rows. Each chunk is its own transaction, so a
    crash loses at most the chunks in progress and a re-run sends only what is missing (keys:
    deadline, stage, due date).

    With ``workers`` > 1 (default :func:`scan_workers`) and no transaction open on the caller's
    connection, the chunks are written by that many threads, each with its own connection and
    one transaction per chunk, while this thread reads and prepares the next chunks: the
    inserts (index upkeep, deferred foreign-key checks at commit, WAL) are the database's work
    and run on several cores. Inside a transaction (e.g. a test case) the scan stays on the
    caller's connection: other connections could not see its uncommitted rows.
    """
    today = today or timezone.localdate()
    remind_days = int(getattr(settings, "DEADLINE_REMIND_DAYS", 3))
    regulator_days = int(getattr(settings, "DEADLINE_REGULATOR_ESCALATION_DAYS", 5))
    chunk_size = chunk_size or int(getattr(settings, "DEADLINE_SCAN_CHUNK_SIZE", 2000))
    workers = scan_workers() if workers is None else workers
    regulator_before = regulator_cutoff(today, regulator_days)
    horizon = today + dt.timedelta(days=remind_days)

    # In the window: due within DEADLINE_REMIND_DAYS, or its own early reminder day reached.
    window = models.Q(due_date__lte=horizon) | models.Q(remind_on__lte=today)
    ids = list(Deadline.objects.filter(window, state=DeadlineState.OPEN)
               .order_by("pk").values_list("pk", flat=True))
    result = ScanResult()
    people = _People()
    parallel = workers > 1 and len(ids) > chunk_size and not transaction.get_connection().in_atomic_block
    with history_context(user=_scan_actor(), reason=_("Scheduled deadline scan")), \
            translation.override(settings.LANGUAGE_CODE):
        templates = _templates()

        def read(start: int) -> list:
            return list(Deadline.objects.filter(window, pk__in=ids[start:start + chunk_size], state=DeadlineState.OPEN)
                        .values_list(*SCAN_FIELDS, named=True))

        def prepare(rows: list) -> list[Message]:
            return _messages_for(rows, today=today, regulator_before=regulator_before,
                                 regulator_days=regulator_days, people=people, templates=templates)

        def count(rows: list, created: list) -> None:
            result.chunks += 1
            result.deadlines += len(rows)
            result.created += len(created)
            result.by_stage.update(c.key.split(":")[2] for c in created)  # deadline:<id>:<stage>:<date>

        if parallel:
            _scan_parallel(ids, chunk_size, workers, read, prepare, count, email=email)
        else:
            for start in range(0, len(ids), chunk_size):
                with transaction.atomic():
                    _relaxed_commit()
                    rows = read(start)
                    created = notify_many(messages=prepare(rows), email=email)
                count(rows, created)
    logger.info("deadline scan %s: %s", today, result.as_dict())
    return result


def _relaxed_commit() -> None:
    """A chunk's commit does not wait for its WAL to reach the disk (``synchronous_commit = off``
    for this transaction only). A database crash can then lose the last chunks committed, never
    half a chunk and never other data: their notifications are simply missing, the e-mail task
    finds no row for them, and the next scan creates them once (their keys were never stored)."""
    with transaction.get_connection().cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _scan_parallel(ids: list[int], chunk_size: int, workers: int, read, prepare, count, *, email: bool) -> None:
    """The chunks of the scan written by ``workers`` threads (one connection and one transaction
    per chunk each) while this thread reads and prepares the next ones.

    A failure stops the scan: no new chunk is started, the chunks already committed stay (their
    keys make a re-run skip them) and the first error is raised here."""
    jobs: queue.Queue = queue.Queue(maxsize=workers)  # bounded: at most ~2 × workers chunks in memory
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while True:
                job = jobs.get()
                if job is None:
                    return
                rows, messages = job
                if errors:
                    continue  # drain: a chunk after a failure is not written
                try:
                    with transaction.atomic():
                        _relaxed_commit()
                        created = notify_many(messages=messages, email=email)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
                    with lock:
                        errors.append(exc)
                    continue
                with lock:
                    count(rows, created)
        finally:
            connections.close_all()  # this thread's connections only (they are thread-local)

    # Each thread runs in a copy of this context: the history context (user, reason) and the
    # active language go with it.
    threads = [threading.Thread(target=contextvars.copy_context().run, args=(work,), name=f"deadline-scan-{i}",
                                daemon=True) for i in range(workers)]
    for t in threads:
        t.start()
    try:
        for start in range(0, len(ids), chunk_size):
            if errors:
                break
            rows = read(start)
            jobs.put((rows, prepare(rows)))
    finally:
        for _t in threads:
            jobs.put(None)
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
