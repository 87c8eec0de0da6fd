"""Helpers that build plan versions through the services."""

from __future__ import annotations

from apps.accounts.enums import Party
from apps.plans import services
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign
from tests.conftest import PASSWORD

CONTENT = dict(
    title="民国档案数字化项目实施方案",
    implementation_plan="项目组织、进度计划、场地与设备安排。",
    quality_targets="图像合格率≥99%，著录差错率≤0.5%。",
    procedures="出库→拆卷→扫描→图像处理→著录→质检→装订→入库。",
    control_points="扫描分辨率、图像偏斜、漏扫、著录项完整性。",
)


def draft(w, **extra):
    return services.plan_version_create(project=w.project, user=w.pm, **{**CONTENT, **extra})


def submitted(w, **extra):
    return services.plan_version_submit(version=draft(w, **extra), user=w.pm)


def sign(w, version):
    return signature_sign(record=version, user=w.lead, password=PASSWORD, party=Party.CLIENT,
                          meaning=SignatureMeaning.APPROVE)


def approved(w, *, signed=True, **extra):
    version = services.plan_version_approve(version=submitted(w, **extra), user=w.lead, comments="同意")
    if signed:
        sign(w, version)
    return version
