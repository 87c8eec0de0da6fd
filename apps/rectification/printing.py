"""表D.1 档案服务外包质量问题整改闭环单 (Annex D) as a PDF, in Chinese whatever the interface
language: it is the standard's form."""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import translation

from apps.accounts.enums import Party

from .enums import SOURCE_PRINTED, TicketSource
from .models import RectificationTicket


@functools.cache
def _engine():
    """A template engine that finds ``reports/base_pdf.html`` and this app's templates; PDF
    templates need no context processors."""
    from pathlib import Path

    import apps.reports
    from django.template.backends.django import DjangoTemplates

    return DjangoTemplates({"NAME": "rectification_pdf", "DIRS": [Path(apps.reports.__file__).parent / "templates"],
                            "APP_DIRS": True, "OPTIONS": {}})


# The boxes of 问题来源 on the form: □巡查 □抽检 □验收 □投诉 □其他. A warranty problem ticks 其他 and
# names 质保 next to it (the standard's form has no box of its own for it).
ANNEX_D_BOXES = (TicketSource.PATROL, TicketSource.SAMPLING, TicketSource.ACCEPTANCE, TicketSource.COMPLAINT,
                 TicketSource.OTHER)


def annex_d_sources(ticket: RectificationTicket) -> list[tuple[str, str, bool]]:
    """(code, printed, ticked) for each box of 问题来源."""
    ticked = TicketSource.OTHER if ticket.source == TicketSource.WARRANTY else ticket.source
    return [(code, SOURCE_PRINTED[ticket.source] if code == ticked else SOURCE_PRINTED[code], code == ticked)
            for code in ANNEX_D_BOXES]


def annex_d_context(ticket: RectificationTicket) -> dict:
    from apps.signatures.selectors import signatures_for

    signatures = signatures_for(ticket)
    return {
        "form_title": "档案服务外包质量问题整改闭环单", "form_code": "表D.1", "doc_no": ticket.doc_no,
        "project": ticket.project, "ticket": ticket, "record": ticket,
        "sources": annex_d_sources(ticket),
        "reviews": list(ticket.reviews.select_related("reviewed_by").order_by("round_no")),
        "client_signatures": [s for s in signatures if s.party == Party.CLIENT],
        "contractor_signatures": [s for s in signatures if s.party == Party.CONTRACTOR],
    }


def annex_d_html(ticket: RectificationTicket, request=None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _engine().get_template("rectification/annex_d_pdf.html").render(annex_d_context(ticket), request)


def annex_d_pdf(ticket: RectificationTicket, *, base_url: str | None = None, request=None) -> bytes:
    from apps.reports.pdf import render_pdf

    return render_pdf(annex_d_html(ticket, request), base_url=base_url)
