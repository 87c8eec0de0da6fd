import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.accounts.enums import Party, ProjectRole
from apps.attachments.services import attachment_add
from apps.core.errors import DomainError, PermissionDenied
from apps.disclosure import selectors, services
from apps.disclosure.enums import Topic
from apps.disclosure.models import TechnicalDisclosure
from apps.projects import services as project_services
from apps.projects.enums import Phase
from apps.projects.gates import registry
from apps.signatures.services import signature_sign
from tests.conftest import PASSWORD

from .conftest import make_ready


def sign(record, user, party, meaning="confirm"):
    return signature_sign(record=record, user=user, password=PASSWORD, party=party, meaning=meaning)


def test_lead_organises_with_five_empty_items(world, disclosure):
    assert disclosure.number == 1 and disclosure.organised_by == world.lead
    assert [i.topic for i in selectors.items_in_order(disclosure)] == list(Topic.values)
    assert len(selectors.incomplete_topics(disclosure)) == 5


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator", "outsider"])
def test_only_client_lead_organises(world, who):
    with pytest.raises(PermissionDenied):
        services.disclosure_create(project=world.project, user=getattr(world, who),
                                   meeting_date=timezone.localdate(), place="会议室")


def test_bad_input_changes_nothing(world, disclosure):
    with pytest.raises(DomainError):
        services.disclosure_create(project=world.project, user=world.lead, meeting_date="2026-13-01", place="x")
    with pytest.raises(DomainError):
        services.disclosure_update(disclosure=disclosure, user=world.lead, place="   ")
    with pytest.raises(DomainError, match="too long"):
        services.disclosure_item_update(item=disclosure.items.first(), user=world.lead, text="x" * 20001)
    with pytest.raises(DomainError, match="people of the project"):
        services.disclosure_attendees_set(disclosure=disclosure, user=world.lead, people=[world.outsider])
    assert TechnicalDisclosure.objects.get().place == "档案馆三楼会议室"


def test_second_disclosure_refused_while_first_unsigned(world, disclosure):
    with pytest.raises(DomainError, match="not signed yet") as exc:
        services.disclosure_create(project=world.project, user=world.lead, meeting_date=timezone.localdate(),
                                   place="会议室")
    assert exc.value.code == "illegal_transition"


def test_missing_attendee_blocks_signing_with_name(world, disclosure):
    make_ready(world, disclosure)
    services.disclosure_attendees_set(disclosure=disclosure, user=world.lead,
                                      people=[world.lead, world.pm, world.special, world.security])
    assert [u.username for u in selectors.missing_attendees(disclosure)] == ["operator"]
    with pytest.raises(DomainError, match="孙伟"):
        sign(disclosure, world.lead, Party.CLIENT)


def test_incomplete_checklist_blocks_signing_but_attachment_counts(world, disclosure):
    make_ready(world, disclosure)
    item = disclosure.items.get(topic=Topic.RISK_CONTROLS)
    services.disclosure_item_update(item=item, user=world.lead, text="")
    with pytest.raises(DomainError, match="Risk controls"):
        sign(disclosure, world.lead, Party.CLIENT)
    attachment_add(record=item, project=world.project, user=world.lead, kind="evidence",
                   uploaded_file=ContentFile(b"%PDF-1.4\n%test\n", name="风险控制措施.pdf"))
    assert selectors.signing_problems(disclosure) == []
    sign(disclosure, world.lead, Party.CLIENT)


def test_future_meeting_cannot_be_signed(world, disclosure):
    make_ready(world, disclosure)
    services.disclosure_update(disclosure=disclosure, user=world.lead,
                               meeting_date=timezone.localdate() + dt.timedelta(days=3))
    with pytest.raises(DomainError, match="not taken place"):
        sign(disclosure, world.lead, Party.CLIENT)


def test_both_sign_then_record_is_frozen(world, ready):
    with pytest.raises(PermissionDenied):  # the contractor's special inspector does not sign
        sign(ready, world.special, Party.CONTRACTOR)
    sign(ready, world.lead, Party.CLIENT, "approve")
    assert not selectors.is_signed_by_both(ready)
    sign(ready, world.pm, Party.CONTRACTOR)
    assert selectors.is_signed_by_both(ready)
    for call in (lambda: services.disclosure_update(disclosure=ready, user=world.lead, place="别处"),
                 lambda: services.disclosure_item_update(item=ready.items.first(), user=world.lead, text="改"),
                 lambda: services.disclosure_attendees_set(disclosure=ready, user=world.lead, people=[])):
        with pytest.raises(DomainError, match="basis of work"):
            call()
    with pytest.raises(DomainError):
        attachment_add(record=ready.items.first(), project=world.project, user=world.lead, kind="evidence",
                       uploaded_file=ContentFile(b"%PDF-1.4\n", name="late.pdf"))
    # A new round may now be organised.
    second = services.disclosure_create(project=world.project, user=world.lead, meeting_date=timezone.localdate(),
                                        place="会议室")
    assert second.number == 2


def test_gate_refuses_then_allows_implementation(world, ready, monkeypatch):
    # The other gates of implementation are attested on paper (whatever modules are installed).
    for code in ("qualification_approved", "plan_approved"):
        monkeypatch.setattr(registry.get(code), "check", None)
        project_services.gate_attest(project=world.project, user=world.lead, gate=code, reference=f"纸质-{code}")
    with pytest.raises(DomainError) as exc:
        project_services.project_advance(project=world.project, user=world.lead)
    assert exc.value.code == "gate_unmet" and exc.value.details == ["disclosure_signed"]
    sign(ready, world.lead, Party.CLIENT)
    with pytest.raises(DomainError):
        project_services.project_advance(project=world.project, user=world.lead)
    sign(ready, world.pm, Party.CONTRACTOR)
    project = project_services.project_advance(project=world.project, user=world.lead)
    assert project.phase == Phase.IMPLEMENTATION
    label, url = registry.get("disclosure_signed").evidence(project)
    assert url == ready.get_absolute_url()


def test_contractor_pm_needs_approved_filing_once_filing_started(world, ready):
    from apps.teams import services as teams
    from tests.teams.builders import file_person

    file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR)
    with pytest.raises(PermissionDenied, match="not been approved"):
        sign(ready, world.pm, Party.CONTRACTOR)
    filing = file_person(world, world.pm, ProjectRole.CONTRACTOR_PM)
    teams.staff_filing_approve(filing=filing, user=world.lead)
    assert sign(ready, world.pm, Party.CONTRACTOR)


def test_checklist_items_take_files_like_their_disclosure(world, ready):
    from apps.attachments.registry import may_add_to

    item = ready.items.first()
    people = ["lead", "inspector", "pm", "special", "regulator", "outsider"]
    assert {n for n in people if may_add_to(getattr(world, n), item)} == {"lead", "inspector"}
    sign(ready, world.lead, Party.CLIENT, "approve")
    assert {n for n in people if may_add_to(getattr(world, n), item)} == set()
