"""Demo records for one project (called by the demo_data command).

Needs: contractor PM, special inspector and operator filed and approved (apps.teams demo,
complete) for the three-level records; batches are submitted only when the project is in
implementation with the first article passed (otherwise they stay drafts).

complete=True: batch 1 and 2 submitted (awaiting the client's sampling inspection, which
apps.lot_inspection opens), batch 3 a draft whose special inspection failed (2 items marked),
self-checks of the last five working days (one day not fully self-checked, shown in red) and
mutual checks. complete=False: one draft batch with its item list, no special inspection yet,
and two days of self-checks.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.batches import services
from apps.core.errors import DomainError

STEPS = ["扫描", "图像处理", "著录"]


def _rows(batch_no: int, n: int) -> list[dict]:
    return [{"archive_code": f"J001-WS-{1949 + batch_no}-{i:04d}", "title": f"关于{1949 + batch_no}年档案工作的通知（第{i}号）",
             "pages": 2 + i % 9, "file_name": f"J001-WS-{1949 + batch_no}-{i:04d}.pdf"} for i in range(1, n + 1)]


def _batch(project, users, number: int, n: int):
    pm = users["contractor_pm"]
    batch = services.batch_create(project=project, user=pm, service_type=_service_type(project), unit="item",
                                  description=f"全宗J001 {1949 + number}年文书档案 第{number}批")
    return services.batch_items_replace(batch=batch, user=pm, rows=_rows(number, n))


def _service_type(project) -> str:
    return (project.service_types or ["digitization"])[0]


def _checks(project, users, days: int) -> None:
    from apps.batches.selectors import filed_staff

    staff = set(filed_staff(project).values_list("pk", flat=True))
    operator, special, pm = users["operator"], users["special_inspector"], users["contractor_pm"]
    if operator.pk not in staff:
        return  # the operator's filing is not approved yet: no three-level records
    today = timezone.localdate()
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        output = 280 + back * 7
        checked = output if back != 2 else output - 40  # one day not fully self-checked
        services.self_check_record(project=project, user=operator, operator=operator, date=day, process_step="扫描",
                                   output_count=output, self_checked_count=checked, nonconforming_count=back % 3,
                                   findings="偏斜页已重扫" if back % 3 else "")
        if special.pk in staff:
            services.mutual_check_record(project=project, user=special, producer=operator, checker=special, date=day,
                                         process_step="扫描", checked_count=output // 2,
                                         nonconforming_count=1 if back % 2 else 0,
                                         findings="1页黑边超标，已退回重扫" if back % 2 else "")
    _ = pm


def load(*, project, users: dict, complete: bool) -> None:
    special = users["special_inspector"]
    today = timezone.localdate()
    if not complete:
        _batch(project, users, 1, 60)
        _checks(project, users, 2)
        return

    _checks(project, users, 5)
    for number, n in ((1, 120), (2, 80)):
        batch = _batch(project, users, number, n)
        try:
            services.special_inspection_record(batch=batch, user=special, date=today, checked_count=n,
                                               conclusion="passed", findings="逐件检查，图像与目录一致")
            if not services.submission_refusals(batch):
                services.batch_submit(batch=batch, user=users["contractor_pm"])
        except DomainError:
            pass  # special inspector not filed, or the project not in implementation: the batch stays a draft
    batch = _batch(project, users, 3, 50)
    try:
        services.special_inspection_record(batch=batch, user=special, date=today, checked_count=50,
                                           nonconforming_count=2, conclusion="failed",
                                           findings="第7、19件漏扫背面页，需补扫后重新专检", nonconforming_positions=[7, 19])
    except DomainError:
        pass
