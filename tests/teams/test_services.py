import datetime as dt

import pytest
from django.utils import timezone

from apps.accounts.enums import Party, ProjectRole
from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.enums import DeadlineState
from apps.deadlines.models import Deadline
from apps.signatures.services import signature_sign
from apps.teams import selectors, services
from apps.teams.enums import CertificateLevel, ChangeStatus, FilingStatus, TrainingResult
from apps.teams.models import StaffFiling
from tests.conftest import PASSWORD
from tests.factories import UserFactory

from .builders import approve_all, complete_fields, file_person

# ---------------------------------------------------------------- filing

def test_pm_files_and_inspector_approves(world):
    filing = file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR)
    assert filing.status == FilingStatus.SUBMITTED
    assert not selectors.is_approved_staff(world.operator, world.project)
    services.staff_filing_approve(filing=filing, user=world.inspector)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED and filing.decided_by == world.inspector
    assert selectors.is_approved_staff(world.operator, world.project)
    last = filing.history.first()
    assert last.history_user == world.inspector and last.history_change_reason == "Filing approved"


def test_key_post_without_valid_certificate_cannot_be_approved(world):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    filing = file_person(world, world.special, ProjectRole.CONTRACTOR_INSPECTOR,
                         cert_valid_from=yesterday - dt.timedelta(days=400), cert_valid_until=yesterday)
    with pytest.raises(DomainError, match="key post"):
        services.staff_filing_approve(filing=filing, user=world.lead)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_operator_without_certificate_can_be_approved_but_needs_proofs(world):
    filing = file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR, cert_level=CertificateLevel.NONE,
                         cert_name="", cert_number="", no_criminal_record=False,
                         training_result=TrainingResult.PENDING, confidentiality_signed_on=None)
    with pytest.raises(DomainError) as exc:
        services.staff_filing_approve(filing=filing, user=world.lead)
    assert len(exc.value.details) == 3
    services.staff_filing_update(filing=filing, user=world.pm, no_criminal_record=True,
                                 training_result=TrainingResult.PASSED, confidentiality_signed_on=timezone.localdate())
    assert services.staff_filing_approve(filing=filing, user=world.lead).status == FilingStatus.APPROVED


def test_contractor_cannot_approve_own_filing(world):
    filing = file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR)
    with pytest.raises(PermissionDenied):
        services.staff_filing_approve(filing=filing, user=world.pm)


@pytest.mark.parametrize("who", ["lead", "inspector", "special", "regulator", "outsider"])
def test_only_contractor_pm_files_staff(world, who):
    with pytest.raises(PermissionDenied):
        services.staff_filing_create(project=world.project, user=getattr(world, who), person=world.operator,
                                     role=ProjectRole.CONTRACTOR_OPERATOR, **complete_fields())


def test_filing_bad_input(world):
    with pytest.raises(DomainError):  # a client person
        services.staff_filing_create(project=world.project, user=world.pm, person=world.inspector,
                                     role=ProjectRole.CONTRACTOR_OPERATOR, **complete_fields())
    with pytest.raises(DomainError):  # a client role
        services.staff_filing_create(project=world.project, user=world.pm, person=world.operator,
                                     role=ProjectRole.CLIENT_LEAD, **complete_fields())
    with pytest.raises(DomainError, match="validity"):
        file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR,
                    cert_valid_from=dt.date(2026, 5, 1), cert_valid_until=dt.date(2026, 1, 1))
    with pytest.raises(DomainError):
        file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR, status=FilingStatus.APPROVED)
    file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR)
    with pytest.raises(DomainError, match="already has an open filing"):
        file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR)
    assert StaffFiling.objects.count() == 1


def test_reject_then_resubmit_and_illegal_transitions(world):
    filing = file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR)
    with pytest.raises(DomainError, match="reason"):
        services.staff_filing_reject(filing=filing, user=world.lead, reason="  ")
    services.staff_filing_reject(filing=filing, user=world.lead, reason="证书扫描件不清晰")
    with pytest.raises(DomainError) as exc:
        services.staff_filing_approve(filing=filing, user=world.lead)
    assert exc.value.code == "illegal_transition"
    services.staff_filing_update(filing=filing, user=world.pm, cert_number="CERT-002")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    services.staff_filing_approve(filing=filing, user=world.lead)
    with pytest.raises(DomainError) as exc:
        services.staff_filing_update(filing=filing, user=world.pm, post="x")
    assert exc.value.code == "illegal_transition"


