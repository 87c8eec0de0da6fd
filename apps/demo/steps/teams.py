"""Demo data for team and equipment filing (called by the demo_data command).

complete=True: the four contractor people filed and approved, two pieces of equipment approved,
every client member's integrity pledge signed. complete=False: filings submitted and awaiting the
client, the security officer's certificate missing (not approvable yet), pledges not signed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.enums import Party, ProjectRole
from apps.signatures.services import signature_sign
from apps.teams import services
from apps.teams.enums import CertificateLevel, TrainingResult

PASSWORD = "Demo-2026-archqa"

PEOPLE = [
    ("contractor_pm", ProjectRole.CONTRACTOR_PM, "项目经理", "档案数字化项目管理师", CertificateLevel.SENIOR, 12),
    ("special_inspector", ProjectRole.CONTRACTOR_INSPECTOR, "专职质检员", "档案数字化质量检验员", CertificateLevel.INTERMEDIATE, 8),
    ("operator", ProjectRole.CONTRACTOR_OPERATOR, "扫描员", "档案数字化操作员", CertificateLevel.JUNIOR, 3),
    ("security_officer", ProjectRole.SECURITY_OFFICER, "安全保密员", "保密管理人员培训合格证", CertificateLevel.INTERMEDIATE, 6),
]


def load(*, project, users: dict, complete: bool) -> None:
    today = timezone.localdate()
    pm = users["contractor_pm"]
    reviewer = users["client_inspector"]
    for n, (key, role, post, cert, level, years) in enumerate(PEOPLE, start=1):
        stuck_here = not complete and key == "security_officer"
        filing = services.staff_filing_create(
            project=project, user=pm, person=users[key], role=role, post=post,
            cert_name="" if stuck_here else cert, cert_number="" if stuck_here else f"ZJDA-{2020 + n}-{n:04d}",
            cert_level=CertificateLevel.NONE if stuck_here else level,
            cert_issuer="" if stuck_here else "浙江省档案学会",
            cert_valid_from=None if stuck_here else today - dt.timedelta(days=400),
            cert_valid_until=None if stuck_here else today + dt.timedelta(days=700),
            years_experience=years, no_criminal_record=True, training_result=TrainingResult.PASSED,
            training_note="岗前培训考核 92 分", confidentiality_signed_on=today - dt.timedelta(days=3))
        if complete:
            services.staff_filing_approve(filing=filing, user=reviewer, note="资料齐全，同意备案")

    for name, model_no, serial, use in [("高速扫描仪", "Kodak i4250", "SCN-2026-001", "纸质档案扫描"),
                                        ("图像处理工作站", "ThinkStation P360", "WS-2026-007", "图像处理与质检")]:
        eq = services.equipment_file(project=project, user=pm, name=name, model_no=model_no, serial_number=serial,
                                     use=use, network_isolated=True, usb_disabled=True,
                                     other_measures="专用机房存放，双人管理")
        if complete:
            services.equipment_approve(equipment=eq, user=reviewer)

    pledges = services.pledges_prepare_missing(project=project, user=users["client_lead"])
    if complete:
        for pledge in pledges:
            signature_sign(record=pledge, user=pledge.member, password=PASSWORD, party=Party.CLIENT,
                           meaning="confirm")
