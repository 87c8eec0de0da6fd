"""Reads: a person only ever sees their own notifications."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from .models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, unread first, newest first."""
    if not (user and user.is_authenticated):
        return Notification.objects.none()
    return (Notification.objects.filter(recipient_id=user.pk)
            .annotate(unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
            .order_by("-unread", "-created_at", "-id"))


def notification_for_user(user, pk) -> Notification:
    """The user's own notification with this id; 404 for anybody else's (never 403)."""
    try:
        return notifications_for(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unread_count(user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
