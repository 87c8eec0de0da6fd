"""Demo records of the warranty (§6.5.3) for one accepted project (in the warranty phase).

Records the acceptance if nobody did (as the handover step does). One problem reported in the
warranty by the client's inspector, a ticket of source 质保: complete=True — the contractor
responded, rectified, the review passed, both parties signed and the ticket is closed;
complete=False — the contractor responded with its planned measures and is rectifying. With
complete=True and the warranty in its last month, the client lead also concludes the follow-up.
"""

from __future__ import annotations

from django.utils import timezone

from apps.accounts.enums import Party
from apps.rectification import services
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign

from .handover import DEMO_PASSWORD, ensure_accepted


def load(*, project, users: dict, complete: bool) -> None:
    lead, inspector, pm = users["client_lead"], users["client_inspector"], users["contractor_pm"]
    project = ensure_accepted(project=project, users=users, working_days_ago=5)
    ticket = services.warranty_ticket_raise(
        project=project, user=inspector, found_on=timezone.localdate(), title="部分数字化图像无法打开",
        severity="serious", description="档案利用时发现第12卷有8幅 TIFF 图像文件损坏，无法打开。",
        requirement="重新扫描损坏图像，替换移交数据，并排查同批次图像文件完整性。")
    ticket = services.ticket_respond(ticket=ticket, user=pm,
                                     plan="2个工作日内派员到馆重扫第12卷损坏图像，并用校验工具全检同批次文件。")
    if not complete:
        return
    ticket = services.ticket_submit(ticket=ticket, user=pm, measures="重扫8幅损坏图像，替换移交硬盘中的文件，校验同批次全部图像。",
                                    result="损坏图像已替换，同批次1200卷图像校验无损坏。")
    ticket = services.ticket_review(ticket=ticket, user=inspector, passed=True, opinion="抽查替换图像可正常打开，复核合格。")
    signature_sign(record=ticket, user=inspector, password=DEMO_PASSWORD, party=Party.CLIENT,
                   meaning=SignatureMeaning.REVIEW)
    signature_sign(record=ticket, user=pm, password=DEMO_PASSWORD, party=Party.CONTRACTOR,
                   meaning=SignatureMeaning.CONFIRM)
    services.ticket_close(ticket=ticket, user=lead)
    # A warranty in its last month (the closed demo project has a one-month warranty): the client
    # lead concludes the follow-up (质保期满确认), which closing the project needs.
    from apps.warranty.selectors import conclusion_refusal
    from apps.warranty.services import warranty_conclude

    if conclusion_refusal(project) is None:
        warranty_conclude(project=project, user=lead,
                          assessment="质保期内承包方响应及时，质保问题均按期整改并复核合格，质保服务符合合同约定。")
