"""Shared people: one user per role on one project, plus outsiders.

``world`` builds: a client archive (with lead, inspector, acceptance member), its contractor
(PM, special inspector, operator, security officer), a regulator with jurisdiction over the
client, another contractor and an unrelated regulator (outsiders), and one project.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from apps.accounts.enums import OrgKind, ProjectRole
from apps.projects import services

from .factories import JurisdictionFactory, OrganizationFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb,
                    django_db_modify_db_settings):
    """Each worker's test database is a clone of one migrated template (tests/db_template.py)."""
    from django.db import connections

    from .db_template import setup_test_database, teardown_test_database

    original = connections["default"].settings_dict["NAME"]
    with django_db_blocker.unblock():
        name = setup_test_database("default")
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_test_database("default", name, original)


@pytest.fixture
def world(db):
    client_org = OrganizationFactory(kind=OrgKind.CLIENT, name="杭州市档案馆")
    contractor = OrganizationFactory(kind=OrgKind.CONTRACTOR, name="汇档数字科技有限公司")
    other_contractor = OrganizationFactory(kind=OrgKind.CONTRACTOR, name="其他档案服务公司")
    regulator_org = OrganizationFactory(kind=OrgKind.REGULATOR, name="浙江省档案局")
    other_regulator = OrganizationFactory(kind=OrgKind.REGULATOR, name="江苏省档案局")
    JurisdictionFactory(regulator=regulator_org, client=client_org)

    w = SimpleNamespace(client_org=client_org, contractor=contractor, other_contractor=other_contractor,
                        regulator_org=regulator_org)
    w.lead = UserFactory(username="lead", name="王建国", organization=client_org)
    w.inspector = UserFactory(username="inspector", name="李秀英", organization=client_org)
    w.acceptance = UserFactory(username="acceptance", name="张明", organization=client_org)
    w.pm = UserFactory(username="pm", name="陈志强", organization=contractor)
    w.special = UserFactory(username="special", name="赵丽", organization=contractor)
    w.operator = UserFactory(username="operator", name="孙伟", organization=contractor)
    w.security = UserFactory(username="security", name="周敏", organization=contractor)
    w.regulator = UserFactory(username="regulator", name="郑华", organization=regulator_org)
    w.outsider = UserFactory(username="outsider", name="外人", organization=other_contractor)
    w.other_regulator = UserFactory(username="other_regulator", name="钱七", organization=other_regulator)

    w.project = services.project_create(
        user=w.lead, name="民国档案数字化", contract_no="HZ-2026-001", contractor=contractor,
        service_types=["digitization"], risk_level="medium", confidentiality="ordinary",
        contract_signed_on=dt.date(2026, 9, 25), start_date=dt.date(2026, 9, 28), end_date=dt.date(2027, 9, 27))
    for user, role in [(w.inspector, ProjectRole.CLIENT_INSPECTOR), (w.acceptance, ProjectRole.ACCEPTANCE_MEMBER),
                       (w.pm, ProjectRole.CONTRACTOR_PM), (w.special, ProjectRole.CONTRACTOR_INSPECTOR),
                       (w.operator, ProjectRole.CONTRACTOR_OPERATOR), (w.security, ProjectRole.SECURITY_OFFICER)]:
        services.member_add(project=w.project, actor=w.lead, user=user, role=role)
    w.project.refresh_from_db()
    return w


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def pending_gates():
    """Every gate but the projects app's own back to 'pending' (met by paper attestation), so that
    lifecycle tests exercise the registry without the records of the modules behind each gate."""
    from apps.projects.gates import registry

    saved = {g.code: (g.check, g.evidence) for g in registry.all()}
    for gate in registry.all():
        if gate.provided_by != "projects":
            gate.check = None
            gate.evidence = None
    yield registry
    for gate in registry.all():
        gate.check, gate.evidence = saved[gate.code]


@pytest.fixture
def english(client, settings):
    """Messages in English, the interface's second language: for tests that read message texts.
    The Chinese default is covered by tests/test_i18n.py and the page tests."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def record_rule():
    """``record_rule(Model, add=predicate, download=predicate, message=…)``: narrow attaching to
    and seeing the files of ``Model``'s records with a rule for the length of one test."""
    import rules as django_rules

    from apps.attachments import registry
    from apps.core.permissions import rule

    added = []

    def _register(model, *, add=None, download=None, message=None):
        label = model._meta.label_lower
        saved = (registry._add_rules.get(label), registry._download_rules.get(label))
        names = {}
        for kind, predicate in (("add", add), ("download", download)):
            if predicate is not None:
                name = f"attachments.test_{kind}_{label.replace('.', '_')}"
                rule(name, predicate, message)
                names[kind] = name
                added.append(name)
        registry.attachment_rules(model, **names)
        added.append((label, saved))

    yield _register
    from apps.attachments import registry as reg

    for item in reversed(added):
        if isinstance(item, tuple):
            label, (add_name, download_name) = item
            for table, name in ((reg._add_rules, add_name), (reg._download_rules, download_name)):
                if name is None:
                    table.pop(label, None)
                else:
                    table[label] = name
        elif django_rules.rule_exists(item):
            django_rules.remove_rule(item)
