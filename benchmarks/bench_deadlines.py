#!/usr/bin/env python
"""Benchmark: the deadline scan over 100,000 open deadlines.

Usage (from the repository root):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archqa_bench .venv/bin/python benchmarks/bench_deadlines.py

It creates its own throwaway database with Django's test-database machinery (the database
named ``bench_<name of DATABASE_URL's database>``, migrated from scratch and dropped at the end),
so it never touches real data. Without DATABASE_URL the embedded PostgreSQL of the local
settings is used the same way.

Fixture (bulk_create, acceptable for a throwaway fixture): 50 projects, each with a client lead,
a client inspector and four contractor members; one regulator (two users) with jurisdiction
over every client; 100,000 open deadlines with due dates spread evenly from 30 days ago over a year
(BENCH_SPREAD_DAYS), half with a responsible person, half with only a responsible organisation,
one in ten flagged for regulator escalation. BENCH_SPREAD_DAYS=91 gives the stress case
(37 % of the deadlines due within 3 days or overdue, none reminded before: ~131,000
notifications in one scan); BENCH_DEADLINES changes the count.

Then it times one full scan (target ≤ 5 s) and a second scan that must create nothing. As in
production, the scan only enqueues the e-mail tasks (here on Celery's in-memory broker); a
worker sends them. The e-mail task itself is then timed on one enqueued batch (in-memory mail
backend) and reported as mails per second, for information. Exit status 1 on a miss.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

TARGET_SECONDS = 5.0
DEADLINES = int(os.environ.get("BENCH_DEADLINES", "100000"))
# Due dates run from 30 days ago over this many days (365: a year; 91: a stress case where a
# third of all deadlines are overdue and were never reminded before).
SPREAD_DAYS = int(os.environ.get("BENCH_SPREAD_DAYS", "365"))
PROJECTS = 50


def _uscc(n: int) -> str:
    from apps.accounts.validators import uscc_check_char

    first17 = f"91330100MB{n:07d}"
    return first17 + uscc_check_char(first17)


def build_fixture(today: dt.date) -> None:
    from django.contrib.contenttypes.models import ContentType

    from apps.accounts.enums import OrgKind, ProjectRole
    from apps.accounts.models import Jurisdiction, Organization, User
    from apps.deadlines.enums import Counting
    from apps.deadlines.models import Deadline
    from apps.projects.models import Project, ProjectMember

    n = iter(range(1, 10**6))
    regulator = Organization.objects.create(kind=OrgKind.REGULATOR, name="基准档案局", uscc=_uscc(next(n)),
                                            region="浙江省")
    reg_users = User.objects.bulk_create([
        User(username=f"reg{i}", name=f"监管{i}", email=f"reg{i}@example.cn", organization=regulator)
        for i in range(2)])
    clients = Organization.objects.bulk_create([
        Organization(kind=OrgKind.CLIENT, name=f"基准档案馆{i}", uscc=_uscc(next(n)), region="浙江省")
        for i in range(PROJECTS)])
    contractors = Organization.objects.bulk_create([
        Organization(kind=OrgKind.CONTRACTOR, name=f"基准服务公司{i}", uscc=_uscc(next(n)), region="浙江省")
        for i in range(PROJECTS)])
    Jurisdiction.objects.bulk_create([Jurisdiction(regulator=regulator, client=c) for c in clients])
    people = []
    for i in range(PROJECTS):
        people.append(User(username=f"lead{i}", name=f"负责人{i}", email=f"lead{i}@example.cn",
                           organization=clients[i]))
        people.append(User(username=f"insp{i}", name=f"质检{i}", email=f"insp{i}@example.cn",
                           organization=clients[i]))
        for j in range(4):
            people.append(User(username=f"c{i}_{j}", name=f"承包{i}_{j}", email=f"c{i}_{j}@example.cn",
                               organization=contractors[i]))
    people = User.objects.bulk_create(people)
    projects = Project.objects.bulk_create([
        Project(name=f"基准项目{i}", contract_no=f"B-{i}", client=clients[i], contractor=contractors[i],
                service_types=["digitization"], contract_signed_on=dt.date(2026, 1, 5),
                start_date=dt.date(2026, 1, 6), end_date=dt.date(2027, 12, 31), created_by=people[i * 6])
        for i in range(PROJECTS)])
    roles = [ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR, ProjectRole.CONTRACTOR_PM,
             ProjectRole.CONTRACTOR_INSPECTOR, ProjectRole.CONTRACTOR_OPERATOR, ProjectRole.SECURITY_OFFICER]
    ProjectMember.objects.bulk_create([
        ProjectMember(project=projects[i], user=people[i * 6 + k], role=roles[k])
        for i in range(PROJECTS) for k in range(6)])
    ct = ContentType.objects.get_for_model(Project)
    batch = []
    for k in range(DEADLINES):
        i = k % PROJECTS
        project = projects[i]
        due = today + dt.timedelta(days=(k % SPREAD_DAYS) - 30)
        batch.append(Deadline(
            content_type=ct, object_id=project.pk, project=project, kind="rectification", title=f"整改 {k}",
            counting=Counting.CALENDAR_DAYS, base_date=due, amount=0, due_date=due,
            responsible_org=contractors[i], responsible_user=people[i * 6 + 4] if k % 2 else None,
            escalate_to_regulator=k % 10 == 0, created_by=people[i * 6]))
        if len(batch) == 10000:
            Deadline.objects.bulk_create(batch)
            batch = []
    if batch:
        Deadline.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    del reg_users


def main() -> int:
    from apps.deadlines.services import deadlines_scan
    from apps.notifications.models import Notification
    from config.celery_app import app as celery_app

    setup_test_environment()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    enqueued: list[list[int]] = []
    from apps.notifications import tasks as notification_tasks

    real_delay = notification_tasks.send_notification_emails.delay

    def delay(**kwargs):
        enqueued.append(kwargs["notification_ids"])
        return real_delay(**kwargs)

    notification_tasks.send_notification_emails.delay = delay
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = f"bench_{db['NAME']}"
    # No serialization of the fresh database (only TransactionTestCase rollback emulation
    # needs it): it costs time and trips over models whose migrations are not written yet.
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        today = dt.date.today()
        t0 = time.perf_counter()
        build_fixture(today)
        print(f"fixture: {DEADLINES} open deadlines, due dates over {SPREAD_DAYS} days from 30 days ago, "
              f"built in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        first = deadlines_scan(today=today)
        first_s = time.perf_counter() - t0
        mails = sum(len(ids) for ids in enqueued)
        print(f"scan 1: {first_s:.2f} s, {first.deadlines} deadlines in the window, {first.created} notifications "
              f"{first.as_dict()['by_stage']}, {mails} e-mails in {len(enqueued)} tasks enqueued, "
              f"{first.chunks} chunks")

        t0 = time.perf_counter()
        second = deadlines_scan(today=today)
        second_s = time.perf_counter() - t0
        mails_again = sum(len(ids) for ids in enqueued) - mails
        print(f"scan 2: {second_s:.2f} s, {second.created} notifications, {mails_again} e-mails enqueued")

        if enqueued:
            t0 = time.perf_counter()
            sent = notification_tasks.send_notification_emails(notification_ids=enqueued[0])
            mail_s = time.perf_counter() - t0
            again = notification_tasks.send_notification_emails(notification_ids=enqueued[0])
            print(f"e-mail task: {sent} mails in {mail_s:.2f} s ({sent / mail_s:.0f}/s); run again: {again} sent")

        stored = Notification.objects.count()
        history = Notification.history.count()
        print(f"stored: {stored} notifications, {history} history rows")

        failures = []
        if first_s > TARGET_SECONDS:
            failures.append(f"first scan took {first_s:.2f} s > {TARGET_SECONDS} s")
        if second.created or mails_again:
            failures.append("the second scan created notifications or e-mails")
        if stored != first.created or history != stored or mails != stored:
            failures.append("stored rows, history rows and the scan's count disagree")
        for f in failures:
            print("MISS:", f)
        print("OK" if not failures else "FAILED")
        return 1 if failures else 0
    finally:
        connection.close()
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
