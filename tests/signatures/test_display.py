"""The signature block on pages and in PDF templates: name, organisation, party, time, meaning,
and a red badge when the record changed after signing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from apps.accounts.enums import Party

pytestmark = pytest.mark.django_db


def render(record, *, user=None, pdf=False):
    request = RequestFactory().get("/projects/1/")
    request.user = user
    tag = "{% signature_block record pdf=True %}" if pdf else "{% signature_block record %}"
    return Template("{% load signatures_tags %}" + tag).render(Context({"record": record, "request": request,
                                                                       "user": user}))


def test_block_shows_name_organisation_party_time_and_meaning(world, attestation, sign):
    signed_at = timezone.make_aware(dt.datetime(2026, 10, 8, 9, 30, 15), timezone.get_default_timezone())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("apps.signatures.services.timezone.now", lambda: signed_at)
        sign(attestation, world.lead, Party.CLIENT, "approve")
    html = render(attestation, user=world.inspector)
    assert "王建国" in html and "杭州市档案馆" in html
    assert "2026-10-08 09:30:15" in html
    assert str(Party.CLIENT.label) in html and "signature-valid" in html and "signature-broken" not in html


def test_block_shows_a_broken_badge_after_the_record_changed(world, attestation, sign):
    sign(attestation, world.lead, Party.CLIENT)
    attestation.reference = "另一份记录"
    attestation.save()
    html = render(attestation, user=world.inspector)
    assert "signature-broken" in html and "text-bg-danger" in html and "reference" in html


def test_block_offers_the_sign_button_only_to_those_who_may_sign(world, attestation):
    assert "/signatures/sign/" in render(attestation, user=world.pm)
    assert "/signatures/sign/" not in render(attestation, user=world.regulator)
    assert "/signatures/sign/" not in render(attestation, user=world.operator)


def test_pdf_block_is_a_plain_table_without_button_or_script(world, attestation, sign):
    sign(attestation, world.lead, Party.CLIENT)
    html = render(attestation, user=world.pm, pdf=True)
    assert "<table" in html and "<script" not in html and "/signatures/sign/" not in html
    assert ".signature-broken" in html  # its own colours: PDFs do not load Bootstrap


def test_unsigned_record_says_so(world, attestation):
    assert "Not signed yet." in render(attestation, user=world.lead) or "尚未签名" in render(attestation,
                                                                                                 user=world.lead)
