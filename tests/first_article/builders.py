"""Helpers that drive the first-article loop through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.enums import Party
from apps.first_article import services
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign
from tests.conftest import PASSWORD


def submit(world, user=None, **overrides):
    kwargs = dict(batch_description="全宗J001 第1—3盒", batch_no="SJ-001", quantity=1260, unit="page",
                  batch_date=timezone.localdate() - dt.timedelta(days=3), self_check_result="自检全部合格")
    kwargs.update(overrides)
    return services.verification_submit(project=world.project, user=user or world.special, **kwargs)


def verify_pass(verification, user, **overrides):
    kwargs = dict(operation_passed=True, quality_passed=True, safety_passed=True, conclusion="pass")
    kwargs.update(overrides)
    return services.verification_verify(verification=verification, user=user, **kwargs)


def verify_fail(verification, user, **overrides):
    kwargs = dict(operation_passed=True, quality_passed=False, quality_reason="3页黑边超标", safety_passed=True,
                  conclusion="fail", rectification_due=timezone.localdate() + dt.timedelta(days=5),
                  requirement="重扫不合格页并提交自检记录")
    kwargs.update(overrides)
    return services.verification_verify(verification=verification, user=user, **kwargs)


def sign(record, user, party, meaning=None):
    meaning = meaning or (SignatureMeaning.APPROVE if party == Party.CLIENT else SignatureMeaning.CONFIRM)
    return signature_sign(record=record, user=user, password=PASSWORD, party=party, meaning=meaning)


def sign_both(record, world):
    sign(record, world.inspector, Party.CLIENT)
    sign(record, world.pm, Party.CONTRACTOR)
