import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from apps.notifications import services
from apps.notifications.context_processors import unread_count
from apps.notifications.models import Notification


def _notify(world, users, key):
    return services.notify(recipients=users, key=key, title=f"通知 {key}", body="", link="/projects/",
                           project=world.project, email=False)


def test_list_shows_only_own_notifications_unread_first(world, login):
    (old,) = _notify(world, [world.pm], "old")
    _notify(world, [world.pm], "new")
    _notify(world, [world.special], "someone-else")
    services.notification_mark_read(notification=Notification.objects.get(pk=old), user=world.pm)
    _notify(world, [world.pm], "newest-unread")
    response = login(world.pm).get(reverse("notifications:list"))
    assert response.status_code == 200
    titles = [n.title for n in response.context["page"]]
    assert titles == ["通知 newest-unread", "通知 new", "通知 old"]
    assert "someone-else" not in response.content.decode()


def test_list_requires_login(db, client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302


def test_mark_read_own(world, login):
    (nid,) = _notify(world, [world.pm], "k")
    response = login(world.pm).post(reverse("notifications:notification_mark_read", args=[nid]))
    assert response.status_code == 302
    assert Notification.objects.get(pk=nid).read_at is not None


def test_open_marks_read_and_follows_the_link(world, login):
    (nid,) = _notify(world, [world.pm], "k")
    response = login(world.pm).post(reverse("notifications:notification_mark_read", args=[nid]), {"open": "1"})
    assert response.status_code == 302 and response.url == "/projects/"


def test_mark_read_of_another_persons_notification_is_404(world, login):
    (nid,) = _notify(world, [world.pm], "k")
    response = login(world.special).post(reverse("notifications:notification_mark_read", args=[nid]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=nid).read_at is None


def test_mark_read_is_post_only(world, login):
    (nid,) = _notify(world, [world.pm], "k")
    assert login(world.pm).get(reverse("notifications:notification_mark_read", args=[nid])).status_code == 405


def test_read_all_marks_only_own(world, login):
    _notify(world, [world.pm, world.special], "k1")
    _notify(world, [world.pm], "k2")
    response = login(world.pm).post(reverse("notifications:notification_mark_all_read"))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=world.pm, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=world.special, read_at__isnull=True).count() == 1


def test_regulator_marks_own_notifications_once_views_are_allowed(world, login, monkeypatch):
    """The integrator adds both url names to READ_ONLY_ALLOWED_VIEWS; until then the middleware
    refuses (403), which this test also shows."""
    from apps.core import middleware

    (nid,) = _notify(world, [world.regulator], "escalation")
    client = login(world.regulator)
    url = reverse("notifications:notification_mark_read", args=[nid])
    if "notification_mark_read" not in middleware.READ_ONLY_ALLOWED_VIEWS:
        assert client.post(url).status_code == 403
        monkeypatch.setattr(middleware, "READ_ONLY_ALLOWED_VIEWS", middleware.READ_ONLY_ALLOWED_VIEWS
                            | {"notification_mark_read", "notification_mark_all_read"})
    assert client.post(url).status_code == 302
    assert Notification.objects.get(pk=nid).read_at is not None
    assert client.post(reverse("notifications:notification_mark_all_read")).status_code == 302


def test_unread_count_context_processor(world, django_assert_num_queries):
    _notify(world, [world.pm], "a")
    (b,) = _notify(world, [world.pm], "b")
    _notify(world, [world.special], "c")
    services.notification_mark_read(notification=Notification.objects.get(pk=b), user=world.pm)
    request = RequestFactory().get("/")
    request.user = world.pm
    with django_assert_num_queries(1):
        assert unread_count(request) == {"unread_notifications": 1}


def test_unread_count_is_zero_without_a_query_for_anonymous(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread_count(request) == {"unread_notifications": 0}


def _all_url_names(patterns):
    for p in patterns:
        if hasattr(p, "url_patterns"):
            yield from _all_url_names(p.url_patterns)
        else:
            yield p.name


@pytest.mark.parametrize("name", ["notification_mark_read", "notification_mark_all_read"])
def test_read_only_exempt_url_names_are_unique_in_the_project(name):
    """The read-only middleware matches url names without namespace: these names must not be
    used by any other (record-changing) view."""
    from django.urls import get_resolver

    assert list(_all_url_names(get_resolver().url_patterns)).count(name) == 1