def test_end_filing_removes_membership(world):
    filing = approve_all(world)["operator"]
    with pytest.raises(PermissionDenied):
        services.staff_filing_end(filing=filing, user=world.inspector, reason="离职")
    services.staff_filing_end(filing=filing, user=world.lead, reason="离职")
    assert not world.project.members.filter(user=world.operator, is_active=True).exists()
    assert not selectors.is_approved_staff(world.operator, world.project)


# ---------------------------------------------------------------- equipment

def test_equipment_filing_flow(world):
    eq = services.equipment_file(project=world.project, user=world.pm, name="扫描仪", model_no="A3-900",
                                 serial_number="SN-1", use="档案扫描", network_isolated=False, usb_disabled=False)
    with pytest.raises(DomainError, match="security measures"):
        services.equipment_approve(equipment=eq, user=world.lead)
    with pytest.raises(PermissionDenied):
        services.equipment_update(equipment=eq, user=world.operator, usb_disabled=True)
    services.equipment_update(equipment=eq, user=world.pm, usb_disabled=True, network_isolated=True)
    eq = services.equipment_approve(equipment=eq, user=world.inspector)
    assert eq.status == FilingStatus.APPROVED
    with pytest.raises(DomainError):
        services.equipment_file(project=world.project, user=world.pm, name="扫描仪", serial_number="SN-1", use="x")
    with pytest.raises(DomainError):
        services.equipment_file(project=world.project, user=world.pm, name="", serial_number="SN-2", use="x")
    services.equipment_retire(equipment=eq, user=world.pm, reason="设备故障")
    with pytest.raises(DomainError) as exc:
        services.equipment_retire(equipment=eq, user=world.pm, reason="again")
    assert exc.value.code == "illegal_transition"


# ---------------------------------------------------------------- staff change

@pytest.fixture
def newcomer(world):
    return UserFactory(username="newcomer", name="吴新", organization=world.contractor)


def test_staff_change_refused_when_newcomer_less_qualified(world, newcomer):
    filings = approve_all(world)
    incoming = file_person(world, newcomer, ProjectRole.CONTRACTOR_INSPECTOR, cert_level=CertificateLevel.JUNIOR)
    with pytest.raises(DomainError, match="lower than that of") as exc:
        services.staff_change_request(project=world.project, user=world.pm, leaving=filings["special"],
                                      incoming=incoming, reason="调岗", planned_date=timezone.localdate())
    assert exc.value.code == "lower_qualification"
    # Same level, fewer years: still lower.
    services.staff_filing_update(filing=incoming, user=world.pm, cert_level=CertificateLevel.INTERMEDIATE,
                                 years_experience=2)
    with pytest.raises(DomainError, match="lower than that of"):
        services.staff_change_request(project=world.project, user=world.pm, leaving=filings["special"],
                                      incoming=incoming, reason="调岗", planned_date=timezone.localdate())


def test_lower_qualified_replacement_cannot_go_around_the_staff_change(world, newcomer):
    filings = approve_all(world)
    junior = file_person(world, newcomer, ProjectRole.CONTRACTOR_INSPECTOR, cert_level=CertificateLevel.JUNIOR)
    services.staff_filing_approve(filing=junior, user=world.inspector)  # a second inspector may be added
    with pytest.raises(DomainError, match="request a staff change") as exc:
        services.staff_filing_end(filing=filings["special"], user=world.lead, reason="离职")
    assert exc.value.code == "lower_qualification"
    assert StaffFiling.objects.get(pk=filings["special"].pk).status == FilingStatus.APPROVED
    # Ending someone whose post was not taken by a less qualified person is still possible.
    assert services.staff_filing_end(filing=filings["operator"], user=world.lead,
                                     reason="离职").status == FilingStatus.ENDED


