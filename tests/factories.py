"""factory-boy factories shared by all tests."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from apps.accounts.enums import OrgKind
from apps.accounts.models import Jurisdiction, Organization, User
from apps.accounts.validators import uscc_check_char
from apps.projects.models import Project, ProjectMember

_seq = itertools.count(1)


def make_uscc(n: int) -> str:
    first17 = f"91330100MA{n:07d}"
    return first17 + uscc_check_char(first17)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrgKind.CLIENT
    name = factory.Sequence(lambda n: f"单位{n}")
    uscc = factory.Sequence(lambda n: make_uscc(n + 1000))
    region = "浙江省杭州市"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project created directly (no lifecycle service): for scoping and display tests."""

    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"档案数字化项目{n}")
    contract_no = factory.Sequence(lambda n: f"HT-2026-{n:04d}")
    client = factory.SubFactory(OrganizationFactory, kind=OrgKind.CLIENT)
    contractor = factory.SubFactory(OrganizationFactory, kind=OrgKind.CONTRACTOR)
    service_types = factory.LazyFunction(lambda: ["digitization"])
    contract_signed_on = dt.date(2026, 9, 25)
    start_date = dt.date(2026, 9, 28)
    end_date = dt.date(2027, 9, 27)
    created_by = factory.SubFactory(UserFactory, organization=factory.SelfAttribute("..client"))


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember


def suspension_ground(project):
    """A ground for suspending the project (§5.2.3, §6.3.3): an open security incident reported
    by the contractor's project manager. Returns the incident."""
    from django.utils import timezone

    from apps.accounts.enums import ProjectRole
    from apps.rectification.services import incident_report

    pm = ProjectMember.objects.filter(project=project, role=ProjectRole.CONTRACTOR_PM, is_active=True).first().user
    return incident_report(project=project, user=pm, category="security", title="库房温湿度超标",
                           occurred_at=timezone.now(), description="扫描间空调故障，温度升至32℃。",
                           scale="在扫描的120卷档案。", remedial_action="已停止扫描，档案转移至库房。")


def close_suspension_causes(project, lead):
    """Close the open incidents behind a suspension, so that the project may resume."""
    from apps.rectification.enums import IncidentState
    from apps.rectification.services import incident_close

    for incident in project.incidents.exclude(state=IncidentState.CLOSED):
        incident_close(incident=incident, user=lead, closing_note="空调已修复，档案检查无损。")
