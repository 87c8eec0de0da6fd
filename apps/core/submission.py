"""One effect per submission (security row 19): two simultaneous submits of the same form, or of
the same API request, produce one record.

- **Pages.** Every ``{% csrf_token %}`` (this module replaces the built-in tag, see
  ``TEMPLATES['OPTIONS']['builtins']``) also writes a one-time submission token into the form.
  :class:`DoubleSubmitMiddleware` claims the token atomically in the shared cache before the view
  runs; a second request with the same token (a double click, a resent form) gets the 409 page and
  changes nothing. A submission that did not succeed (the form shown again with errors, a
  refusal) gives its token back, so the page can be corrected and sent again.
- **API.** A client that may resend a write sends an ``Idempotency-Key`` header; the same key
  from the same user is accepted once (409 ``duplicate_submission`` afterwards).

Requests without a token or key are not affected.
"""

from __future__ import annotations

import hashlib
import uuid

from django import template
from django.core.cache import cache
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.translation import gettext as _

FIELD = "submission_token"
HEADER = "HTTP_IDEMPOTENCY_KEY"
CLAIM_SECONDS = 24 * 3600
KEY_MAX = 100

register = template.Library()


class CsrfAndSubmissionTokenNode(template.Node):
    def render(self, context) -> str:
        csrf = CsrfTokenNode().render(context)
        if not csrf:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)


@register.tag("csrf_token")
def csrf_token(parser, token):
    return CsrfAndSubmissionTokenNode()


def _claim_key(request) -> str | None:
    if request.method != "POST":
        return None
    header = request.META.get(HEADER)
    if header is not None:
        value = header.strip()[:KEY_MAX]
        kind = "api"
    else:
        if not request.content_type or request.content_type not in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        value = (request.POST.get(FIELD) or "").strip()[:KEY_MAX]
        kind = "page"
    if not value:
        return None
    user = getattr(request, "user", None)
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if user is not None and user.is_authenticated:
        who = f"user:{user.pk}"
    elif auth:  # an API token client, authenticated by the view later: one key space per token
        who = "token:" + hashlib.sha256(auth.encode("utf-8", "replace")).hexdigest()[:32]
    else:
        who = f"session:{request.session.session_key or 'anonymous'}"
    return f"submission:{kind}:{who}:{value}"


class DoubleSubmitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _claim_key(request)
        if key is None:
            return self.get_response(request)
        if not cache.add(key, 1, timeout=CLAIM_SECONDS):
            return self._duplicate(request)
        try:
            response = self.get_response(request)
        except BaseException:
            cache.delete(key)
            raise
        if not (300 <= response.status_code < 400 or (request.path.startswith("/api/") and response.status_code < 300)):
            cache.delete(key)  # not done: the same form may be corrected and sent again
        return response

    @staticmethod
    def _duplicate(request):
        from django.http import JsonResponse
        from django.shortcuts import render

        message = _("This form has already been submitted; it was not saved a second time. Reload the page to "
                    "see the result.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("A request with this Idempotency-Key has already been received; it "
                                             "was not carried out a second time."),
                                 "code": "duplicate_submission", "field": None}, status=409)
        return render(request, "errors/409.html", {"reason": message}, status=409)