def test_staff_change_approved_updates_filings_members_and_deadline(world, newcomer):
    filings = approve_all(world)
    incoming = file_person(world, newcomer, ProjectRole.CONTRACTOR_INSPECTOR, cert_level=CertificateLevel.SENIOR,
                           years=3)
    planned = timezone.localdate() + dt.timedelta(days=10)
    # The newcomer's filing is decided through the change, not alone.
    change = services.staff_change_request(project=world.project, user=world.pm, leaving=filings["special"],
                                           incoming=incoming, reason="原专检员调往其他项目", planned_date=planned)
    deadline = Deadline.objects.get(kind="staff_change", object_id=change.pk)
    assert deadline.due_date == planned and deadline.responsible_org == world.client_org
    with pytest.raises(DomainError):
        services.staff_filing_approve(filing=incoming, user=world.lead)
    with pytest.raises(PermissionDenied):
        services.staff_change_approve(change=change, user=world.inspector)
    with pytest.raises(PermissionDenied):
        services.staff_change_approve(change=change, user=world.pm)
    services.staff_change_approve(change=change, user=world.lead)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert StaffFiling.objects.get(pk=incoming.pk).status == FilingStatus.APPROVED
    assert StaffFiling.objects.get(pk=filings["special"].pk).status == FilingStatus.ENDED
    assert world.project.members.filter(user=newcomer, role=ProjectRole.CONTRACTOR_INSPECTOR, is_active=True).exists()
    assert not world.project.members.filter(user=world.special, is_active=True).exists()
    assert selectors.is_approved_staff(newcomer, world.project)
    assert not selectors.is_approved_staff(world.special, world.project)
    deadline.refresh_from_db()
    assert deadline.state == "met"
    with pytest.raises(DomainError) as exc:
        services.staff_change_approve(change=change, user=world.lead)
    assert exc.value.code == "illegal_transition"


