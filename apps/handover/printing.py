"""移交清单 (the handover list of §6.5.2) as a PDF in the style of the annex forms, with both
parties' signatures; printed in Chinese whatever the interface language (the form's words are
written in the template, the kinds and media as ``KIND_PRINTED`` / ``MEDIUM_PRINTED``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party

from .enums import HandoverState, LineKind, LineStatus
from .models import Handover, HandoverLine

FORM_CODE = "handover_list"
STATUS_PRINTED = {LineStatus.PENDING: "待确认", LineStatus.CONFIRMED: "已确认", LineStatus.REFUSED: "未确认"}


def handover_list_context(handover: Handover) -> dict:
    from apps.signatures.selectors import signatures_for

    lines = list(handover.lines.select_related("decided_by").order_by("position"))
    signatures = signatures_for(handover)
    groups = []
    for kind in LineKind.values:
        rows = [line for line in lines if line.kind == kind]
        if rows:
            groups.append({"kind": rows[0].kind_printed, "lines": [
                {"line": line, "status": STATUS_PRINTED[line.status]} for line in rows]})
    return {
        "form_code": "移交清单", "doc_no": handover.doc_no, "project": handover.project, "handover": handover,
        "record": handover, "groups": groups, "total": len(lines),
        "confirmed": sum(1 for line in lines if line.status == LineStatus.CONFIRMED),
        "handed_over": handover.state == HandoverState.SIGNED,
        "client_signatures": [s for s in signatures if s.party == Party.CLIENT],
        "contractor_signatures": [s for s in signatures if s.party == Party.CONTRACTOR],
    }


def register_forms() -> None:
    from apps.reports.registry import FormSpec, forms

    forms.register(FormSpec(
        code=FORM_CODE, title=_("Handover list of results (移交清单)"), model=Handover,
        template="handover/pdf/handover_list.html", context=handover_list_context, project=lambda h: h.project,
        filename=lambda h: f"成果移交清单-{h.project.contract_no}.pdf",
        watch={Handover: lambda h: h, HandoverLine: lambda line: line.handover}))
