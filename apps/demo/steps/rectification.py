"""Demo records of problem handling for one project (called by the demo_data command, after the
implementation modules' demos).

complete=True (a project that goes on to acceptance): every ticket raised so far — e.g. the one
the not-accepted batch of the sampling inspection raised by itself — is rectified, reviewed (the
first answer fails once), signed by both parties and closed, so the ``no_open_tickets`` gate is met.
complete=False (a project shown in implementation): the automatic ticket stays open for the
contractor; a notice raised from a patrol awaits the client's review; a complaint's notice was
failed once and is back with the contractor; a quality incident was reported and acknowledged.

``ground_for_suspension`` gives the suspended demo project its cause: a notice the contractor
refused in writing (§5.2.3 拒不整改).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.enums import Party
from apps.core.calendar import add_working_days
from apps.rectification import services
from apps.rectification.enums import TicketState
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign

# The demo accounts' password (the demo_data command's DEMO_PASSWORD; not imported from the
# command, which imports these steps).
DEMO_PASSWORD = "Demo-2026-archqa"


def _close(ticket, users) -> None:
    """Answer, review (failed once, then passed), sign by both parties and close one ticket."""
    pm, inspector, lead = users["contractor_pm"], users["client_inspector"], users["client_lead"]
    today = timezone.localdate()
    if ticket.state in (TicketState.OPEN, TicketState.REFUSED):
        ticket = services.ticket_submit(ticket=ticket, user=pm, measures="对问题件逐件返工，并对同批次全部档案复查同类缺陷。",
                                        result="问题件已全部返工，复查未发现同类缺陷。")
    ticket = services.ticket_review(ticket=ticket, user=inspector, passed=False,
                                    opinion="抽查3件仍有1件页码不连续，请继续整改。",
                                    new_due_date=add_working_days(today, 3))
    ticket = services.ticket_submit(ticket=ticket, user=pm, measures="补扫缺页并重新核对页码，专职质检员全检。",
                                    result="缺页已补扫，页码连续，专职质检员全检合格。")
    ticket = services.ticket_review(ticket=ticket, user=inspector, passed=True, opinion="复核合格，同意销号。")
    signature_sign(record=ticket, user=inspector, password=DEMO_PASSWORD, party=Party.CLIENT,
                   meaning=SignatureMeaning.REVIEW)
    signature_sign(record=ticket, user=pm, password=DEMO_PASSWORD, party=Party.CONTRACTOR,
                   meaning=SignatureMeaning.CONFIRM)
    services.ticket_close(ticket=ticket, user=lead)


def load(*, project, users: dict, complete: bool) -> None:
    lead, inspector = users["client_lead"], users["client_inspector"]
    pm = users["contractor_pm"]
    today = timezone.localdate()
    if complete:
        for ticket in project.rectification_tickets.filter(
                state__in=[TicketState.OPEN, TicketState.SUBMITTED]).order_by("number"):
            _close(ticket, users)
        return

    patrol = project.patrols.order_by("-patrolled_on").first() if hasattr(project, "patrols") else None
    ticket = services.ticket_raise(
        project=project, user=inspector, source="patrol", found_on=today - dt.timedelta(days=3),
        title="扫描工位档案未按规定登记出入", severity="serious",
        description="巡查发现扫描工位有3卷档案未在出入库登记簿登记，现场无交接签字。",
        requirement="立即补登记并核对实体档案数量；对全体操作人员重申档案交接制度，一周内提交整改报告。",
        due_date=add_working_days(today, 5), source_record=patrol)
    services.ticket_submit(ticket=ticket, user=pm, measures="已补登记3卷档案的出入记录，组织全员学习交接制度并签字确认。",
                           result="实体档案与登记簿逐卷核对一致，培训签到表见附件。")

    complaint, ticket = services.complaint_register(
        project=project, user=lead, complainant="档案利用者 刘先生", received_on=today - dt.timedelta(days=6),
        channel="电话", severity="general",
        content="利用查档时发现数字化图像多页歪斜，影响阅读。",
        requirement="对投诉涉及的案卷重新纠偏处理，并排查同类问题。", due_date=add_working_days(today, 8))
    services.ticket_submit(ticket=ticket, user=pm, measures="对涉及案卷图像重新纠偏。", result="已完成纠偏。")
    services.ticket_review(ticket=ticket, user=inspector, passed=False,
                           opinion="仅处理了投诉涉及的案卷，未排查同批次同类问题，请补充排查。",
                           new_due_date=add_working_days(today, 4))

    incident = services.incident_report(
        project=project, user=users.get("security_officer") or pm, category="quality",
        title="OCR 服务器硬盘故障导致部分数据需重新处理", occurred_at=timezone.now() - dt.timedelta(hours=20),
        description="OCR 服务器一块硬盘故障，RAID 降级，当日处理的约 1,200 页识别结果未能写入。",
        scale="约 1,200 页识别数据，不涉及原始图像和实体档案。",
        remedial_action="已更换硬盘并重建阵列，从原始图像重新识别，数据校验进行中。")
    services.incident_acknowledge(incident=incident, user=lead,
                                  instructions="重新识别完成后提交校验报告；本周内对存储设备进行一次全面检查。")


def ground_for_suspension(*, project, users: dict):
    """A written notice the contractor refuses to rectify: a ground for suspending the project."""
    inspector, pm = users["client_inspector"], users["contractor_pm"]
    today = timezone.localdate()
    ticket = services.ticket_raise(
        project=project, user=inspector, source="patrol", found_on=today - dt.timedelta(days=10),
        title="寄存库房温湿度长期超标", severity="serious",
        description="巡查发现寄存库房连续两周相对湿度超过65%，未见除湿措施和温湿度记录。",
        requirement="立即启用除湿设备，按日记录温湿度，并对寄存档案进行霉变排查。",
        due_date=add_working_days(today, 2))
    return services.ticket_refuse(ticket=ticket, user=pm, reason="合同未约定除湿设备费用，需另行签订补充协议后方可实施。")
