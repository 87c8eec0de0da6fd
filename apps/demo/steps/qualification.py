"""Demo records for one project (called by the demo_data command).

complete=True: one round approved and signed by the client lead (gate met), with a quality
certificate that expires before the contract ends (so it carries an expiry reminder).
complete=False: round 1 rejected with reasons, round 2 resubmitted and awaiting review.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from apps.accounts.enums import Party, ProjectRole
from apps.qualification import services
from apps.qualification.enums import DocumentKind
from apps.signatures.enums import SignatureMeaning

DEMO_PASSWORD = "Demo-2026-archqa"
# A minimal valid PDF standing in for a scanned certificate.
_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _documents(project) -> list[dict]:
    start = project.start_date
    return [
        dict(kind=DocumentKind.BUSINESS_LICENCE, number="91330106MA2H3D0X7K", issuer="杭州市西湖区市场监督管理局",
             scope="档案数字化服务；档案整理服务；数据处理服务；档案寄存、搬迁服务",
             service_types=list(project.service_types), valid_from=dt.date(2016, 4, 12), valid_until=None),
        dict(kind=DocumentKind.SERVICE_QUALIFICATION, number="浙档服备字〔2024〕018号", issuer="浙江省档案局",
             scope="档案数字化、档案整理、档案数据处理", service_types=list(project.service_types),
             valid_from=start - dt.timedelta(days=700), valid_until=start + dt.timedelta(days=1100)),
        dict(kind=DocumentKind.QUALITY_CERTIFICATE, number="00124Q31234R1M", issuer="中国质量认证中心",
             scope="GB/T 19001-2016/ISO 9001:2015 档案数字化加工及整理服务", service_types=list(project.service_types),
             # Expires before the contract ends: flagged, and a reminder is set on approval.
             valid_from=start - dt.timedelta(days=900), valid_until=project.end_date - dt.timedelta(days=60)),
        dict(kind=DocumentKind.SECURITY_EVIDENCE, number="ZJBM-2025-0031", issuer="浙江省国家保密局",
             scope="涉密档案数字化加工场所保密条件审查合格", service_types=[],
             valid_from=start - dt.timedelta(days=300), valid_until=start + dt.timedelta(days=800)),
    ]


def _attach(document, user) -> None:
    from apps.attachments.services import attachment_add

    attachment_add(record=document, project=document.project, user=user, kind="certificate",
                   uploaded_file=ContentFile(_PDF, name=f"{document.get_kind_display()}扫描件.pdf"))


def _round(project, users, docs) -> object:
    pm = users["contractor_pm"]
    review = services.qualification_round_open(project=project, user=pm)
    existing = {d.kind: d for d in review.documents.all()}
    for d in docs:
        if d["kind"] in existing:
            services.qualification_document_update(document=existing[d["kind"]], user=pm, **d)
        else:
            officer = users.get("security_officer")
            is_officer = officer is not None and project.members.filter(
                user=officer, role=ProjectRole.SECURITY_OFFICER, is_active=True).exists()
            author = officer if d["kind"] == DocumentKind.SECURITY_EVIDENCE and is_officer else pm
            _attach(services.qualification_document_add(review=review, user=author, **d), author)
    return services.qualification_round_submit(review=review, user=pm)


def load(*, project, users: dict, complete: bool) -> None:
    if project.qualification_reviews.exists():
        return
    from apps.signatures.services import signature_sign

    docs = _documents(project)
    lead, inspector = users["client_lead"], users["client_inspector"]
    if complete:
        review = _round(project, users, docs)
        for doc in review.documents.all():
            services.qualification_document_check(document=doc, user=inspector, is_authentic=True, in_date=True,
                                                  scope_matches=True, note="已核验原件")
        review = services.qualification_round_approve(review=review, user=lead,
                                                reason="资质文件真实有效，业务范围与本项目服务内容相符。质量体系证书将于合同期内到期，请按期换证。")
        signature_sign(record=review, user=lead, password=DEMO_PASSWORD, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE)
        return
    # Stuck: the security evidence had expired in round 1; round 2 is waiting for the client.
    expired = dict(docs[3], valid_until=project.start_date - dt.timedelta(days=10))
    review = _round(project, users, docs[:3] + [expired])
    for doc in review.documents.all():
        ok = doc.kind != DocumentKind.SECURITY_EVIDENCE
        services.qualification_document_check(document=doc, user=inspector, is_authentic=True, in_date=ok,
                                              scope_matches=True, note="" if ok else "保密资格证明已过期")
    services.qualification_round_reject(review=review, user=inspector, reason="安全保密能力证明已过期，请提供有效证明后重新提交。")
    _round(project, users, [docs[3]])
