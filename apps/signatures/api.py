"""REST endpoints for a project's electronic signatures:
``/api/v1/projects/{project_pk}/signatures/``.

- list (and one) with whether each still holds (``is_valid``, ``reason``, changed field names);
- ``verify/``: the project's verification report;
- POST: sign a record of the project through ``services.signature_sign`` (password again).

A record is named by ``record_type`` (``app_label.model``) and ``object_id``; a record of
another project, or one that does not exist, is 404. See docs/api.md and docs/signatures.md.
"""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.history import client_ip
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.filters import ApiFilterSet
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import SignatureMeaning
from .models import Signature
from .registry import signables

# The service's refusals that must be kept although the request fails: the failed attempt it
# recorded is what locks signing after repeated wrong passwords (docs/signatures.md). Rolling
# the request back would let an API client guess passwords without ever being locked.
KEEP_ATTEMPT_CODES = frozenset({"bad_password", "locked"})

RECORD_TYPE_REGEX = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
MAX_OBJECT_ID = 2**63 - 1


# ---------------------------------------------------------------- output


class SignedRecordSerializer(serializers.Serializer):
    type = serializers.SerializerMethodField(help_text=gettext_lazy("app_label.model of the signed record"))
    id = serializers.IntegerField(source="object_id")

    def get_type(self, signature) -> str:
        ct = ContentType.objects.get_for_id(signature.content_type_id)
        return f"{ct.app_label}.{ct.model}"


class SignatureSerializer(serializers.ModelSerializer):
    """A signature with the result of checking it against the record as it is now."""

    record = SignedRecordSerializer(source="*", read_only=True)
    party_display = serializers.CharField(source="get_party_display", read_only=True)
    meaning_display = serializers.CharField(source="get_meaning_display", read_only=True)
    printed_name = serializers.CharField(source="signer_name", read_only=True,
                                         help_text=gettext_lazy("The signer's name as it was at signing time."))
    organization = serializers.CharField(source="organization_name", read_only=True,
                                         help_text=gettext_lazy("The signer's organisation as it was at signing time."))
    is_valid = serializers.BooleanField(read_only=True)
    reason = serializers.CharField(read_only=True, help_text=gettext_lazy("Why the signature is broken, or “valid”."))
    changed_fields = serializers.ListField(child=serializers.CharField(), read_only=True,
                                           help_text=gettext_lazy("Names of the signed fields changed since."))

    class Meta:
        model = Signature
        fields = ["id", "record", "party", "party_display", "meaning", "meaning_display", "signer", "printed_name",
                  "organization", "signed_at", "content_hash", "is_valid", "reason", "changed_fields"]
        read_only_fields = fields


class SignatureVerificationSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    checked_at = serializers.DateTimeField()
    total = serializers.IntegerField()
    valid = serializers.IntegerField()
    broken = serializers.IntegerField()
    all_valid = serializers.BooleanField()
    signatures = SignatureSerializer(many=True)


# ---------------------------------------------------------------- input


RECORD_TYPE_INVALID = gettext_lazy("Give the record type as app_label.model.")


class RecordRefInputSerializer(serializers.Serializer):
    record_type = serializers.RegexField(
        RECORD_TYPE_REGEX, max_length=201, error_messages={"invalid": RECORD_TYPE_INVALID},
        help_text=gettext_lazy("app_label.model, e.g. first_article.firstarticleverification"))
    object_id = serializers.IntegerField(min_value=1, max_value=MAX_OBJECT_ID)


class SignatureCreateSerializer(RecordRefInputSerializer):
    party = serializers.ChoiceField(choices=Party.choices)
    meaning = serializers.ChoiceField(choices=SignatureMeaning.choices)
    password = serializers.CharField(
        write_only=True, max_length=256, trim_whitespace=False, style={"input_type": "password"},
        help_text=gettext_lazy("Your password again: each signature re-authenticates you."))


def _signable_type(record_type: str) -> ContentType:
    app_label, model = record_type.split(".", 1)
    try:
        ct = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        ct = None
    model_class = ct.model_class() if ct else None
    if model_class is None or not signables.is_signable(model_class):
        raise ValidationError({"record_type": [_("This kind of record cannot be signed.")]})
    return ct


# ---------------------------------------------------------------- viewset


