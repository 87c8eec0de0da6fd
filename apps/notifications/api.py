"""REST endpoints for the caller's own notifications: ``/api/v1/notifications/``.

Everyone sees only their own notifications (someone else's id is 404). Marking read changes
only the caller's own inbox, so regulators (read-only) may do it too: exactly the two actions
``read`` and ``read-all``; every other write of theirs is 403. See docs/api.md.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.filters import ApiFilterSet, BooleanFilter
from apps.core.rest.permissions import IsActiveUser

from . import selectors, services
from .models import Notification

# The viewset actions a read-only user (regulator) may call with POST. The page views with the
# same effect are listed in apps.core.middleware.READ_ONLY_ALLOWED_VIEWS.
READ_ONLY_ALLOWED_ACTIONS = frozenset({"read", "read_all"})


class OwnInboxPermission(IsActiveUser):
    """``IsActiveUser``, except that a read-only user may mark their own notifications read."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if (request.method not in SAFE_METHODS and getattr(view, "action", None) in READ_ONLY_ALLOWED_ACTIONS
                and user and user.is_authenticated and user.is_active):
            return True
        return super().has_permission(request, view)


class NotificationProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NotificationSerializer(serializers.ModelSerializer):
    project = NotificationProjectSerializer(read_only=True, allow_null=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "project", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were unread and are now read."))


class NotificationFilter(ApiFilterSet):
    unread = BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("unread"))

    class Meta:
        model = Notification
        fields = ["unread"]


class NotificationViewSet(ApiViewSet):
    """Your notifications, unread first, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [OwnInboxPermission]
    filterset_class = NotificationFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notifications_for(self.request.user).select_related("project")

    def get_object(self) -> Notification:
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (Notification.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound from None

    @api_schema(summary="Your notifications, unread first (filter: unread=true|false)")
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One of your notifications")
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Mark one of your notifications read (regulators too: it changes only your inbox)",
                request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(notification=notification, user=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Mark all your notifications read (regulators too)", request=None,
                responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        return Response(MarkedSerializer({"marked": count}).data)


def register(router, project_prefix: str) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
