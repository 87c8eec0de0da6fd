"""Demo records for one project (called by the demo_data command).

Needs the project in implementation or acceptance (patrols and key-node checks are refused in
other phases) and the users ``client_lead`` and ``client_inspector`` as project members.

complete=True: the catalogue copied and one limit adapted to the contract, three weekly patrols
(one with problems and requirements), two key-node checks (one not conforming), all in the ledger.
complete=False: the catalogue and one patrol of today.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.inspections import selectors, services
from apps.inspections.models import CheckItem


def load(*, project, users: dict, complete: bool) -> None:
    today = timezone.localdate()
    lead, inspector = users["client_lead"], users["client_inspector"]
    services.catalogue_ensure(project=project)

    def day(days_ago: int) -> dt.date:
        return max(today - dt.timedelta(days=days_ago), project.contract_signed_on)

    services.patrol_create(
        project=project, user=inspector, patrolled_on=today, inspectors=[inspector],
        content="巡查加工现场：操作规范性、档案交接登记、保密措施落实情况。", findings="", requirements="")
    if not complete:
        return

    dpi = CheckItem.objects.filter(project=project, metric="dpi").first()
    if dpi is not None:
        services.check_item_update(item=dpi, user=lead, expected_version=dpi.version, min_value="300",
                                   requirement="≥300dpi（合同约定：彩色件≥300dpi）", reason="按合同第5条约定")
    services.patrol_create(
        project=project, user=inspector, patrolled_on=day(7), inspectors=[inspector, lead],
        content="巡查扫描工位与库房临时存放区。", findings="2号扫描工位档案拆卷后未按原顺序摆放；临时存放区未上锁。",
        requirements="当日恢复原件顺序并复核；临时存放区下班前上锁，专人管理钥匙。")
    services.patrol_create(
        project=project, user=lead, patrolled_on=day(14), inspectors=[lead],
        content="检查项目组人员在岗情况与保密协议签署情况。", findings="", requirements="")
    points = selectors.plan_control_points(project)
    services.key_node_create(
        project=project, user=inspector, node=points[0] if points else "扫描参数设置与首批图像质检",
        checked_on=day(10), inspector=inspector, content="核对扫描分辨率、色彩模式及图像命名规则。",
        result="conforming")
    services.key_node_create(
        project=project, user=inspector, node=points[1] if len(points) > 1 else "数据挂接与成果移交前检查",
        checked_on=day(3), inspector=inspector, content="抽查50条目录与图像挂接关系。", result="nonconforming",
        findings="2条目录与图像错挂。", requirements="全面复核挂接关系，3个工作日内提交复核记录。")
