"""Demo records for one project (called by the demo_data command).

complete=True: round 1 failed (work contact sheet → rectification sheet), round 2 passed and is
signed by both parties, so the ``first_article_passed`` gate is met and it is the baseline.
complete=False: round 1 failed; its work contact sheet is open, awaiting the contractor's
rectification sheet.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.enums import Party
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign

from apps.first_article import services

DEMO_PASSWORD = "Demo-2026-archqa"


def load(*, project, users: dict, complete: bool) -> None:
    today = timezone.localdate()
    special, pm, inspector = users["special_inspector"], users["contractor_pm"], users["client_inspector"]
    first = services.verification_submit(
        project=project, user=special, batch_description="全宗J001 1950—1955年文书档案 第1—3盒",
        batch_no="SJ-2026-001", quantity=1260, unit="page", batch_date=today - dt.timedelta(days=6),
        self_check_result="自检100%：图像清晰，分辨率300dpi，命名符合方案；发现2页偏斜已重扫。",
        contractor_verifiers=f"{special.name}、{pm.name}")
    services.verification_verify(
        verification=first, user=inspector, operation_passed=True, quality_passed=False,
        quality_reason="抽查200页，3页黑边超标，1页页号错漏，合格率98%，低于首件100%要求。",
        safety_passed=True, conclusion="fail", rectification_due=today + dt.timedelta(days=5),
        requirement="对首批全部图像重新检查黑边与页号，重扫不合格页并提交自检记录。",
        verified_on=today - dt.timedelta(days=5), client_verifiers=f"{inspector.name}、{users['client_lead'].name}")
    if not complete:
        return

    services.contact_sheet_answer(
        contact_sheet=first.contact_sheet, user=pm,
        measures="调整扫描裁边参数；对第1—3盒1260页逐页复查，重扫4页，更正页号1处。",
        result="复查1260页全部合格，已更新自检记录。")
    second = services.verification_submit(
        project=project, user=special, batch_description="全宗J001 1950—1955年文书档案 第1—3盒（整改后重新提交）",
        batch_no="SJ-2026-001R", quantity=1260, unit="page", batch_date=today - dt.timedelta(days=2),
        self_check_result="整改后全检：黑边、页号、偏斜均符合要求。", contractor_verifiers=f"{special.name}、{pm.name}")
    services.verification_verify(
        verification=second, user=inspector, operation_passed=True, quality_passed=True, safety_passed=True,
        conclusion="pass", verified_on=today - dt.timedelta(days=1),
        client_verifiers=f"{inspector.name}、{users['client_lead'].name}")
    signature_sign(record=second, user=inspector, password=DEMO_PASSWORD, party=Party.CLIENT,
                   meaning=SignatureMeaning.REVIEW)
    signature_sign(record=second, user=users["client_lead"], password=DEMO_PASSWORD, party=Party.CLIENT,
                   meaning=SignatureMeaning.APPROVE)
    signature_sign(record=second, user=pm, password=DEMO_PASSWORD, party=Party.CONTRACTOR,
                   meaning=SignatureMeaning.CONFIRM)