def test_staff_change_bad_input_and_reject(world, newcomer):
    filings = approve_all(world)
    incoming = file_person(world, newcomer, ProjectRole.CONTRACTOR_OPERATOR)
    with pytest.raises(DomainError, match="past"):
        services.staff_change_request(project=world.project, user=world.pm, leaving=filings["operator"],
                                      incoming=incoming, reason="x", planned_date=dt.date(2020, 1, 1))
    with pytest.raises(DomainError, match="same post"):
        services.staff_change_request(project=world.project, user=world.pm, leaving=filings["special"],
                                      incoming=incoming, reason="x", planned_date=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.staff_change_request(project=world.project, user=world.lead, leaving=filings["operator"],
                                      incoming=incoming, reason="x", planned_date=timezone.localdate())
    change = services.staff_change_request(project=world.project, user=world.pm, leaving=filings["operator"],
                                           incoming=incoming, reason="离职", planned_date=timezone.localdate())
    with pytest.raises(DomainError, match="already awaiting"):
        services.staff_change_request(project=world.project, user=world.pm, leaving=filings["operator"],
                                      incoming=incoming, reason="离职", planned_date=timezone.localdate())
    services.staff_change_reject(change=change, user=world.lead, reason="新人未经培训")
    assert StaffFiling.objects.get(pk=incoming.pk).status == FilingStatus.REJECTED
    assert StaffFiling.objects.get(pk=filings["operator"].pk).status == FilingStatus.APPROVED


# ---------------------------------------------------------------- equipment rejection

def _equipment(world, **extra):
    fields = dict(name="扫描仪", model_no="A3-900", serial_number="SN-9", use="档案扫描", network_isolated=True,
                  usb_disabled=True)
    return services.equipment_file(project=world.project, user=world.pm, **{**fields, **extra})


@pytest.mark.parametrize("who", ["pm", "special", "acceptance", "regulator", "outsider"])
def test_equipment_reject_refuses_the_wrong_role(world, who):
    eq = _equipment(world)
    with pytest.raises(PermissionDenied, match="Only the client's project lead or quality inspector"):
        services.equipment_reject(equipment=eq, user=getattr(world, who), reason="型号与合同不符")
    eq.refresh_from_db()
    assert (eq.status, eq.decided_by, eq.decision_note) == (FilingStatus.SUBMITTED, None, "")


def test_equipment_reject_refuses_equipment_that_is_not_submitted(world):
    eq = services.equipment_approve(equipment=_equipment(world), user=world.inspector, note="同意")
    history = eq.history.count()
    with pytest.raises(DomainError) as exc:
        services.equipment_reject(equipment=eq, user=world.lead, reason="型号与合同不符")
    assert exc.value.code == "illegal_transition"
    eq.refresh_from_db()
    assert (eq.status, eq.decided_by, eq.decision_note) == (FilingStatus.APPROVED, world.inspector, "同意")
    assert eq.history.count() == history


def test_equipment_rejected_twice_is_refused_and_changes_nothing(world):
    eq = services.equipment_reject(equipment=_equipment(world), user=world.inspector, reason="未断网")
    assert eq.status == FilingStatus.REJECTED
    history = eq.history.count()
    with pytest.raises(DomainError) as exc:
        services.equipment_reject(equipment=eq, user=world.lead, reason="再次驳回")
    assert exc.value.code == "illegal_transition"
    eq.refresh_from_db()
    assert (eq.status, eq.decided_by, eq.decision_note) == (FilingStatus.REJECTED, world.inspector, "未断网")
    assert eq.history.count() == history


# ---------------------------------------------------------------- staff change withdrawal

@pytest.fixture
def requested_change(world, newcomer):
    filings = approve_all(world)
    incoming = file_person(world, newcomer, ProjectRole.CONTRACTOR_OPERATOR)
    return services.staff_change_request(project=world.project, user=world.pm, leaving=filings["operator"],
                                         incoming=incoming, reason="离职",
                                         planned_date=timezone.localdate() + dt.timedelta(days=5))


def _deadline_state(change):
    return Deadline.objects.get(kind="staff_change", object_id=change.pk).state


@pytest.mark.parametrize("who", ["lead", "inspector", "special", "operator", "regulator", "outsider"])
def test_staff_change_withdraw_refuses_the_wrong_role(world, requested_change, who):
    with pytest.raises(PermissionDenied, match="Only the contractor's project manager can withdraw"):
        services.staff_change_withdraw(change=requested_change, user=getattr(world, who), reason="不再需要")
    requested_change.refresh_from_db()
    assert requested_change.status == ChangeStatus.REQUESTED
    assert _deadline_state(requested_change) == DeadlineState.OPEN


def test_staff_change_withdraw_refuses_a_decided_change(world, requested_change):
    services.staff_change_reject(change=requested_change, user=world.lead, reason="新人未经培训")
    history = requested_change.history.count()
    with pytest.raises(DomainError) as exc:
        services.staff_change_withdraw(change=requested_change, user=world.pm, reason="不再需要")
    assert exc.value.code == "illegal_transition"
    requested_change.refresh_from_db()
    assert requested_change.status == ChangeStatus.REJECTED
    assert requested_change.history.count() == history


def test_staff_change_withdrawn_twice_is_refused_and_changes_nothing(world, requested_change):
    change = services.staff_change_withdraw(change=requested_change, user=world.pm, reason="不再需要")
    assert change.status == ChangeStatus.WITHDRAWN
    assert _deadline_state(change) != DeadlineState.OPEN
    history = change.history.count()
    with pytest.raises(DomainError) as exc:
        services.staff_change_withdraw(change=change, user=world.pm, reason="再次撤回")
    assert exc.value.code == "illegal_transition"
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN and change.history.count() == history
    # The filings stay as they were: the leaver approved, the newcomer still submitted.
    assert StaffFiling.objects.get(pk=change.leaving_id).status == FilingStatus.APPROVED
    assert StaffFiling.objects.get(pk=change.incoming_id).status == FilingStatus.SUBMITTED


# ---------------------------------------------------------------- signing and pledges

def test_unfiled_contractor_person_cannot_sign_once_filing_started(world):
    from apps.core.history import history_context
    from apps.projects.models import GateAttestation
    from apps.signatures.registry import signables

    signables.register(GateAttestation, content=lambda a: {"gate": a.gate, "reference": a.reference},
                       project=lambda a: a.project, roles={Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM}},
                       replace=True)
    try:
        with history_context(user=world.lead, reason="test"):
            record = GateAttestation.objects.create(project=world.project, gate="plan_approved", reference="R-1",
                                                    attested_by=world.lead)
        filing = file_person(world, world.pm, ProjectRole.CONTRACTOR_PM)  # filed, not yet approved
        with pytest.raises(PermissionDenied, match="not been approved"):
            signature_sign(record=record, user=world.pm, password=PASSWORD, party=Party.CONTRACTOR, meaning="confirm")
        services.staff_filing_approve(filing=filing, user=world.lead)
        assert signature_sign(record=record, user=world.pm, password=PASSWORD, party=Party.CONTRACTOR,
                              meaning="confirm")
    finally:
        signables.unregister(GateAttestation)


