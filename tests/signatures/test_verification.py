"""A signature stays bound to its record: changing the record, moving or copying the signature,
or editing the signature row shows it as broken; signed rows and records are protected."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.history import save_with_history
from apps.signatures import hashing, services
from apps.signatures.models import Signature
from apps.signatures.selectors import (project_signatures_verify, signature_check, signature_is_valid,
                                       signatures_for)

from .conftest import make_attestation

pytestmark = pytest.mark.django_db


def _raw_update(sql: str, params: list) -> None:
    """Tamper with a signature row as a database superuser could (user triggers skipped)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_fresh_signatures_are_valid(world, attestation, sign):
    sign(attestation, world.lead, Party.CLIENT)
    sign(attestation, world.pm, Party.CONTRACTOR)
    signatures = signatures_for(attestation)
    assert [s.is_valid for s in signatures] == [True, True]
    assert all(valid for _, valid, _ in project_signatures_verify(project=world.project))


def test_changing_the_record_after_signing_breaks_the_signature(world, attestation, sign):
    signature = sign(attestation, world.lead, Party.CLIENT)
    attestation.reference = "纸质记录 2026-999"
    save_with_history(attestation, reason="edited behind the service", user=world.lead)

    assert signature_is_valid(signature) is False
    [shown] = signatures_for(attestation)
    assert shown.is_valid is False and shown.changed_fields == ["reference"]
    [(reported, valid, reason)] = project_signatures_verify(project=world.project)
    assert reported == signature and valid is False and "changed after signing" in reason


def test_changing_a_field_that_is_not_signed_keeps_the_signature(world, attestation, sign):
    signature = sign(attestation, world.lead, Party.CLIENT)
    attestation.attested_by = world.inspector
    attestation.save()
    assert signature_is_valid(signature)


@pytest.fixture
def reference_only(signable_attestation):
    """Sign only reference and note, so that two attestations can carry identical content and
    only the record binding tells their signatures apart."""
    from apps.signatures.registry import signables

    signables.register(signable_attestation.model, content=lambda a: {"reference": a.reference, "note": a.note},
                       project=signable_attestation.project, roles=signable_attestation.roles, replace=True)


def test_signature_copied_onto_another_record_is_invalid(world, attestation, reference_only, sign):
    signature = sign(attestation, world.lead, Party.CLIENT)
    other = make_attestation(world, gate="disclosure_done", reference=attestation.reference)
    copy = Signature.objects.get(pk=signature.pk)
    copy.pk = None
    copy._state.adding = True
    copy.object_id = other.pk
    copy.save()
    assert signature_check(copy).valid is False
    assert "binding" in signature_check(copy).reason
    assert [s.is_valid for s in signatures_for(other)] == [False]
    assert signature_is_valid(signature)


def test_moving_the_signature_in_the_database_makes_it_invalid(world, attestation, reference_only, sign):
    signature = sign(attestation, world.lead, Party.CLIENT)
    other = make_attestation(world, gate="disclosure_done", reference=attestation.reference)
    _raw_update("UPDATE signatures_signature SET object_id = %s WHERE id = %s", [other.pk, signature.pk])
    assert signature_is_valid(Signature.objects.get(pk=signature.pk)) is False


@pytest.mark.parametrize("column,value", [("signer_name", "冒名顶替"), ("meaning", "approve"), ("party", "contractor"),
                                          ("content_hash", "0" * 64)])
def test_editing_a_signature_row_in_the_database_makes_it_invalid(world, attestation, sign, column, value):
    signature = sign(attestation, world.lead, Party.CLIENT)
    _raw_update(f"UPDATE signatures_signature SET {column} = %s WHERE id = %s", [value, signature.pk])
    assert signature_is_valid(Signature.objects.get(pk=signature.pk)) is False


def test_database_refuses_to_update_or_delete_a_signature(world, attestation, sign):
    signature = sign(attestation, world.lead, Party.CLIENT)
    for sql in ("UPDATE signatures_signature SET signer_name = 'x' WHERE id = %s",
                "DELETE FROM signatures_signature WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [signature.pk])
    assert Signature.objects.get(pk=signature.pk).signer_name == "王建国"


def test_model_refuses_to_change_or_delete_a_signature(world, attestation, sign):
    signature = sign(attestation, world.lead, Party.CLIENT)
    signature.signer_name = "someone else"
    with pytest.raises(DomainError):
        signature.save()
    with pytest.raises(DomainError):
        signature.delete()
    assert Signature.objects.get(pk=signature.pk).signer_name == "王建国"


def test_signed_record_cannot_be_deleted(world, attestation, sign):
    sign(attestation, world.lead, Party.CLIENT)
    with pytest.raises(models.ProtectedError):
        attestation.delete()


def test_unsigned_record_can_still_be_deleted(world, attestation):
    model, pk = type(attestation), attestation.pk
    assert not Signature.objects.for_record(attestation).exists()
    attestation.delete()
    assert not model.objects.filter(pk=pk).exists()


def test_record_that_disappeared_shows_as_broken(world, attestation, sign, signable_attestation):
    from apps.signatures.registry import signables

    sign(attestation, world.lead, Party.CLIENT)
    signables.unregister(type(attestation))  # lifts the delete protection for this test
    attestation.delete()
    signables.register(type(attestation), content=signable_attestation.content, project=signable_attestation.project,
                       roles=signable_attestation.roles)
    [(_, valid, reason)] = project_signatures_verify(project=world.project)
    assert valid is False and "no longer exists" in reason


def test_assert_not_signed_refuses_edits_of_signed_records(world, attestation, sign):
    services.assert_not_signed(attestation)  # not signed yet: edits allowed
    sign(attestation, world.pm, Party.CONTRACTOR)
    with pytest.raises(DomainError, match="signed"):
        services.assert_not_signed(attestation)


def test_canonical_json_ignores_key_order_and_decimal_scale():
    a = {"b": Decimal("95.00"), "a": "档案"}
    b = {"a": "档案", "b": Decimal("95")}
    assert hashing.canonical_json(a) == '{"a":"档案","b":"95"}'
    assert hashing.content_hash(a) == hashing.content_hash(b)
    assert hashing.content_hash({"a": "x"}) != hashing.content_hash({"a": "y"})


def test_verify_command_reports_broken_signatures(world, attestation, sign):
    sign(attestation, world.lead, Party.CLIENT)
    out = StringIO()
    call_command("verify_signatures", "--project", str(world.project.pk), stdout=out)
    assert "1 signatures checked, 0 broken." in out.getvalue()

    attestation.note = "changed"
    attestation.save()
    out = StringIO()
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_signatures", "--project", str(world.project.pk), stdout=out)
    assert "BROKEN" in out.getvalue()


def test_verify_command_unknown_project(world):
    with pytest.raises(CommandError, match="No project"):
        call_command("verify_signatures", "--project", "999999", stdout=StringIO())
