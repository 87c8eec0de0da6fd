"""REST endpoints: /api/v1/projects/{project_id}/first-article/ (same scoping and rules as the pages).

| method | path | service |
|---|---|---|
| GET | ``first-article/`` | rounds of the project, newest first |
| POST | ``first-article/`` | ``verification_submit`` (contractor PM / special inspector) |
| GET | ``first-article/{id}/`` | one round with its contact sheet, rectification and signatures |
| POST | ``first-article/{id}/verify/`` | ``verification_verify`` (client lead / client inspector) |
| POST | ``first-article/{id}/rectification/`` | ``contact_sheet_answer`` on the round's contact sheet |
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.errors import DomainError
from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import DateField, LineField, TextField
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import Conclusion, Unit
from .models import TEXT_MAX, FirstArticleVerification, RectificationSheet, WorkContactSheet


class RectificationOutSerializer(serializers.ModelSerializer):
    submitted_by = UserRefSerializer(read_only=True)

    class Meta:
        model = RectificationSheet
        fields = ["id", "measures", "result", "submitted_by", "submitted_at"]
        read_only_fields = fields


class ContactSheetOutSerializer(serializers.ModelSerializer):
    issued_by = UserRefSerializer(read_only=True)
    rectification = serializers.SerializerMethodField()

    class Meta:
        model = WorkContactSheet
        fields = ["id", "problem", "requirement", "due_date", "state", "issued_by", "issued_at", "closed_at",
                  "rectification"]
        read_only_fields = fields

    def get_rectification(self, sheet) -> dict | None:
        answer = getattr(sheet, "rectification", None)
        return RectificationOutSerializer(answer).data if answer else None


class VerificationSerializer(serializers.ModelSerializer):
    submitted_by = UserRefSerializer(read_only=True)
    verified_by = UserRefSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    contact_sheet = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = FirstArticleVerification
        fields = ["id", "round_no", "batch_description", "batch_no", "quantity", "unit", "batch_date",
                  "self_check_result", "contractor_verifiers", "submitted_by", "submitted_at", "status",
                  "status_display", "verified_by", "verified_at", "verified_on", "client_verifiers",
                  "operation_passed", "operation_reason", "quality_passed", "quality_reason", "safety_passed",
                  "safety_reason", "rectification_due", "is_baseline", "contact_sheet", "signatures", "pdf_url"]
        read_only_fields = fields

    def get_contact_sheet(self, verification) -> dict | None:
        sheet = getattr(verification, "contact_sheet", None)
        return ContactSheetOutSerializer(sheet).data if sheet else None

    def get_signatures(self, verification) -> list[dict]:
        from apps.signatures.selectors import signatures_for

        return [{"signer_name": s.signer_name, "organization_name": s.organization_name, "party": s.party,
                 "meaning": s.meaning, "signed_at": s.signed_at, "valid": s.is_valid}
                for s in signatures_for(verification)]

    def get_pdf_url(self, verification) -> str:
        from django.urls import reverse

        return reverse("first_article:annex_c_pdf", args=[verification.pk])


class SubmitSerializer(serializers.Serializer):
    batch_description = LineField(max_length=200)
    batch_no = LineField(max_length=64, required=False, allow_blank=True, default="")
    quantity = serializers.IntegerField(min_value=1, max_value=services.MAX_QUANTITY)
    unit = serializers.ChoiceField(choices=Unit.choices)
    batch_date = DateField()
    self_check_result = TextField(max_length=TEXT_MAX)
    contractor_verifiers = LineField(max_length=200, required=False, allow_blank=True, default="")


class VerifySerializer(serializers.Serializer):
    operation_passed = serializers.BooleanField()
    operation_reason = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    quality_passed = serializers.BooleanField()
    quality_reason = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    safety_passed = serializers.BooleanField()
    safety_reason = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    rectification_due = DateField(required=False, allow_null=True, default=None)
    requirement = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    verified_on = DateField(required=False, allow_null=True, default=None)
    client_verifiers = LineField(max_length=200, required=False, allow_blank=True, default="")


class RectificationSerializer(serializers.Serializer):
    measures = TextField(max_length=TEXT_MAX)
    result = TextField(max_length=TEXT_MAX)


class FirstArticleViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = VerificationSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return FirstArticleVerification.objects.none()
        return selectors.verifications_for_project(self.project)

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (FirstArticleVerification.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="First-article verification rounds of the project, newest first")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One verification round")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Submit the first batch (contractor PM or special inspector)",
                request=SubmitSerializer, responses={201: VerificationSerializer})
    def create(self, request, project_pk=None):
        self.require("first_article.may_submit_first_article", self.project)
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verification = services.verification_submit(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(verification).data, status=status.HTTP_201_CREATED)

    verify = transition_action(
        rule="first_article.may_verify_first_article", service=services.verification_verify, entity="verification",
        input=VerifySerializer, output=VerificationSerializer,
        summary="Verify the round (client lead or client inspector)")

    @api_schema(summary="Answer the round's work contact sheet with a rectification sheet (contractor)",
                request=RectificationSerializer, responses={201: RectificationOutSerializer})
    @action(detail=True, methods=["post"])
    def rectification(self, request, project_pk=None, pk=None):
        verification = self.get_object()
        sheet = getattr(verification, "contact_sheet", None)
        if sheet is None:
            self.require("first_article.may_submit_first_article", self.project)
            raise DomainError(_("This round has no work contact sheet to answer."), code="illegal_transition")
        self.require("first_article.may_answer_contact_sheet", sheet)
        data = RectificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.contact_sheet_answer(contact_sheet=sheet, user=request.user, **data.validated_data)
        return Response(RectificationOutSerializer(answer).data, status=status.HTTP_201_CREATED)


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "first-article", FirstArticleViewSet, basename="project-first-article")

