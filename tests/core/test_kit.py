"""The workflow kit of apps/core: rules with their sentences, locking, text, notify, refusals."""

from __future__ import annotations

import pytest
import rules
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import escape

from apps.core import notify as kit_notify
from apps.core.errors import DomainError, PermissionDenied
from apps.core.locking import lock
from apps.core.permissions import allowed, refusal_message, require, rule
from apps.core.refusals import Refused, api_status, show_refusal
from apps.core.text import LineField, TextField, clean_line, clean_text
from apps.projects.models import Project


@pytest.fixture
def test_rule():
    names = []

    def _make(name, predicate, message=None):
        rule(name, predicate, message)
        names.append(name)

    yield _make
    for name in names:
        rules.remove_rule(name)


# ---------------------------------------------------------------- permissions

def test_require_refuses_with_the_sentence_registered_with_the_rule(world, test_rule):
    test_rule("core.test_only_lead", rules.predicate(lambda user, obj: user.pk == world.lead.pk),
              "Only the lead may do this.")
    require("core.test_only_lead", world.lead, world.project)
    with pytest.raises(PermissionDenied) as exc:
        require("core.test_only_lead", world.pm, world.project)
    assert exc.value.message == "Only the lead may do this." and exc.value.code == "permission_denied"
    assert refusal_message("core.test_only_lead") == "Only the lead may do this."


def test_a_rule_without_a_sentence_refuses_with_the_generic_one(world, test_rule):
    from apps.core.permissions import GENERIC_REFUSAL

    test_rule("core.test_never", rules.always_deny)
    with pytest.raises(PermissionDenied) as exc:
        require("core.test_never", world.lead)
    assert exc.value.message == str(GENERIC_REFUSAL) == refusal_message("core.test_never")


def test_rule_names_must_carry_their_app_and_exist():
    with pytest.raises(ValueError):
        rule("unprefixed", rules.always_allow)
    with pytest.raises(KeyError):
        allowed("core.no_such_rule", None)


def test_nobody_passes_a_rule_as_none(test_rule):
    test_rule("core.test_always", rules.always_allow)
    assert allowed("core.test_always", None) is False


# ---------------------------------------------------------------- locking

def test_lock_refuses_a_stale_version_and_reads_the_row_again(world):
    project = world.project
    Project.objects.filter(pk=project.pk).update(version=project.version + 1)
    with pytest.raises(DomainError) as exc:
        lock(project, expected_version=project.version)
    assert exc.value.code == "stale"
    assert lock(project).version == project.version + 1
    assert lock(Project, pk=project.pk, expected_version=project.version + 1).pk == project.pk


@pytest.mark.parametrize("bad", ["1", 1.0, True])
def test_lock_refuses_a_version_that_is_not_a_whole_number(world, bad):
    with pytest.raises(DomainError):
        lock(world.project, expected_version=bad)


# ---------------------------------------------------------------- text

@pytest.mark.parametrize("value", ["line1\r\nline2", "a\nb", "a\rb", "a\x00b", "a\tb", "a\x1bb", "a\u2028b", "a\x85b"])
def test_a_single_line_refuses_every_control_character(value):
    with pytest.raises(DomainError) as exc:
        clean_line(value, field="title", label="标题", max_length=100)
    assert exc.value.field == "title" and "标题" in exc.value.message


def test_a_single_line_is_stripped_and_checked_for_length_and_presence():
    assert clean_line("  整改通知  ", field="t", label="标题", max_length=10) == "整改通知"
    assert clean_line("", field="t", label="标题", required=False, max_length=10) == ""
    with pytest.raises(DomainError):
        clean_line("  ", field="t", label="标题", max_length=10)
    with pytest.raises(DomainError):
        clean_line("x" * 11, field="t", label="标题", max_length=10)
    with pytest.raises(DomainError):
        clean_line(12, field="t", label="标题", max_length=10)


def test_multi_line_text_keeps_line_breaks_and_tabs_and_refuses_other_control_characters():
    assert clean_text("第一行\r\n第二行\t完", field="d", label="描述", max_length=100) == "第一行\n第二行\t完"
    for bad in ("a\x00b", "a\x07b", "a\x1bb"):
        with pytest.raises(DomainError):
            clean_text(bad, field="d", label="描述", max_length=100)


def test_form_fields_refuse_control_characters_before_anything_is_saved():
    from django.core.exceptions import ValidationError

    line, text = LineField(), TextField()
    assert line.clean("正常") == "正常"
    with pytest.raises(ValidationError) as exc:
        line.clean("a\r\nb")
    assert [e.code for e in exc.value.error_list] == ["control_character"]
    assert text.clean("a\r\nb") == "a\r\nb"
    with pytest.raises(ValidationError) as exc:
        text.clean("a\x07b")
    assert [e.code for e in exc.value.error_list] == ["control_character"]


