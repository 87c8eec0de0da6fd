from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import Resolver404, resolve

from .history import client_ip, history_context

# Views a read-only user may still POST to: they change only the user's own session or
# account, never a record of the quality process.
READ_ONLY_ALLOWED_VIEWS = frozenset({"login", "logout", "set_language", "password_change", "token",
                                     "notification_mark_read", "notification_mark_all_read",
                                     "notification-read", "notification-read-all"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class HistoryContextMiddleware:
    """Every history row written during a request names the user and the client IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with history_context(user=request.user, ip=client_ip(request)):
            return self.get_response(request)


class ReadOnlyRoleMiddleware:
    """A regulator (监管机构) reads and never writes: any changing request gets 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if request.method not in SAFE_METHODS and user.is_authenticated and getattr(user, "is_read_only", False):
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in READ_ONLY_ALLOWED_VIEWS:
                raise PermissionDenied("regulator accounts are read-only")
        return self.get_response(request)


class DefaultLanguageMiddleware:
    """Simplified Chinese unless the person chose another language (language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language header; archive
    intranets expect the Chinese interface whatever the browser says, with English on request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
