from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import Resolver404, resolve

from .history import client_ip, history_context

# Views a read-only user may still POST to: they change only the user's own session or
# account, or ask for a printable copy of what they may read, never a record of the quality
# process. Plain URL names, or namespaced ("reports:form").
READ_ONLY_ALLOWED_VIEWS = frozenset({"reports:form", "login", "logout", "set_language", "password_change", "token",
                                     "notification_mark_read", "notification_mark_all_read",
                                     "notification-read", "notification-read-all",
                                     "second_factor_start", "second_factor_enrol", "second_factor_remove"})
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
                match = resolve(request.path_info)
                names = {match.url_name, match.view_name}
            except Resolver404:
                names = set()
            if not names & READ_ONLY_ALLOWED_VIEWS:
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


class RefusalMiddleware:
    """The last line of the refusal mapping (``apps.core.refusals``) for pages: a refusal a view
    did not show itself still reaches the person in words, never as a 500.

    - ``PermissionDenied`` of the kit → the 403 page with the rule's sentence;
    - any other ``DomainError`` → a 400 page with its sentence.

    The request's transaction has already been rolled back when this runs: nothing was saved.
    The API maps its own refusals to JSON (``apps.core.rest.exceptions``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from .errors import DomainError
        from .errors import PermissionDenied as Refusal
        from .refusals import Refused
        from .views import permission_denied

        if isinstance(exception, Refusal):
            return permission_denied(request, Refused(exception.message))
        if isinstance(exception, DomainError):
            if request.path.startswith("/api/"):
                return None
            return render(request, "errors/400.html", {"reason": exception.message}, status=400)
        return None


class NoWriteOnReadMiddleware:
    """A reading request (GET, HEAD) writes nothing: the tests add this middleware innermost and
    every GET the suite makes fails when the view or its template inserts, updates or deletes a
    row. The session and the lockout tables are kept by the middleware around it, not by views."""

    WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")
    ALLOWED_TABLES = ("django_session", "axes_")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from django.db import connection

        with connection.execute_wrapper(self._refuse_writes(request)):
            return self.get_response(request)

    def _refuse_writes(self, request):
        def wrapper(execute, sql, params, many, context):
            statement = sql.lstrip().upper()
            if statement.startswith(self.WRITE_VERBS) and not any(
                    f'"{table}' in sql or f" {table}" in sql for table in self.ALLOWED_TABLES):
                raise AssertionError(f"{request.method} {request.path} writes: {sql[:200]}")
            return execute(sql, params, many, context)

        return wrapper
