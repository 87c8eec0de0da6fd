"""The readable history (apps.core.history_view): the names of related records are read once per
related model, whichever historical models and fields point to it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.history_view import history_entries
from apps.projects.models import Project, ProjectMember

pytestmark = pytest.mark.django_db


def test_people_are_read_once_for_project_and_member_rows(world):
    # The project's rows point to a person (created_by) and two organisations; the members' rows
    # to six people and the project.
    with CaptureQueriesContext(connection) as ctx:
        entries = history_entries([Project.history.filter(id=world.project.pk),
                                   ProjectMember.history.filter(project_id=world.project.pk)])
    reads = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "accounts_user"' in sql for sql in reads) == 1
    assert sum('FROM "accounts_organization"' in sql for sql in reads) == 1
    assert sum('FROM "projects_project"' in sql for sql in reads) == 1
    names = {change.new for entry in entries for change in entry.changes if change.field == "user"}
    assert {"陈志强", "赵丽", "孙伟", "周敏"} <= names
    created = next(e for e in entries if e.record.history_type == "+" and isinstance(e.record, Project.history.model))
    assert {(c.field, c.new) for c in created.changes} >= {("client", "杭州市档案馆"), ("created_by", "王建国")}
