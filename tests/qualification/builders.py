"""Helpers that build qualification rounds through the services (the only write path)."""

from __future__ import annotations

import datetime as dt

from apps.accounts.enums import Party
from apps.qualification import services
from apps.qualification.enums import DocumentKind
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign
from tests.conftest import PASSWORD

DOCS = [
    dict(kind=DocumentKind.BUSINESS_LICENCE, number="91330100MA0000001X", issuer="杭州市市场监督管理局",
         scope="档案数字化加工、档案整理服务", service_types=["digitization", "arrangement"],
         valid_from=dt.date(2015, 3, 1), valid_until=None),
    dict(kind=DocumentKind.SERVICE_QUALIFICATION, number="ZJDA-2024-018", issuer="浙江省档案局",
         scope="档案数字化服务", service_types=["digitization"], valid_from=dt.date(2024, 1, 1),
         valid_until=dt.date(2029, 12, 31)),
    dict(kind=DocumentKind.QUALITY_CERTIFICATE, number="00124Q31234R1M", issuer="中国质量认证中心",
         scope="GB/T 19001-2016 档案数字化服务", service_types=["digitization"], valid_from=dt.date(2024, 5, 1),
         valid_until=dt.date(2027, 4, 30)),  # expires before the contract ends (2027-09-27)
    dict(kind=DocumentKind.SECURITY_EVIDENCE, number="BM-2025-0031", issuer="浙江省国家保密局",
         scope="涉密档案数字化加工保密条件", service_types=[], valid_from=dt.date(2025, 1, 1),
         valid_until=dt.date(2030, 1, 1)),
]


def open_round(w):
    return services.qualification_round_open(project=w.project, user=w.pm)


def add_documents(w, review, docs=DOCS):
    return [services.qualification_document_add(review=review, user=w.pm, **d) for d in docs]


def submitted_round(w):
    review = open_round(w)
    add_documents(w, review)
    return services.qualification_round_submit(review=review, user=w.pm)


def accept_all(w, review, user=None):
    for doc in review.documents.all():
        services.qualification_document_check(document=doc, user=user or w.inspector, is_authentic=True,
                                              in_date=True, scope_matches=True)


def approved_round(w, *, sign=True):
    review = submitted_round(w)
    accept_all(w, review)
    review = services.qualification_round_approve(review=review, user=w.lead, reason="资质齐全有效")
    if sign:
        signature_sign(record=review, user=w.lead, password=PASSWORD, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE)
    return review
