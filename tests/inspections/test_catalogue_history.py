"""The catalogue copied for a project is attributed in the history: the acting user and the reason."""

import pytest

from apps.core.history import history_context
from apps.inspections.models import CheckItem, DefectType
from apps.inspections.services import catalogue_ensure

pytestmark = pytest.mark.django_db


def test_copied_catalogue_rows_name_the_user_and_the_reason(world):
    with history_context(user=world.lead):
        catalogue_ensure(project=world.project)
    for model in (CheckItem, DefectType):
        rows = model.history.filter(project_id=world.project.pk)
        assert rows.exists()
        assert not rows.filter(history_user__isnull=True).exists()
        assert not rows.filter(history_change_reason__isnull=True).exists()
