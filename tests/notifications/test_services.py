import pytest
from django.core import mail
from django.db import transaction

from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context
from apps.notifications import services
from apps.notifications.models import Notification
from apps.notifications.tasks import send_notification_emails


def _notify(world, recipients=None, key="ticket:1:opened", **kw):
    kwargs = {"recipients": recipients or [world.pm], "key": key, "title": "新的整改通知",
              "body": "请在 5 个工作日内整改。", "link": f"/projects/{world.project.pk}/", "project": world.project}
    kwargs.update(kw)
    return services.notify(**kwargs)


def test_notify_creates_one_row_per_recipient_and_mails_on_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ids = _notify(world, recipients=[world.pm, world.special])
    assert len(ids) == 2
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"pm", "special"}
    assert sorted(m.to[0] for m in mail.outbox) == ["pm@example.cn", "special@example.cn"]
    assert f"/projects/{world.project.pk}/" in mail.outbox[0].body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_notify_twice_with_the_same_key_stores_and_mails_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(world)
        second = _notify(world)
    assert len(first) == 1 and second == []
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_same_key_for_another_person_is_a_new_notification(world):
    _notify(world, recipients=[world.pm])
    assert len(_notify(world, recipients=[world.pm, world.special])) == 1


def test_nothing_is_stored_or_mailed_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                _notify(world)
                raise RuntimeError("the calling service failed")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_email_false_stores_without_mail(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _notify(world, email=False)
    assert callbacks == [] and mail.outbox == []
    assert Notification.objects.count() == 1


def test_bulk_insert_writes_history_with_user_and_reason(world):
    with history_context(user=world.lead, reason="整改通知已发出"):
        (nid,) = _notify(world)
    row = Notification.history.get(id=nid)
    assert row.history_type == "+"
    assert row.history_user == world.lead
    assert row.history_change_reason == "整改通知已发出"
    assert row.title == "新的整改通知" and row.recipient_id == world.pm.pk


def test_inactive_people_are_not_notified(world):
    world.special.is_active = False
    world.special.save()
    assert len(_notify(world, recipients=[world.pm, world.special])) == 1


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "projects/1/"])
def test_links_must_stay_inside_the_application(world, link):
    with pytest.raises(DomainError):
        _notify(world, link=link)
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("kwargs", [{"key": ""}, {"key": "x" * 201}, {"title": "  "}])
def test_bad_input_is_refused_with_a_domain_error(world, kwargs):
    with pytest.raises(DomainError):
        _notify(world, **kwargs)


def test_long_title_and_body_are_clipped_not_refused(world):
    (nid,) = _notify(world, title="长" * 500, body="文" * 9000)
    n = Notification.objects.get(pk=nid)
    assert len(n.title) == 200 and n.title.endswith("…")
    assert len(n.body) == 4000


def test_email_task_run_twice_sends_each_mail_once(world):
    ids = _notify(world, recipients=[world.pm, world.special], email=False)
    assert send_notification_emails.delay(notification_ids=ids).get() == 2
    assert send_notification_emails.delay(notification_ids=ids).get() == 0
    assert len(mail.outbox) == 2


def test_mark_read_own_notification(world):
    (nid,) = _notify(world)
    n = Notification.objects.get(pk=nid)
    services.notification_mark_read(notification=n, user=world.pm)
    n.refresh_from_db()
    assert n.read_at is not None
    first = n.read_at
    services.notification_mark_read(notification=n, user=world.pm)  # repeated: no change
    n.refresh_from_db()
    assert n.read_at == first
    latest = Notification.history.filter(id=nid).latest("history_date")
    assert latest.history_user == world.pm and latest.history_change_reason == "Marked as read"


def test_cannot_mark_another_persons_notification(world):
    (nid,) = _notify(world)
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(notification=Notification.objects.get(pk=nid), user=world.special)
    assert Notification.objects.get(pk=nid).read_at is None


def test_mark_all_read_touches_only_own_unread(world):
    _notify(world, recipients=[world.pm, world.special], key="a")
    _notify(world, recipients=[world.pm], key="b")
    assert services.notifications_mark_all_read(user=world.pm) == 2
    assert services.notifications_mark_all_read(user=world.pm) == 0
    assert Notification.objects.filter(recipient=world.special, read_at__isnull=True).count() == 1
    assert Notification.history.filter(recipient_id=world.pm.pk, history_type="~").count() == 2


def test_notification_without_project_or_link(world):
    (nid,) = _notify(world, project=None, link="")
    n = Notification.objects.get(pk=nid)
    assert n.project_id is None and n.link == ""


def test_refusals_say_the_rules_sentence(world):
    from django.contrib.auth.models import AnonymousUser

    (nid,) = _notify(world)
    with pytest.raises(PermissionDenied, match="This notification is not yours."):
        services.notification_mark_read(notification=Notification.objects.get(pk=nid), user=world.special)
    with pytest.raises(PermissionDenied, match="Log in to manage your notifications."):
        services.notifications_mark_all_read(user=AnonymousUser())
    # The recipient may, whatever the role: a read-only regulator marks its own notifications too.
    (rid,) = _notify(world, recipients=[world.regulator], key="regreport:1")
    services.notification_mark_read(notification=Notification.objects.get(pk=rid), user=world.regulator)
    assert Notification.objects.get(pk=rid).read_at is not None


def test_the_email_task_and_the_services_do_not_import_each_other():
    import ast
    from pathlib import Path

    from apps.notifications import tasks

    tree = ast.parse(Path(tasks.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
                for alias in node.names} | {node.module for node in ast.walk(tree)
                                            if isinstance(node, ast.ImportFrom) and node.level == 1}
    assert "services" not in imported
