"""Helpers that drive tickets through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.enums import Party
from apps.rectification import services
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign
from tests.conftest import PASSWORD


def raise_ticket(w, user=None, **overrides):
    today = timezone.localdate()
    data = dict(source="patrol", found_on=today, title="扫描图像歪斜", severity="general",
                description="巡查发现第3卷扫描图像普遍歪斜超过2°。", requirement="重新纠偏并全检同卷图像。",
                due_date=today + dt.timedelta(days=7))
    data.update(overrides)
    return services.ticket_raise(project=w.project, user=user or w.inspector, **data)


def answer(ticket, w, user=None):
    return services.ticket_submit(ticket=ticket, user=user or w.pm, measures="逐页纠偏，专职质检员全检。",
                                  result="已纠偏，全检合格。")


def review(ticket, w, *, passed=True, user=None, days=5):
    new_due = None if passed else timezone.localdate() + dt.timedelta(days=days)
    return services.ticket_review(ticket=ticket, user=user or w.inspector, passed=passed,
                                  opinion="复核合格。" if passed else "仍有歪斜，重新整改。", new_due_date=new_due)


def sign(ticket, user, party):
    meaning = SignatureMeaning.REVIEW if party == Party.CLIENT else SignatureMeaning.CONFIRM
    return signature_sign(record=ticket, user=user, password=PASSWORD, party=party, meaning=meaning)


def reviewed(w):
    return review(answer(raise_ticket(w), w), w)


def closed(w):
    ticket = reviewed(w)
    sign(ticket, w.inspector, Party.CLIENT)
    sign(ticket, w.pm, Party.CONTRACTOR)
    return services.ticket_close(ticket=ticket, user=w.lead)
