"""Each record takes files only from the side and roles that write it (§5.1.3, §8.1.1, §8.2.1)."""

import pytest

from apps.attachments.registry import may_add_to

from apps.disclosure.models import TechnicalDisclosure
from apps.first_article.enums import ContactSheetState
from apps.first_article.models import RectificationSheet, WorkContactSheet
from apps.teams.models import StaffFiling

pytestmark = pytest.mark.django_db


def _who(record, world):
    people = ["lead", "inspector", "pm", "special", "operator", "security", "regulator", "outsider"]
    return {name for name in people if may_add_to(getattr(world, name), record)}


def test_disclosure_takes_files_from_the_client_organisers(world):
    assert _who(TechnicalDisclosure(project=world.project), world) == {"lead", "inspector"}


def test_staff_filing_takes_files_from_the_pm_and_the_person(world):
    filing = StaffFiling(project=world.project, person=world.operator, status="submitted")
    assert _who(filing, world) == {"pm", "operator"}
    filing.status = "ended"
    assert _who(filing, world) == set()


def test_contact_sheet_and_rectification_take_files_from_their_own_side(world):
    sheet = WorkContactSheet(project=world.project, state=ContactSheetState.OPEN)
    assert _who(sheet, world) == {"lead", "inspector"}
    answer = RectificationSheet(project=world.project, contact_sheet=sheet)
    assert _who(answer, world) == {"pm", "special"}
    sheet.state = ContactSheetState.CLOSED
    assert _who(sheet, world) == set() and _who(answer, world) == set()
