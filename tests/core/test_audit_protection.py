"""The application's database role cannot rewrite history rows (security row 16)."""

import pytest
from django.db import DatabaseError, transaction

from apps.projects.models import Project

pytestmark = pytest.mark.django_db


def test_history_rows_cannot_be_updated(world):
    with pytest.raises(DatabaseError), transaction.atomic():
        Project.history.filter(id=world.project.pk).update(history_change_reason="rewritten")


def test_history_rows_cannot_be_deleted(world):
    with pytest.raises(DatabaseError), transaction.atomic():
        Project.history.filter(id=world.project.pk).delete()
    assert Project.history.filter(id=world.project.pk).exists()


def test_every_historical_table_has_the_trigger(world):
    from django.db import connection

    from apps.core.audit_protection import historical_tables

    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT event_object_table FROM information_schema.triggers "
                       "WHERE trigger_name = 'archqa_history_append_only'")
        protected = {row[0] for row in cursor.fetchall()}
    assert set(historical_tables()) <= protected