# ---------------------------------------------------------------- notify

def test_notify_drops_missing_and_repeated_people_and_makes_the_title_one_line(world, monkeypatch):
    calls = []
    monkeypatch.setattr(kit_notify, "_backend", lambda **kwargs: calls.append(kwargs) or [1])
    kit_notify.notify(recipients=[world.lead, None, world.lead, world.pm], key="k", title="第一行\r\n第二行",
                      project=world.project, kind="core")
    assert len(calls) == 1
    assert calls[0]["recipients"] == [world.lead, world.pm]
    assert calls[0]["title"] == "第一行 第二行"
    assert kit_notify.notify(recipients=[None], key="k", title="x") == []


def test_notify_goes_to_the_notification_centre(world):
    from apps.notifications.models import Notification

    kit_notify.notify(recipients=[world.pm], key="kit-test", title="标题\n换行", link="/projects/",
                      project=world.project, kind="core")
    note = Notification.objects.get(recipient=world.pm, key="kit-test")
    assert note.title == "标题 换行"


# ---------------------------------------------------------------- refusals

def test_a_permission_refusal_is_a_403_with_its_sentence_and_others_go_to_the_form():
    from django import forms

    class F(forms.Form):
        title = forms.CharField()

    with pytest.raises(Refused) as exc:
        show_refusal(PermissionDenied("只有项目负责人可以操作。"), form=F({}))
    assert exc.value.message == "只有项目负责人可以操作。"
    form = F({"title": "x"})
    form.is_valid()
    show_refusal(DomainError("标题重复。", field="title", details=["第2行"]), form=form)
    assert form.errors["title"] == ["标题重复。"] and form.non_field_errors() == ["第2行"]


def test_without_a_form_a_refusal_is_a_message(rf_with_messages):
    request = rf_with_messages
    show_refusal(DomainError("不能在此状态下关闭。"), request=request)
    assert [str(m) for m in get_messages(request)] == ["不能在此状态下关闭。"]


def test_api_status_of_each_refusal():
    assert api_status(PermissionDenied("x")) == 403
    assert api_status(DomainError("x", code="stale")) == 409
    assert api_status(DomainError("x")) == 400


def test_a_refusal_no_view_caught_is_the_403_page_with_its_sentence(world, login, test_rule):
    # The contractor PM may not edit the project: the service's sentence reaches the 403 page.
    response = login(world.pm).post(f"/projects/{world.project.pk}/edit/", {"name": "x"})
    assert response.status_code == 403
    with translation.override("zh-hans"):
        assert escape(refusal_message("projects.can_manage_project")) in response.content.decode()


@pytest.fixture
def rf_with_messages():
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


# ---------------------------------------------------------------- what PostgreSQL cannot store; form fields

def test_a_nul_or_a_lone_surrogate_is_refused_once_with_its_own_message():
    from django.core.exceptions import ValidationError

    from apps.core.forms import PasswordField

    for field in (LineField(), TextField(), PasswordField()):
        for bad, code in (("a\x00b", "null_characters_not_allowed"), ("a\ud800b", "invalid_character")):
            with pytest.raises(ValidationError) as exc:
                field.clean(bad)
            assert [e.code for e in exc.value.error_list] == [code]
    assert PasswordField().clean(" a\r\nb ") == " a\r\nb "  # a password is kept as typed
    with pytest.raises(DomainError) as exc:
        clean_text("a\udfffb", field="d", label="描述", max_length=100)
    assert exc.value.field == "d" and "描述" in exc.value.message


def test_kit_dates_and_versions_are_bounded():
    import datetime as dt

    from django.core.exceptions import ValidationError

    from apps.core.forms import LATEST_DATE, DateField, DateTimeField, VersionField

    assert DateField().clean("2026-12-31") == dt.date(2026, 12, 31)
    assert DateField().widget.attrs["max"] == LATEST_DATE.isoformat()
    for field, bad in ((DateField(), "9999-12-31"), (DateField(), "0001-01-01"),
                       (DateTimeField(), "0001-01-01 00:00"), (VersionField(), "9" * 40), (VersionField(), "-1")):
        with pytest.raises(ValidationError):
            field.clean(bad)


def test_kit_formfield_gives_a_model_form_the_kit_fields():
    from django import forms

    from apps.core.forms import DateField, kit_formfield
    from apps.teams.models import StaffFiling

    fields = forms.modelform_factory(StaffFiling, fields=["post", "cert_valid_from", "years_experience",
                                                           "cert_level"], formfield_callback=kit_formfield).base_fields
    assert isinstance(fields["post"], LineField) and isinstance(fields["cert_valid_from"], DateField)
    assert (fields["years_experience"].min_value, fields["years_experience"].max_value) == (0, 60)
    assert isinstance(fields["cert_level"], forms.TypedChoiceField)
