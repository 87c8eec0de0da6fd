"""The inspection ledger (检查台账): written by every check's service, filtered, paginated cheaply."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.errors import DomainError
from apps.inspections import selectors, services
from apps.inspections.models import LedgerEntry, Patrol
from apps.inspections.selectors import LedgerFilters
from apps.inspections.services import ledger

pytestmark = pytest.mark.django_db


def _patrol(world, **kw):
    return Patrol.objects.create(project=world.project, patrolled_on=kw.pop("on", timezone.localdate()),
                                 content="巡查", created_by=world.lead, **kw)


def test_record_with_a_source_links_it_and_upserts(world):
    p = _patrol(world)
    entry = services.ledger_entry_record(project=world.project, kind="patrol", occurred_at=p.patrolled_on,
                                         inspector=world.lead, content="巡查内容", problems="", requirements="",
                                         conclusion="无问题", source=p)
    assert entry.url == p.get_absolute_url() and entry.inspector_name == "王建国" and not entry.has_problems
    again = services.ledger_entry_record(project=world.project, kind="patrol", occurred_at=p.patrolled_on,
                                         inspector=world.lead, content="巡查内容（改）", problems="有问题",
                                         requirements="整改", conclusion="", source=p)
    assert again.pk == entry.pk and LedgerEntry.objects.count() == 1 and again.has_problems
    assert entry.history.count() == 2


def test_batch_is_taken_from_the_source(world):
    from apps.batches.models import Batch

    batch = Batch.objects.create(project=world.project, service_type="digitization", number=3, created_by=world.pm)
    entry = services.ledger_entry_record(project=world.project, kind="contractor_special",
                                         occurred_at=timezone.now(), inspector=world.special, content="专检",
                                         problems="", requirements="", conclusion="合格", source=batch)
    assert entry.batch_id == batch.pk and entry.batch_label == str(batch)[:64]
    other = services.ledger_entry_record(project=world.project, kind="sampling", occurred_at=timezone.now(),
                                         inspector=None, content="抽检", problems="", requirements="",
                                         conclusion="", source=None, batch=42, inspector_name="外聘专家")
    assert other.batch_id == 42 and other.inspector_name == "外聘专家" and other.source_id is None


def test_ledger_entry_update(world):
    p = _patrol(world)
    services.ledger_entry_record(project=world.project, kind="patrol", occurred_at=p.patrolled_on,
                                 inspector=world.lead, content="巡查", problems="", requirements="", conclusion="",
                                 source=p)
    entry = services.ledger_entry_update(source=p, problems="发现问题", requirements="整改",
                                         inspector=world.inspector, occurred_at=dt.date(2026, 10, 1), batch=7)
    assert entry.has_problems and entry.inspector_name == "李秀英" and entry.batch_id == 7
    assert timezone.localdate(entry.occurred_at) == dt.date(2026, 10, 1)
    assert services.ledger_entry_update(source=_patrol(world), content="x") is None
    with pytest.raises(DomainError, match="cannot be changed"):
        services.ledger_entry_update(source=p, project=None)
    with pytest.raises(DomainError, match="content of the check"):
        services.ledger_entry_update(source=p, content="")


@pytest.mark.parametrize("kwargs, message", [
    ({"kind": "gossip"}, "Unknown kind"),
    ({"content": "  "}, "content of the check"),
    ({"occurred_at": "yesterday"}, "not a valid date"),
])
def test_record_refuses_bad_input(world, kwargs, message):
    base = dict(kind="patrol", occurred_at=timezone.now(), inspector=world.lead, content="巡查", problems="",
                requirements="", conclusion="", source=None)
    with pytest.raises(DomainError, match=message):
        services.ledger_entry_record(project=world.project, **{**base, **kwargs})
    assert not LedgerEntry.objects.exists()


def test_long_texts_are_clipped_not_refused(world):
    entry = services.ledger_entry_record(project=world.project, kind="sampling", occurred_at=timezone.now(),
                                         inspector=None, content="长" * 20000, problems="", requirements="",
                                         conclusion="结" * 500, source=None)
    assert len(entry.content) == 8000 and entry.content.endswith("…") and len(entry.conclusion) == 200


def _bulk(world, n, **kw):
    now = timezone.now()
    rows = [LedgerEntry(project=world.project, kind=kw.get("kind", "patrol" if i % 2 else "sampling"),
                        occurred_at=now - dt.timedelta(hours=i), inspector=world.inspector, inspector_name="李秀英",
                        batch_id=(i % 5) or None, content=f"检查{i}", problems="问题" if i % 3 == 0 else "",
                        has_problems=i % 3 == 0) for i in range(n)]
    LedgerEntry.objects.bulk_create(rows)


def test_filters(world):
    _bulk(world, 60)
    qs = lambda **f: selectors.ledger_entries(world.project, LedgerFilters(**f))  # noqa: E731
    assert qs().count() == 60
    assert qs(kind="patrol").count() == 30
    assert qs(has_problems=True).count() == 20 and qs(has_problems=False).count() == 40
    assert qs(batch_id=2).count() == 12
    assert qs(inspector_id=world.inspector.pk).count() == 60 and qs(inspector_id=world.lead.pk).count() == 0
    assert qs(q="检查5").count() == 11  # 5, 50–59
    today = timezone.localdate()
    assert qs(date_from=today + dt.timedelta(days=1)).count() == 0
    assert qs(date_to=today - dt.timedelta(days=10)).count() == 0
    first = list(qs()[:2])
    assert first[0].occurred_at > first[1].occurred_at


def test_page_in_two_queries_whatever_the_size(world, django_assert_num_queries):
    _bulk(world, 130)
    qs = selectors.ledger_entries(world.project, LedgerFilters(kind="patrol"))
    with django_assert_num_queries(2):
        page = selectors.ledger_page(qs, 1, per_page=50)
        [e.content for e in page.entries]
    assert (page.count, page.has_next, page.num_pages, len(page.entries)) == (65, True, 2, 50)
    with django_assert_num_queries(1):  # the last page knows its count
        page = selectors.ledger_page(qs, 2, per_page=50)
        [e.content for e in page.entries]
    assert (page.count, page.has_next, page.num_pages, len(page.entries)) == (65, False, 2, 15)
    assert selectors.ledger_page(qs, "junk").number == 1


def test_count_is_capped(world, monkeypatch):
    monkeypatch.setattr(selectors, "LEDGER_COUNT_CAP", 100)
    _bulk(world, 130)
    page = selectors.ledger_page(selectors.ledger_entries(world.project), 1, per_page=20)
    assert page.count == 100 and page.count_capped and page.has_next
    assert selectors.ledger_page(selectors.ledger_entries(world.project), 999, per_page=20).number == 5


def test_ledger_queries_use_an_index(world):
    _bulk(world, 300)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inspections_ledgerentry")
    qs = selectors.ledger_entries(world.project, LedgerFilters(kind="patrol"))[:51]
    with CaptureQueriesContext(connection):
        plan = qs.explain()
    assert "insp_ledger" in plan or "Index" in plan


def test_defect_counters_are_summed(world):
    def a(project):
        return {("digitization", "fatal"): 1, ("digitization", "general"): 4}

    def b(project):
        return {("digitization", "general"): 2}

    saved = list(ledger._defect_counters)
    try:
        services.register_defect_counter(a)
        services.register_defect_counter(a)
        services.register_defect_counter(b)
        assert services.defect_counts(world.project) == {("digitization", "fatal"): 1, ("digitization", "general"): 6}
        with pytest.raises(TypeError):
            services.register_defect_counter("not callable")
    finally:
        ledger._defect_counters[:] = saved


@pytest.mark.parametrize("url, stored", [("/inspections/x/", "/inspections/x/"), ("javascript:alert(1)", ""),
                                         ("//evil.example/", ""), ("https://evil.example/", "")])
def test_only_site_links_are_stored(world, url, stored):
    entry = services.ledger_entry_record(project=world.project, kind="other", occurred_at=timezone.now(),
                                         inspector=None, content="x", problems="", requirements="", conclusion="",
                                         source=None, url=url)
    assert entry.url == stored


def test_search_reads_every_text_column_case_insensitively(world):
    services.ledger_entry_record(project=world.project, kind="other", occurred_at=timezone.now(),
                                 inspector=None, content="OCR 抽检", problems="识别率低", requirements="重新识别",
                                 conclusion="不合格", source=None, inspector_name="外聘专家", batch=5)
    for q in ["ocr", "识别率低", "重新识别", "不合格", "外聘"]:
        assert selectors.ledger_entries(world.project, LedgerFilters(q=q)).count() == 1, q
    assert selectors.ledger_entries(world.project, LedgerFilters(q="不存在")).count() == 0
