#!/usr/bin/env python
"""Benchmark: the sampling-inspection entry page, saving results, and the inspection ledger.

Usage (from the repository root):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archqa_bench .venv/bin/python benchmarks/bench_lot_inspection.py

Like bench_deadlines.py it creates its own throwaway database (``bench_<name of DATABASE_URL's
database>``, migrated from scratch and dropped at the end). Targets (exit status 1 on a miss):

1. the entry page of an inspection with 2,000 sampled items (a batch of 2,000 items inspected
   100 %): median of 5 requests ≤ 300 ms, query count independent of the number of items;
2. saving 1,000 results through the entry page (one JSON field, as entry.js sends it; a tenth of
   the items defective with a defect code, every item with measured values): ≤ 2 s;
3. the inspection ledger (apps.inspections) over 100,000 entries (BENCH_LEDGER): a filtered page
   (kind + has problems, a date range + text search, an inspector deep in the pages, and a word
   found nowhere) ≤ 150 ms median, with no more queries than an unfiltered page of 20 entries.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, setup_test_environment, teardown_databases  # noqa: E402,E501

ENTRY_TARGET_S = 0.300
SAVE_TARGET_S = 2.0
LEDGER_TARGET_S = 0.150
ITEMS = 2000
SAVED = 1000
LEDGER = int(os.environ.get("BENCH_LEDGER", "100000"))


def _uscc(n: int) -> str:
    from apps.accounts.validators import uscc_check_char

    first17 = f"91330100MC{n:07d}"
    return first17 + uscc_check_char(first17)


def build_world():
    from django.utils import timezone

    from apps.accounts.enums import OrgKind, ProjectRole
    from apps.accounts.models import Organization, User
    from apps.batches.enums import BatchStatus
    from apps.batches.models import Batch, BatchItem
    from apps.projects.enums import Phase
    from apps.projects.models import Project, ProjectMember
    from apps.sampling.models import SamplingSettings

    client = Organization.objects.create(kind=OrgKind.CLIENT, name="基准档案馆", uscc=_uscc(1), region="浙江省")
    contractor = Organization.objects.create(kind=OrgKind.CONTRACTOR, name="基准服务公司", uscc=_uscc(2),
                                             region="浙江省")
    lead = User.objects.create(username="bench_lead", name="负责人", organization=client)
    inspector = User.objects.create(username="bench_inspector", name="质检员", organization=client)
    pm = User.objects.create(username="bench_pm", name="项目经理", organization=contractor)
    project = Project.objects.create(
        name="基准项目", contract_no="B-1", client=client, contractor=contractor, service_types=["digitization"],
        contract_signed_on=dt.date(2026, 1, 5), start_date=dt.date(2026, 1, 6), end_date=dt.date(2027, 12, 31),
        created_by=lead, phase=Phase.IMPLEMENTATION)
    ProjectMember.objects.bulk_create([
        ProjectMember(project=project, user=lead, role=ProjectRole.CLIENT_LEAD),
        ProjectMember(project=project, user=inspector, role=ProjectRole.CLIENT_INSPECTOR),
        ProjectMember(project=project, user=pm, role=ProjectRole.CONTRACTOR_PM)])
    batch = Batch.objects.create(project=project, service_type="digitization", number=1, quantity=ITEMS,
                                 status=BatchStatus.SUBMITTED, submitted_at=timezone.now(), submitted_by=pm,
                                 created_by=pm)
    BatchItem.objects.bulk_create([
        BatchItem(batch=batch, position=p, archive_code=f"J001-WS-2026-{p:05d}", title=f"关于档案数字化工作的通知 第{p}号",
                  pages=4, file_name=f"J001-WS-2026-{p:05d}.pdf") for p in range(1, ITEMS + 1)])
    # The whole lot is inspected: a minimum sampling rate of 100 % (bench fixture only).
    from apps.sampling.services import settings_for

    settings_for(project)
    SamplingSettings.objects.filter(project=project).update(floor_rate_ordinary=Decimal("100"),
                                                            high_risk_floor_rate_ordinary=Decimal("100"))
    return project, batch, lead, inspector


def build_ledger(project, inspector) -> None:
    from django.utils import timezone

    from apps.inspections.enums import LedgerKind
    from apps.inspections.models import LedgerEntry

    kinds = [LedgerKind.PATROL, LedgerKind.KEY_NODE, LedgerKind.SAMPLING, LedgerKind.CONTRACTOR_SPECIAL]
    now = timezone.now()
    rows = []
    for k in range(LEDGER):
        problems = "黑边超标3处，页号错漏1处" if k % 7 == 0 else ""
        rows.append(LedgerEntry(
            project=project, kind=kinds[k % 4], occurred_at=now - dt.timedelta(minutes=7 * k), inspector=inspector,
            inspector_name="质检员", batch_id=None, content=f"第{k}次检查：图像质量、目录数据、挂接",
            problems=problems, requirements="限期整改" if problems else "", conclusion="合格" if not problems else "整改",
            has_problems=bool(problems), url=""))
        if len(rows) == 10000:
            LedgerEntry.objects.bulk_create(rows)
            rows = []
    if rows:
        LedgerEntry.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed_get(client, url: str, runs: int = 5) -> tuple[float, int, int]:
    client.get(url)  # warm-up (templates, caches)
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        queries = len(ctx.captured_queries)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), queries, len(response.content)


def main() -> int:
    from django.test import Client

    from apps.lot_inspection import services

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = f"bench_{db['NAME']}"
    config = setup_databases(verbosity=0, interactive=False)
    failures = []
    try:
        t0 = time.perf_counter()
        project, batch, lead, inspector = build_world()
        inspection = services.lot_inspection_open(batch=batch, user=inspector)
        print(f"fixture: batch of {ITEMS} items, inspection with {inspection.sample_size} sampled items, "
              f"opened in {time.perf_counter() - t0:.1f} s")
        client = Client()
        client.force_login(inspector)

        entry_url = f"/lot-inspection/{inspection.pk}/entry/"
        median, queries, size = timed_get(client, entry_url)
        print(f"entry page, {inspection.sample_size} rows: median {median * 1000:.0f} ms, {queries} queries, "
              f"{size // 1024} KiB")
        if median > ENTRY_TARGET_S:
            failures.append(f"entry page {median * 1000:.0f} ms > {ENTRY_TARGET_S * 1000:.0f} ms")

        items = list(inspection.items.order_by("position").values_list("id", "position")[:SAVED])
        payload = []
        for n, (item_id, position) in enumerate(items):
            defective = n % 10 == 0
            payload.append({"id": item_id, "position": position, "version": 1,
                            "result": "defective" if defective else "conforming",
                            "defects": "DIG-G3" if defective else "", "note": "目录字段错误" if defective else "",
                            "measurements": {"dpi": "300", "skew_deg": "0.5" if not defective else "0.8",
                                             "border_mm": "1"}})
        t0 = time.perf_counter()
        response = client.post(entry_url, {"payload": json.dumps(payload)}, HTTP_ACCEPT="application/json")
        save_s = time.perf_counter() - t0
        saved = response.json().get("saved") if response.status_code == 200 else response.content[:300]
        print(f"save {SAVED} results: {save_s:.2f} s, answer {response.status_code}, saved {saved}")
        if response.status_code != 200 or saved != SAVED:
            failures.append(f"saving {SAVED} results failed: {response.status_code} {saved}")
        if save_s > SAVE_TARGET_S:
            failures.append(f"saving {SAVED} results took {save_s:.2f} s > {SAVE_TARGET_S} s")
        median2, queries2, _ = timed_get(client, entry_url)
        print(f"entry page after saving: median {median2 * 1000:.0f} ms, {queries2} queries")
        if median2 > ENTRY_TARGET_S:
            failures.append(f"entry page after saving {median2 * 1000:.0f} ms > {ENTRY_TARGET_S * 1000:.0f} ms")

        t0 = time.perf_counter()
        build_ledger(project, inspector)
        print(f"ledger fixture: {LEDGER} entries in {time.perf_counter() - t0:.1f} s")
        ledger_url = f"/inspections/projects/{project.pk}/ledger/"
        base_median, base_queries, _ = timed_get(client, ledger_url)
        print(f"ledger, no filter: median {base_median * 1000:.0f} ms, {base_queries} queries")
        since = (dt.date.today() - dt.timedelta(days=120)).isoformat()
        for query in ("?kind=sampling&problems=1", f"?date_from={since}&q=挂接&page=3",
                      f"?kind=patrol&inspector={inspector.pk}&page=50",
                      # A word found nowhere: the search reads every row of the project.
                      "?q=不存在的词语"):
            median3, queries3, _ = timed_get(client, ledger_url + query)
            print(f"ledger {query}: median {median3 * 1000:.0f} ms, {queries3} queries")
            if median3 > LEDGER_TARGET_S:
                failures.append(f"ledger {query} {median3 * 1000:.0f} ms > {LEDGER_TARGET_S * 1000:.0f} ms")
            if queries3 > base_queries:  # an empty result skips the count: one query fewer
                failures.append(f"ledger {query}: {queries3} queries, unfiltered page {base_queries}")
        for f in failures:
            print("MISS:", f)
        print("OK" if not failures else "FAILED")
        return 1 if failures else 0
    finally:
        connection.close()
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
