"""The OpenAPI schema of every API view: drf-spectacular's ``AutoSchema`` with the error answers
declared once, here, instead of on each view.

:class:`ApiAutoSchema` adds to each operation the errors it can answer (all in the shape of
:class:`~apps.core.rest.serializers.ErrorSerializer`), from what the operation is:

| status | when it is added |
|---|---|
| 400 | the operation writes, takes a body or takes query parameters (validation, refusals) |
| 401, 403 | the operation needs a signed-in person (anonymous; role, regulator, CSRF) |
| 404 | the path names a record (``{id}``, ``{project_pk}``), or the list is paginated (page past the end) |
| 409 | a POST (a repeated ``Idempotency-Key``, ``apps.core.submission``), or the body carries a
``version`` (optimistic locking: someone saved since) |
| 415 | the operation takes a body (another content type is refused) |
| 429 | the view is throttled |

A view may still declare an error itself (e.g. a 404 with its own description); it is kept.
The kit's text fields carry a ``pattern`` that says which characters they refuse.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny

from .serializers import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "Invalid input (`errors` names each field) or a business rule refused it (`code`).",
    401: "Not signed in, or the token is unknown or expired.",
    403: "Your role does not allow it, regulators only read, or the CSRF token is missing.",
    404: "No such record, or not visible to you (also a page past the last one).",
    409: "Stale `version`: someone saved the record after you read it (`stale`), or this "
         "`Idempotency-Key` was already used (`duplicate_submission`); nothing was saved.",
    415: "Unsupported content type of the request body.",
    429: "Too many requests; try again later.",
}

# The characters the kit's text fields refuse (apps.core.text), as a JSON Schema pattern.
# A POST may carry this header: the same key from the same person is carried out once
# (apps.core.submission.DoubleSubmitMiddleware), a repeat is 409.
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "schema": {"type": "string", "maxLength": 100},
                   "description": "Send it to resend a POST safely: a repeated key is not carried out again (409)."}

SINGLE_LINE_PATTERN = r"^[^\x00-\x1F\x7F-\x9F\u2028\u2029\uFFFE\uFFFF]*$"
MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uFFFE\uFFFF]*$"


def _takes_version(serializer) -> bool:
    """Whether the (nested) input has a field named ``version``."""
    serializer = force_instance(serializer)
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    if not isinstance(serializer, serializers.Serializer):
        return False
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if name == "version" or _takes_version(field):
            return True
    return False


class ApiAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        if self.method == "POST":
            operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
        responses = operation.setdefault("responses", {})
        for code in self.error_statuses(operation):
            if str(code) not in responses:
                response = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[str(code)] = self._get_response_for_code(response, str(code))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation: dict) -> list[int]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        writes = self.method not in SAFE_METHODS
        codes = []
        if writes or has_body or any(p["in"] == "query" for p in parameters):
            codes.append(400)
        if self._needs_person():
            codes += [401, 403]
        if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
            codes.append(404)
        if self.method == "POST" or (writes and _takes_version(self._request_serializer())):
            codes.append(409)
        if has_body:
            codes.append(415)
        if self.view.get_throttles():
            codes.append(429)
        return codes

    def _needs_person(self) -> bool:
        return bool(self.view.get_authenticators()) and not all(
            isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _request_serializer(self):
        serializer = self.get_request_serializer()
        if isinstance(serializer, dict):  # {media type: serializer}
            return next(iter(serializer.values()), None)
        return serializer


class _TextFieldExtension(OpenApiSerializerFieldExtension):
    pattern = ""

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["pattern"] = self.pattern
        return schema


class LineFieldExtension(_TextFieldExtension):
    target_class = "apps.core.rest.fields.LineField"
    match_subclasses = True
    pattern = SINGLE_LINE_PATTERN


class TextFieldExtension(_TextFieldExtension):
    target_class = "apps.core.rest.fields.TextField"
    match_subclasses = True
    pattern = MULTI_LINE_PATTERN
