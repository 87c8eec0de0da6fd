"""signature_sign: re-authentication, who may sign for which party, once only."""

from __future__ import annotations

import logging
import threading

import pytest
from django.db import connection

from apps.accounts.enums import Party, ProjectRole
from apps.core.errors import DomainError, PermissionDenied
from apps.projects.models import ProjectMember
from apps.signatures import hashing, services
from apps.signatures.enums import AttemptOutcome
from apps.signatures.models import Signature, SignatureAttempt
from apps.signatures.registry import signables
from tests.factories import UserFactory

from .conftest import ROLES, attestation_content, make_attestation

pytestmark = pytest.mark.django_db


def test_both_parties_sign_and_the_signature_records_who_what_when(world, attestation, sign):
    client_sig = sign(attestation, world.lead, Party.CLIENT, "approve")
    contractor_sig = sign(attestation, world.pm, Party.CONTRACTOR, "confirm")

    assert Signature.objects.for_record(attestation).count() == 2
    assert client_sig.signer_name == "王建国" and client_sig.organization_name == "杭州市档案馆"
    assert contractor_sig.organization_name == "汇档数字科技有限公司" and contractor_sig.party == Party.CONTRACTOR
    assert client_sig.project_id == world.project.pk and client_sig.ip == "10.0.0.8"
    assert client_sig.content_hash == hashing.content_hash(attestation_content(attestation))
    assert client_sig.record_binding == services.binding_of(client_sig)
    history = client_sig.history.get()
    assert history.history_user == world.lead and history.history_change_reason == "Record signed"


def test_wrong_password_signs_nothing_and_is_logged(world, attestation, sign, caplog):
    with caplog.at_level(logging.WARNING, logger="apps.signatures"), pytest.raises(DomainError) as exc:
        sign(attestation, world.lead, Party.CLIENT, password="not-my-password")
    assert exc.value.code == "bad_password" and exc.value.field == "password"
    assert not Signature.objects.exists()
    attempt = SignatureAttempt.objects.get()
    assert (attempt.user, attempt.outcome, attempt.object_id, attempt.ip) == (
        world.lead, AttemptOutcome.BAD_PASSWORD, attestation.pk, "10.0.0.8")
    assert attempt.history.get().history_user == world.lead
    record = next(r for r in caplog.records if r.name == "apps.signatures")
    assert record.levelno == logging.WARNING
    assert f"user_id={world.lead.pk}" in record.getMessage() and "10.0.0.8" in record.getMessage()
    assert f"projects.gateattestation:{attestation.pk}" in record.getMessage()


def test_empty_password_signs_nothing(world, attestation, sign):
    with pytest.raises(DomainError):
        sign(attestation, world.lead, Party.CLIENT, password="")
    assert not Signature.objects.exists()


def test_repeated_wrong_passwords_lock_signing_even_with_the_right_one(world, attestation, sign):
    for _ in range(services.MAX_FAILED_ATTEMPTS):
        with pytest.raises(DomainError):
            sign(attestation, world.lead, Party.CLIENT, password="guess")
    with pytest.raises(PermissionDenied) as exc:
        sign(attestation, world.lead, Party.CLIENT)
    assert exc.value.code == "locked"
    assert not Signature.objects.exists()


def test_one_person_cannot_sign_for_both_parties(world, attestation, sign):
    sign(attestation, world.pm, Party.CONTRACTOR)
    # The PM later moves to the client and gets a client role on the same project.
    world.pm.organization = world.client_org
    world.pm.save()
    ProjectMember.objects.create(project=world.project, user=world.pm, role=ProjectRole.CLIENT_INSPECTOR)
    with pytest.raises(PermissionDenied, match="both parties"):
        sign(attestation, world.pm, Party.CLIENT, "approve")
    assert Signature.objects.for_record(attestation).count() == 1


def test_same_person_cannot_sign_twice_with_the_same_meaning(world, attestation, sign):
    sign(attestation, world.lead, Party.CLIENT, "review")
    with pytest.raises(DomainError, match="already signed"):
        sign(attestation, world.lead, Party.CLIENT, "review")
    sign(attestation, world.inspector, Party.CLIENT, "review")  # another person of the party may
    assert Signature.objects.for_record(attestation).count() == 2


def test_client_cannot_sign_for_the_contractor(world, attestation, sign):
    with pytest.raises(PermissionDenied, match="own organisation"):
        sign(attestation, world.lead, Party.CONTRACTOR)
    assert not Signature.objects.exists()


def test_contractor_of_another_organisation_cannot_sign(world, attestation, sign):
    with pytest.raises(PermissionDenied):
        sign(attestation, world.outsider, Party.CONTRACTOR)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("party", [Party.CLIENT, Party.CONTRACTOR])
