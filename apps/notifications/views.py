"""Thin views over the user's own notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user).select_related("project"), 20).get_page(
        request.GET.get("page"))
    return render(request, "notifications/notification_list.html",
                  {"page": page, "unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def notification_mark_read(request, pk):
    notification = selectors.notification_for_user(request.user, pk)
    services.notification_mark_read(notification=notification, user=request.user)
    # "Open" marks the notification read and follows its link (always a path inside the site:
    # a database constraint refuses anything else).
    if request.POST.get("open") and notification.link:
        return redirect(notification.link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")
