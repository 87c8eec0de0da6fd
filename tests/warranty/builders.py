"""Helpers for the warranty: a project accepted on a given day (without the acceptance app), a
clock set to a day, and warranty problems driven through the services."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine

from apps.accounts.enums import Party
from apps.rectification import services
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign
from tests.conftest import PASSWORD
from tests.handover.builders import accept  # noqa: F401 - the same acceptance for both apps

ACCEPTED = dt.date(2027, 8, 31)  # a Tuesday, the 31st
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def on(day: dt.date, hour: int = 10):
    """The clock at ``hour`` o'clock (Beijing time) on ``day``."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False)


def report(w, user=None, **overrides):
    from django.utils import timezone

    data = dict(found_on=timezone.localdate(), title="部分图像无法打开", severity="serious",
                description="利用时发现第12卷有8幅图像文件损坏，无法打开。",
                requirement="重新扫描损坏图像并替换移交数据，排查同批次文件完整性。")
    data.update(overrides)
    return services.warranty_ticket_raise(project=w.project, user=user or w.inspector, **data)


def respond(ticket, w, user=None):
    return services.ticket_respond(ticket=ticket, user=user or w.pm, plan="2个工作日内到场重扫损坏图像并全检第12卷。")


def close(ticket, w):
    """Respond (if needed), rectify, pass the review, sign by both parties and close."""
    if ticket.awaits_response:
        ticket = respond(ticket, w)
    ticket = services.ticket_submit(ticket=ticket, user=w.pm, measures="重新扫描8幅图像并替换。", result="已替换，全卷检查无损坏。")
    ticket = services.ticket_review(ticket=ticket, user=w.inspector, passed=True, opinion="复核合格。")
    signature_sign(record=ticket, user=w.inspector, password=PASSWORD, party=Party.CLIENT,
                   meaning=SignatureMeaning.REVIEW)
    signature_sign(record=ticket, user=w.pm, password=PASSWORD, party=Party.CONTRACTOR,
                   meaning=SignatureMeaning.CONFIRM)
    return services.ticket_close(ticket=ticket, user=w.lead)