def test_strict_rule_refuses_unfiled_contractor_signers_before_any_filing(world, settings):
    """The product default (§8.1.1): no filing at all on the project still means no signature."""
    from apps.core.history import history_context
    from apps.projects.models import GateAttestation
    from apps.signatures.registry import signables

    settings.TEAMS_STRICT_SIGNER_CHECK = True
    signables.register(GateAttestation, content=lambda a: {"gate": a.gate, "reference": a.reference},
                       project=lambda a: a.project, roles={Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM}},
                       replace=True)
    try:
        with history_context(user=world.lead, reason="test"):
            record = GateAttestation.objects.create(project=world.project, gate="plan_approved", reference="R-2",
                                                    attested_by=world.lead)
        assert not StaffFiling.objects.filter(project=world.project).exists()
        with pytest.raises(PermissionDenied, match="not been approved"):
            signature_sign(record=record, user=world.pm, password=PASSWORD, party=Party.CONTRACTOR, meaning="confirm")
        services.staff_filing_approve(filing=file_person(world, world.pm, ProjectRole.CONTRACTOR_PM), user=world.lead)
        assert signature_sign(record=record, user=world.pm, password=PASSWORD, party=Party.CONTRACTOR,
                              meaning="confirm")
    finally:
        signables.unregister(GateAttestation)


def test_strict_rule_is_the_product_default():
    from config.settings import base

    assert base.TEAMS_STRICT_SIGNER_CHECK is True


def test_integrity_pledge_signed_by_its_member_only(world):
    pledges = services.pledges_prepare_missing(project=world.project, user=world.lead)
    assert {p.member for p in pledges} == {world.lead, world.inspector, world.acceptance}
    pledge = next(p for p in pledges if p.member == world.inspector)
    with pytest.raises(PermissionDenied, match="own integrity pledge"):
        signature_sign(record=pledge, user=world.lead, password=PASSWORD, party=Party.CLIENT, meaning="confirm")
    signature_sign(record=pledge, user=world.inspector, password=PASSWORD, party=Party.CLIENT, meaning="confirm")
    assert selectors.pledge_signature(pledge).signer == world.inspector
    with pytest.raises(DomainError, match="already has"):
        services.pledge_create(project=world.project, user=world.lead, member=world.inspector)
    with pytest.raises(DomainError):
        services.pledge_create(project=world.project, user=world.lead, member=world.pm)
    with pytest.raises(PermissionDenied):
        services.pledge_create(project=world.project, user=world.inspector, member=world.acceptance)


def test_unapproved_staff_cannot_submit_the_first_batch(world, settings):
    import datetime as dt

    from apps.first_article.services import verification_submit

    settings.TEAMS_STRICT_SIGNER_CHECK = True
    kwargs = dict(project=world.project, batch_description="首批 100 卷", quantity=100, unit="item",
                  batch_date=dt.date(2026, 10, 12), self_check_result="自检合格")
    with pytest.raises(PermissionDenied, match="not been approved"):
        verification_submit(user=world.special, **kwargs)
    filing = file_person(world, world.special, ProjectRole.CONTRACTOR_INSPECTOR)
    with pytest.raises(PermissionDenied, match="not been approved"):
        verification_submit(user=world.special, **kwargs)
    services.staff_filing_approve(filing=filing, user=world.lead)
    assert verification_submit(user=world.special, **kwargs).round_no == 1
