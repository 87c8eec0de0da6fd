"""Helpers that drive project control through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.control import services
from tests.conftest import PASSWORD


def today() -> dt.date:
    return timezone.localdate()


def point(w, user=None, **overrides):
    kwargs = dict(category="archive_security", description="脆化档案扫描时易破损", level="medium",
                  control_measures="先修复后扫描")
    kwargs.update(overrides)
    return services.risk_point_add(project=w.project, user=user or w.lead, **kwargs)


def assess(w, **overrides):
    kwargs = dict(conclusion="启动评估完成")
    kwargs.update(overrides)
    return services.risk_assessment_complete(project=w.project, user=w.lead, **kwargs)


def change(w, user=None, **overrides):
    kwargs = dict(category="quality_standard", title="分辨率调整为400dpi", description="彩色档案400dpi扫描",
                  reason="印章细节不清", quality_impact="清晰度提高，存储量增加")
    kwargs.update(overrides)
    return services.change_request_submit(project=w.project, user=user or w.pm, **kwargs)


def approve(w, cr, **overrides):
    kwargs = dict(password=PASSWORD, opinion="同意")
    kwargs.update(overrides)
    return services.change_request_approve(change_request=cr, user=w.lead, **kwargs)


def meeting(w, user=None, **overrides):
    kwargs = dict(kind="regular", held_on=today(), chair="王建国", attendees="双方项目组",
                  agenda="进度与质量", minutes="一、进度正常。二、偏斜问题需整改。")
    kwargs.update(overrides)
    return services.meeting_record(project=w.project, user=user or w.lead, **kwargs)


def report(w, user=None, **overrides):
    kwargs = dict(period_start=today() - dt.timedelta(days=6), period_end=today(), summary="质量总体稳定")
    kwargs.update(overrides)
    return services.quality_report_prepare(project=w.project, user=user or w.pm, **kwargs)


def stage(w, **overrides):
    kwargs = dict(name="扫描", planned_start=today() - dt.timedelta(days=10), planned_end=today() + dt.timedelta(days=10),
                  planned_quantity=1000)
    kwargs.update(overrides)
    return services.milestone_add(project=w.project, user=w.pm, **kwargs)


def improvement(w, **overrides):
    kwargs = dict(source="inspection", problem_analysis="偏斜缺陷多，原因是装订过紧", target="偏斜缺陷降至20%以下",
                  owner=w.pm, path="拆装订后扫描", deadline=today() + dt.timedelta(days=20),
                  verification_method="对比改进前后抽检统计")
    kwargs.update(overrides)
    return services.improvement_plan_create(project=w.project, user=w.pm, **kwargs)
