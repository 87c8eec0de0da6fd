"""Create the demonstration organisations, users and projects (idempotent).

    python manage.py demo_data
    python manage.py demo_data --extra-projects 20   # a larger set (load benchmark)

Prints the demo logins. Every account's password is DEMO_PASSWORD.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from apps.accounts.enums import OrgKind, ProjectRole
from apps.accounts.models import Jurisdiction, Organization, User
from apps.accounts.validators import uscc_check_char
from apps.core.history import history_context
from apps.projects import services
from apps.projects.enums import Confidentiality, Phase, RiskLevel, ServiceType
from apps.projects.models import Project

DEMO_PASSWORD = "Demo-2026-archqa"
# The preparation steps (issue: §5.1, §8.1) in the order a project goes through them.
PREP_STEPS = ("teams", "qualification", "plans", "disclosure", "first_article")
# Implementation-phase modules, loaded when a demo project enters implementation (事中).
IMPLEMENTATION_STEPS = ("inspections", "sampling", "batches", "lot_inspection")
# Problem handling and project control, loaded after them.
CONTROL_STEPS = ("rectification", "control")
# After implementation, as (step, complete whatever the project's goal): the work finished
# (every batch accepted), the acceptance (its application and review move the project into 验收;
# a project that stays there keeps a failed first round); on entering 质保 the handover (always
# completed) and the warranty service; before closing, the evaluation.
ACCEPTANCE_STEPS = (("completion", True), ("acceptance", False))
WARRANTY_STEPS = (("handover", True), ("warranty", False))
EVALUATION_STEPS = (("evaluation", False),)


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


ORGS = [
    ("client", OrgKind.CLIENT, "杭州市档案馆", uscc("12330100470000000"), "浙江省杭州市"),
    ("contractor_a", OrgKind.CONTRACTOR, "浙江汇档数字科技有限公司", uscc("91330106MA2B00001"), "浙江省杭州市"),
    ("contractor_b", OrgKind.CONTRACTOR, "江南档案服务有限公司", uscc("91330205MA2C00002"), "浙江省宁波市"),
    ("regulator", OrgKind.REGULATOR, "浙江省档案局", uscc("11330000002482000"), "浙江省"),
    ("other_client", OrgKind.CLIENT, "苏州市档案馆", uscc("12320500466000000"), "江苏省苏州市"),
]

# username, org key, name, project roles used below, staff
USERS = [
    ("admin", None, "系统管理员", True),
    ("client_lead", "client", "王建国", False),
    ("client_inspector", "client", "李秀英", False),
    ("acceptance_member", "client", "张明", False),
    ("expert", "other_client", "刘䶮", False),
    ("contractor_pm", "contractor_a", "陈志强", False),
    ("special_inspector", "contractor_a", "赵丽", False),
    ("operator", "contractor_a", "孙伟", False),
    ("security_officer", "contractor_a", "周敏", False),
    ("contractor_b_pm", "contractor_b", "吴刚", False),
    ("contractor_b_inspector", "contractor_b", "冯强", False),
    ("contractor_b_operator", "contractor_b", "何静", False),
    ("contractor_b_security", "contractor_b", "许婷", False),
    ("regulator", "regulator", "郑华", False),
]


class Command(BaseCommand):
    help = "Create demo organisations, users for every role and projects in several phases."

    def add_arguments(self, parser):
        parser.add_argument("--extra-projects", type=int, default=0, metavar="N",
                            help="Also N projects in implementation, with their batches, checks, inspections and "
                                 "tickets, shared by both contractors (a larger set for load tests).")

    def handle(self, *args, **options):
        with transaction.atomic(), history_context(reason="演示数据"):
            orgs = self._orgs()
            users = self._users(orgs)
            self._projects(orgs, users)
            self._extra_projects(orgs, users, options.get("extra_projects") or 0)
            self._shared_services(orgs, users)
        self._print_logins()

    def _orgs(self) -> dict[str, Organization]:
        orgs = {}
        for key, kind, name, code, region in ORGS:
            orgs[key], _ = Organization.objects.get_or_create(name=name, defaults={"kind": kind, "uscc": code,
                                                                                  "region": region})
        Jurisdiction.objects.get_or_create(regulator=orgs["regulator"], client=orgs["client"])
        return orgs

    def _users(self, orgs) -> dict[str, User]:
        users = {}
        for username, org_key, name, staff in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, name=name, email=f"{username}@example.cn",
                            organization=orgs.get(org_key), is_staff=staff, is_superuser=staff)
                user.set_password(DEMO_PASSWORD)
                user.save()
            users[username] = user
        return users

    def _projects(self, orgs, users) -> None:
        specs = [
            # (name, contract no., contractor, service types, risk, confidentiality, target phase,
            #  days since signing, preparation steps done, the step it is stuck at)
            ("馆藏民国档案数字化加工项目（一期）", "HZDA-2026-001", "contractor_a", [ServiceType.DIGITIZATION],
             RiskLevel.MEDIUM, Confidentiality.ORDINARY, Phase.PREPARATION, -3, PREP_STEPS, None),
            ("婚姻登记档案数字化", "HZDA-2026-011", "contractor_a", [ServiceType.DIGITIZATION], RiskLevel.LOW,
             Confidentiality.ORDINARY, Phase.PREPARATION, -2, (), "qualification"),
            ("城建档案整理", "HZDA-2026-012", "contractor_a", [ServiceType.ARRANGEMENT], RiskLevel.MEDIUM,
             Confidentiality.ORDINARY, Phase.PREPARATION, -8, ("teams", "qualification"), "plans"),
            ("会计档案数字化", "HZDA-2026-013", "contractor_a", [ServiceType.DIGITIZATION], RiskLevel.LOW,
             Confidentiality.ORDINARY, Phase.PREPARATION, -10, (), "teams"),
            ("照片档案数字化", "HZDA-2026-014", "contractor_a", [ServiceType.DIGITIZATION], RiskLevel.MEDIUM,
             Confidentiality.ORDINARY, Phase.PREPARATION, -12, ("teams", "qualification", "plans"), "disclosure"),
            ("声像档案数字化", "HZDA-2026-015", "contractor_a", [ServiceType.DIGITIZATION], RiskLevel.MEDIUM,
             Confidentiality.ORDINARY, Phase.PREPARATION, -15, ("teams", "qualification", "plans", "disclosure"),
             "first_article"),
            ("机关文书档案整理及目录数据录入", "HZDA-2026-002", "contractor_a",
             [ServiceType.ARRANGEMENT, ServiceType.DATA_PROCESSING], RiskLevel.LOW, Confidentiality.ORDINARY,
             Phase.IMPLEMENTATION, -60, PREP_STEPS, None),
            ("涉密档案数字化及 OCR 处理", "HZDA-2026-003", "contractor_a",
             [ServiceType.DIGITIZATION, ServiceType.DATA_PROCESSING], RiskLevel.HIGH, Confidentiality.CLASSIFIED,
             Phase.ACCEPTANCE, -150, PREP_STEPS, None),
            ("库房档案搬迁服务", "HZDA-2025-017", "contractor_b", [ServiceType.RELOCATION], RiskLevel.HIGH,
             Confidentiality.ORDINARY, Phase.WARRANTY, -300, PREP_STEPS, None),
            ("科技档案数字化（2025 年度）", "HZDA-2025-009", "contractor_a", [ServiceType.DIGITIZATION],
             RiskLevel.MEDIUM, Confidentiality.ORDINARY, Phase.CLOSED, -290, PREP_STEPS, None),
            ("档案寄存服务（2026 年度）", "HZDA-2026-004", "contractor_b", [ServiceType.STORAGE], RiskLevel.MEDIUM,
             Confidentiality.ORDINARY, Phase.SUSPENDED, -90, PREP_STEPS, None),
        ]
        for spec in specs:
            self._project(orgs, users, *spec)

    def _extra_projects(self, orgs, users, count: int) -> None:
        """``count`` more projects in implementation, every second one with the other contractor."""
        kinds = ["文书", "科技", "会计", "人事", "照片", "基建", "诉讼", "婚姻登记"]
        for i in range(1, count + 1):
            self._project(orgs, users, f"{1950 + i}年{kinds[i % len(kinds)]}档案数字化", f"HZDA-2026-X{i:03d}",
                          "contractor_a" if i % 2 else "contractor_b", [ServiceType.DIGITIZATION],
                          RiskLevel.MEDIUM, Confidentiality.ORDINARY, Phase.IMPLEMENTATION, -60 - i, PREP_STEPS, None)

    def _project(self, orgs, users, name, contract_no, contractor_key, types, risk, conf, target, signed_offset,
                 done, stuck) -> None:
        if Project.objects.filter(client=orgs["client"], contract_no=contract_no).exists():
            return
        lead = users["client_lead"]
        signed = timezone.localdate() + dt.timedelta(days=signed_offset)
        # The closed demo project had a one-month warranty, so that it can be concluded and closed today.
        project = services.project_create(
            user=lead, name=name, contract_no=contract_no, contractor=orgs[contractor_key], service_types=types,
            risk_level=risk, confidentiality=conf, contract_signed_on=signed, start_date=signed,
            end_date=signed + dt.timedelta(days=365), quality_threshold=Decimal("95.00"),
            warranty_months=1 if target == Phase.CLOSED else 12)
        self._team(project, users, contractor_key)
        self._preparation(project, users, contractor_key, done, stuck)
        self._advance_to(project, lead, target, users=users, contractor_key=contractor_key)

    def _preparation(self, project, users, contractor_key, done, stuck) -> None:
        """Each preparation module's own demo: the steps ``done`` completed (gates met through the
        real records and signatures), the step ``stuck`` started but not finished."""
        from importlib import import_module

        demo_users = self._demo_users(users, contractor_key)
        for step in PREP_STEPS:
            if step in done or step == stuck:
                import_module(f"apps.demo.steps.{step}").load(project=project, users=demo_users, complete=step in done)

    @staticmethod
    def _demo_users(users, contractor_key) -> dict:
        demo_users = dict(users)
        if contractor_key == "contractor_b":
            demo_users.update(contractor_pm=users["contractor_b_pm"],
                              special_inspector=users["contractor_b_inspector"],
                              operator=users["contractor_b_operator"],
                              security_officer=users["contractor_b_security"])
        return demo_users

    def _implementation(self, project, users, contractor_key, *, complete: bool) -> None:
        """The implementation modules' demos (patrols, sampling settings, batches with their
        three-level records, sampling inspections), on entering implementation; then problem
        handling: every ticket closed when the project goes on (``complete``), open work otherwise."""
        from importlib import import_module

        demo_users = self._demo_users(users, contractor_key)
        for step in IMPLEMENTATION_STEPS:
            # The switching log is fed by the real sampling inspections, not sampling's demo lots.
            import_module(f"apps.demo.steps.{step}").load(project=project, users=demo_users, complete=step != "sampling")
        project.refresh_from_db()
        for step in CONTROL_STEPS:
            import_module(f"apps.demo.steps.{step}").load(project=project, users=demo_users, complete=complete)
        project.refresh_from_db()

    def _team(self, project, users, contractor_key) -> None:
        lead = users["client_lead"]
        services.member_add(project=project, actor=lead, user=users["client_inspector"],
                            role=ProjectRole.CLIENT_INSPECTOR)
        services.member_add(project=project, actor=lead, user=users["acceptance_member"],
                            role=ProjectRole.ACCEPTANCE_MEMBER)
        services.member_add(project=project, actor=lead, user=users["expert"], role=ProjectRole.ACCEPTANCE_EXPERT)
        if contractor_key == "contractor_a":
            for username, role in [("contractor_pm", ProjectRole.CONTRACTOR_PM),
                                   ("special_inspector", ProjectRole.CONTRACTOR_INSPECTOR),
                                   ("operator", ProjectRole.CONTRACTOR_OPERATOR),
                                   ("security_officer", ProjectRole.SECURITY_OFFICER)]:
                services.member_add(project=project, actor=lead, user=users[username], role=role)
        else:
            for username, role in [("contractor_b_pm", ProjectRole.CONTRACTOR_PM),
                                   ("contractor_b_inspector", ProjectRole.CONTRACTOR_INSPECTOR),
                                   ("contractor_b_operator", ProjectRole.CONTRACTOR_OPERATOR),
                                   ("contractor_b_security", ProjectRole.SECURITY_OFFICER)]:
                services.member_add(project=project, actor=lead, user=users[username], role=role)

    def _advance_to(self, project, lead, target, *, users, contractor_key) -> None:
        """Walk the project through the lifecycle as a client lead would. The records behind each
        gate come from the modules' own demo steps; only a gate without a module yet (the project
        documents' handover, §9.2) is met by the paper record it still accepts."""
        from apps.projects.enums import PHASE_ORDER
        from apps.projects.gates import registry

        goal = Phase.IMPLEMENTATION if target == Phase.SUSPENDED else target
        while project.phase != goal:
            if project.phase == Phase.IMPLEMENTATION:
                # The contractor applies for acceptance; the client's review moves the project on.
                self._after(project, users, contractor_key, ACCEPTANCE_STEPS, complete=goal != Phase.ACCEPTANCE)
                project.refresh_from_db()
                continue
            nxt = PHASE_ORDER[PHASE_ORDER.index(project.phase) + 1]
            if nxt == Phase.CLOSED:
                self._after(project, users, contractor_key, EVALUATION_STEPS, complete=True)
            for result in registry.unmet(project, nxt):
                if result.gate.is_pending:
                    services.gate_attest(project=project, user=lead, gate=result.gate.code,
                                         reference=f"纸质记录 {project.contract_no}-{result.gate.code}",
                                         note="演示数据：线下已完成")
            project = services.project_advance(project=project, user=lead)
            if project.phase == Phase.IMPLEMENTATION:
                self._implementation(project, users, contractor_key,
                                     complete=target not in (Phase.IMPLEMENTATION, Phase.SUSPENDED))
                project.refresh_from_db()
            elif project.phase == Phase.WARRANTY:
                self._after(project, users, contractor_key, WARRANTY_STEPS, complete=goal == Phase.CLOSED)
                if goal == Phase.WARRANTY:  # evaluated within 3 months of the acceptance, still in warranty
                    self._after(project, users, contractor_key, EVALUATION_STEPS, complete=True)
                project.refresh_from_db()
        if target == Phase.SUSPENDED:
            from apps.rectification import services as problem_services
            from apps.demo.steps.rectification import ground_for_suspension

            ground_for_suspension(project=project, users=self._demo_users(users, contractor_key))
            problem_services.project_suspend(project=project, user=lead, reason="承包方拒不整改，暂停项目（演示）",
                                             report_to_regulator=True)
            # §5.2.3 追究违约责任: the refusal is a breach of contract, in the contractor's record.
            from apps.evaluation.enums import BreachGround
            from apps.evaluation.services import breach_record

            breach_record(project=project, user=lead, ground=BreachGround.REFUSED_RECTIFICATION,
                          description="承包方对整改通知拒不整改，经书面催告仍未整改，项目已暂停（演示）。",
                          occurred_on=timezone.localdate(), reference="整改通知书")

    def _after(self, project, users, contractor_key, steps, *, complete: bool) -> None:
        """The demos of acceptance, handover, warranty and evaluation (事后控制, 评估改进)."""
        from importlib import import_module

        demo_users = self._demo_users(users, contractor_key)
        for step, always_complete in steps:
            import_module(f"apps.demo.steps.{step}").load(project=project, users=demo_users,
                                                          complete=complete or always_complete)
            project.refresh_from_db()

    def _shared_services(self, orgs, users) -> None:
        """Deadlines (one overdue and escalated, one due soon), the reminders the scan sends for
        them, and a contract scan attached to a project."""
        from django.core.files.base import ContentFile

        from apps.attachments.models import Attachment
        from apps.attachments.services import attachment_add
        from apps.deadlines.models import Deadline
        from apps.deadlines.services import deadline_create
        from apps.deadlines.tasks import scan_deadlines

        lead = users["client_lead"]
        project = Project.objects.get(client=orgs["client"], contract_no="HZDA-2026-002")
        today = timezone.localdate()
        if not Deadline.objects.filter(project=project, kind="rectification").exists():
            deadline_create(record=project, project=project, kind="rectification",
                            title="整改：第3批次图像偏斜超标（演示）", base_date=today - dt.timedelta(days=20),
                            amount=5, counting="working_days", responsible_org=orgs["contractor_a"],
                            responsible_user=users["contractor_pm"], escalate_to_regulator=True, user=lead)
            deadline_create(record=project, project=project, kind="weekly_patrol", title="本周巡查（演示）",
                            base_date=today, amount=2, counting="calendar_days", responsible_org=orgs["client"],
                            responsible_user=users["client_inspector"], user=lead)
        scan_deadlines()

        first = Project.objects.get(client=orgs["client"], contract_no="HZDA-2026-001")
        if not Attachment.objects.filter(project=first).exists():
            from apps.reports.pdf import render_pdf

            pdf = render_pdf("<h1>服务外包合同（扫描件，演示）</h1><p>合同编号 HZDA-2026-001，发包方 杭州市档案馆，"
                             "承包方 浙江汇档数字科技有限公司。</p>")
            attachment_add(record=first, project=first, user=lead, kind="scan",
                           uploaded_file=ContentFile(pdf, name="服务外包合同扫描件.pdf"))

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write("演示账号 / demo logins (password for all: %s)" % DEMO_PASSWORD)
        for username, org_key, name, staff in USERS:
            org = dict((k, n) for k, _, n, _, _ in ORGS).get(org_key, "平台管理员 / platform administrator")
            self.stdout.write(f"  {username:<24} {name:<6} {org}")