class SignatureFilter(ApiFilterSet):
    """Only signatures of records of one type (``record_type``, app_label.model) and/or of one id."""

    record_type = django_filters.CharFilter(method="filter_record_type", max_length=201,
                                            validators=[RegexValidator(RECORD_TYPE_REGEX, RECORD_TYPE_INVALID)])
    object_id = django_filters.NumberFilter(decimal_places=0,
                                            validators=[MinValueValidator(1), MaxValueValidator(MAX_OBJECT_ID)])

    class Meta:
        model = Signature
        fields = ["record_type", "object_id"]

    def filter_record_type(self, queryset, name, value):
        return queryset.filter(content_type=_signable_type(value))


class SignatureViewSet(ProjectScopedMixin, ApiViewSet):
    """Signatures of the project's records. Anyone who sees the project reads them (regulators
    included); people the record allows sign it for their party."""

    serializer_class = SignatureSerializer
    filterset_class = SignatureFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Signature.objects.none()
        # Scoped: self.project is the project only if the user may see it (404 otherwise).
        return (Signature.objects.filter(project=self.project).select_related("content_type")
                .order_by("signed_at", "pk"))

    def get_object(self) -> Signature:
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (Signature.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound from None

    @staticmethod
    def _checked(signatures, cache: dict | None = None) -> list[Signature]:
        cache = {} if cache is None else cache
        result = []
        for signature in signatures:
            check = selectors.signature_check(signature, _cache=cache)
            signature.is_valid, signature.reason, signature.changed_fields = (
                check.valid, check.reason, check.changed_fields)
            result.append(signature)
        return result

    @api_schema(summary="The project's signatures, oldest first, each checked against its record")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(self._checked(page), many=True).data)

    @api_schema(summary="One signature, checked against its record")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self._checked([self.get_object()])[0]).data)

    @api_schema(summary="Verification report: every signature of the project, valid or broken with the reason",
                responses=SignatureVerificationSerializer, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def verify(self, request, project_pk=None):
        checks = selectors.project_signatures_verify(project=self.project)
        signatures = []
        for check in checks:
            check.signature.is_valid, check.signature.reason = check.valid, check.reason
            check.signature.changed_fields = check.changed_fields
            signatures.append(check.signature)
        broken = sum(1 for s in signatures if not s.is_valid)
        report = {"project": self.project.pk, "checked_at": timezone.now(), "total": len(signatures),
                  "valid": len(signatures) - broken, "broken": broken, "all_valid": broken == 0,
                  "signatures": signatures}
        return Response(SignatureVerificationSerializer(report, context=self.get_serializer_context()).data)

    def _record(self, data) -> object:
        """The record named by the request, if it belongs to this project; 404 otherwise."""
        ref = RecordRefInputSerializer(data=data)
        ref.is_valid(raise_exception=True)
        ct = _signable_type(ref.validated_data["record_type"])
        model = ct.model_class()
        record = model._default_manager.filter(pk=ref.validated_data["object_id"]).first()
        if record is None:
            raise NotFound
        project = signables.get(model).project_of(record)
        if project is None or project.pk != self.project.pk:
            raise NotFound
        return record

    @api_schema(summary="Sign a record of the project (your password again; wrong password: 400, nothing signed)",
                request=SignatureCreateSerializer, responses={201: SignatureSerializer})
    def create(self, request, project_pk=None):
        self.project  # noqa: B018 — 404 for a project the user may not see, before reading the input
        record = self._record(request.data)
        self.require("signatures.can_sign_record", record)
        data = SignatureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            signature = services.signature_sign(record=record, user=request.user, password=values["password"],
                                                party=values["party"], meaning=values["meaning"],
                                                request_ip=client_ip(request))
        except DomainError as exc:
            if exc.code not in KEEP_ATTEMPT_CODES:
                raise  # the handler answers and rolls the request back
            # Answer without rolling back, so that the failed attempt stays recorded.
            code = status.HTTP_403_FORBIDDEN if exc.code == "locked" else status.HTTP_400_BAD_REQUEST
            return Response({"detail": exc.message, "code": exc.code, "field": exc.field}, status=code)
        return Response(self.get_serializer(self._checked([signature])[0]).data, status=status.HTTP_201_CREATED)


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "signatures", SignatureViewSet, basename="project-signature")