def test_regulator_never_signs(world, attestation, sign, party):
    with pytest.raises(PermissionDenied, match="Regulators"):
        sign(attestation, world.regulator, party)
    assert not Signature.objects.exists() and not SignatureAttempt.objects.exists()


def test_role_not_allowed_for_the_party_cannot_sign(world, attestation, sign):
    with pytest.raises(PermissionDenied, match="role"):
        sign(attestation, world.operator, Party.CONTRACTOR)  # operators do not sign attestations


def test_removed_member_cannot_sign(world, attestation, sign):
    member = world.project.members.get(user=world.special)
    member.is_active = False
    member.removed_at = member.added_at
    member.save()
    with pytest.raises(PermissionDenied):
        sign(attestation, world.special, Party.CONTRACTOR)


def test_person_of_the_party_without_project_role_cannot_sign(world, attestation, sign):
    colleague = UserFactory(organization=world.contractor)
    with pytest.raises(PermissionDenied):
        sign(attestation, colleague, Party.CONTRACTOR)


@pytest.mark.parametrize("party,meaning", [("client", "bless"), ("both", "confirm"), ("", "confirm")])
def test_unknown_party_or_meaning_is_refused(world, attestation, sign, party, meaning):
    with pytest.raises(DomainError):
        sign(attestation, world.lead, party, meaning)
    assert not Signature.objects.exists()


def test_meanings_can_be_limited_per_party(world, sign):
    from apps.projects.models import GateAttestation

    signables.register(GateAttestation, content=attestation_content, project=lambda a: a.project, roles=ROLES,
                       meanings={Party.CLIENT: {"approve"}, Party.CONTRACTOR: {"confirm"}}, replace=True)
    try:
        record = make_attestation(world)
        with pytest.raises(DomainError, match="meaning"):
            sign(record, world.pm, Party.CONTRACTOR, "approve")
        sign(record, world.pm, Party.CONTRACTOR, "confirm")
    finally:
        signables.unregister(GateAttestation)


def test_precondition_refuses_signing_in_the_wrong_state(world, sign):
    from apps.projects.models import GateAttestation

    signables.register(GateAttestation, content=attestation_content, project=lambda a: a.project, roles=ROLES,
                       precondition=lambda a: "Add a note before signing." if not a.note else None, replace=True)
    try:
        record = make_attestation(world)
        with pytest.raises(DomainError, match="note before signing"):
            sign(record, world.lead, Party.CLIENT)
        assert not Signature.objects.exists()
    finally:
        signables.unregister(GateAttestation)


def test_unregistered_record_cannot_be_signed(world, sign):
    with pytest.raises(DomainError, match="cannot be signed"):
        sign(world.project, world.lead, Party.CLIENT)


def test_invited_expert_signs_for_the_client(world, attestation, sign):
    from tests.factories import OrganizationFactory

    expert = UserFactory(organization=OrganizationFactory(kind="client", name="某大学"))
    ProjectMember.objects.create(project=world.project, user=expert, role=ProjectRole.ACCEPTANCE_EXPERT)
    signature = sign(attestation, expert, Party.CLIENT, "review")
    assert signature.organization_name == "某大学"
    with pytest.raises(PermissionDenied):
        sign(attestation, expert, Party.CONTRACTOR, "review")


def test_signing_parties_lists_what_the_user_may_sign_for(world, attestation):
    assert services.signing_parties(user=world.lead, record=attestation) == [Party.CLIENT]
    assert services.signing_parties(user=world.pm, record=attestation) == [Party.CONTRACTOR]
    assert services.signing_parties(user=world.regulator, record=attestation) == []
    assert services.signing_parties(user=world.outsider, record=attestation) == []


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_signings_make_one_signature(world, attestation):
    barrier = threading.Barrier(2)
    outcomes: list = []

    def worker():
        try:
            barrier.wait()
            services.signature_sign(record=attestation, user=world.lead, password="correct-horse-battery",
                                    party=Party.CLIENT, meaning="approve")
            outcomes.append("signed")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "signed"]
    assert Signature.objects.for_record(attestation).count() == 1


def test_sign_rules_answer_like_the_service(world, attestation):
    from apps.core.permissions import allowed, refusal_message

    assert allowed("signatures.can_sign_record", world.lead, attestation)
    assert allowed("signatures.can_sign_record", world.pm, attestation)
    assert not allowed("signatures.can_sign_record", world.operator, attestation)
    assert not allowed("signatures.can_sign_record", world.regulator, attestation)
    assert not allowed("signatures.may_sign", world.regulator) and allowed("signatures.may_sign", world.lead)
    assert refusal_message("signatures.can_sign_record") == "You may not sign this record."
