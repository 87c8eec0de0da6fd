"""REST endpoints (docs/api.md): /api/v1/projects/{id}/qualification-reviews/ and
/qualification-documents/. Reads through scoped selectors, writes through the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import DateField, IdField, LineField, TextField
from apps.projects.enums import ServiceType
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import DocumentKind
from .models import QualificationDocument, QualificationReview


class DocumentSerializer(serializers.ModelSerializer):
    flags = serializers.SerializerMethodField()

    class Meta:
        model = QualificationDocument
        fields = ["id", "review", "kind", "number", "issuer", "scope", "service_types", "valid_from", "valid_until",
                  "is_authentic", "in_date", "scope_matches", "result", "review_note", "reviewed_by", "reviewed_at",
                  "copied_from", "created_at", "flags"]
        read_only_fields = fields

    def get_flags(self, doc) -> dict:
        return {"expired": doc.expired, "not_valid_at_start": doc.not_valid_at_start,
                "expires_soon": doc.expires_soon, "expires_before_contract_end": doc.expires_before_contract_end,
                "missing_service_types": doc.missing_service_types}


class ReviewSerializer(serializers.ModelSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    approval_signed = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = QualificationReview
        fields = ["id", "round_no", "status", "previous", "submitted_by", "submitted_at", "concluded_by",
                  "concluded_at", "conclusion_reason", "approval_signed", "created_at", "documents", "url"]
        read_only_fields = fields

    def get_approval_signed(self, review) -> bool:
        return selectors.approval_signature(review) is not None

    def get_url(self, review) -> str:
        return review.get_absolute_url()


class DocumentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    number = LineField(max_length=100)
    issuer = LineField(max_length=200)
    scope = TextField(max_length=4000)
    service_types = serializers.ListField(child=serializers.ChoiceField(choices=ServiceType.choices),
                                          required=False, max_length=20)
    valid_from = DateField()
    valid_until = DateField(required=False, allow_null=True)

    def validate(self, data):
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise serializers.ValidationError({"valid_until": _("The end of validity cannot be before its start.")})
        return data


class ReviewRefSerializer(serializers.Serializer):
    review = IdField()


class DocumentCreateSerializer(DocumentInputSerializer, ReviewRefSerializer):
    pass


class CheckSerializer(serializers.Serializer):
    is_authentic = serializers.BooleanField()
    in_date = serializers.BooleanField()
    scope_matches = serializers.BooleanField()
    note = TextField(max_length=2000, required=False, allow_blank=True, default="")


class QualificationReasonSerializer(serializers.Serializer):
    reason = TextField(max_length=4000, required=False, allow_blank=True, default="")


class QualificationReviewViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = ReviewSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return QualificationReview.objects.none()
        return selectors.project_reviews(self.project).prefetch_related("documents__project")

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (QualificationReview.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="The project's qualification review rounds, newest first")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One round with its documents and checks")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Open the next round (contractor PM); documents of the last round are copied",
                request=None, responses={201: ReviewSerializer})
    def create(self, request, project_pk=None):
        self.require("qualification.can_open_qualification_round", self.project)
        review = services.qualification_round_open(project=self.project, user=request.user)
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)

    submit = transition_action(
        rule="qualification.can_submit_qualification", service=services.qualification_round_submit,
        entity="review", output=ReviewSerializer, summary="Submit the round for review (contractor PM)")
    approve = transition_action(
        rule="qualification.can_approve_qualification", service=services.qualification_round_approve,
        entity="review", input=QualificationReasonSerializer, output=ReviewSerializer,
        summary="Approve the round (client lead); then sign it at /signatures/sign/…")
    reject = transition_action(
        rule="qualification.can_reject_qualification", service=services.qualification_round_reject,
        entity="review", input=QualificationReasonSerializer, output=ReviewSerializer,
        summary="Reject the round with reasons (client lead or inspector)")


class QualificationDocumentViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = DocumentSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return QualificationDocument.objects.none()
        return QualificationDocument.objects.filter(project=self.project).select_related("review", "project") \
            .order_by("-review__round_no", "kind", "pk")

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (QualificationDocument.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="Documents of every round of the project")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One document")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Add a document to a draft round (contractor PM; security officer: security evidence)",
                request=DocumentCreateSerializer, responses={201: DocumentSerializer})
    def create(self, request, project_pk=None):
        # The round first (its rule decides who may add): 400 for an id that is not one, 404 for
        # a round of another project.
        ref = ReviewRefSerializer(data=request.data)
        ref.is_valid(raise_exception=True)
        review = selectors.project_reviews(self.project).filter(pk=ref.validated_data["review"]).first()
        if review is None:
            raise NotFound
        self.require("qualification.can_add_qualification_document", review)
        data = DocumentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("review")
        document = services.qualification_document_add(review=review, user=request.user, **fields)
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @api_schema(summary="Change a document of a draft round", request=DocumentInputSerializer,
                responses=DocumentSerializer)
    def partial_update(self, request, project_pk=None, pk=None):
        document = self.get_object()
        self.require("qualification.can_edit_qualification_document", document)
        data = DocumentInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        document = services.qualification_document_update(document=document, user=request.user,
                                                          **data.validated_data)
        return Response(self.get_serializer(document).data)

    @api_schema(summary="Remove a document from a draft round", request=None, responses={204: None})
    def destroy(self, request, project_pk=None, pk=None):
        document = self.get_object()
        self.require("qualification.can_edit_qualification_document", document)
        services.qualification_document_remove(document=document, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    check_document = transition_action(
        rule="qualification.can_check_qualification_document", service=services.qualification_document_check,
        entity="document", input=CheckSerializer, output=DocumentSerializer, url_path="check",
        summary="Record the client's check of a submitted document (client lead or inspector)")


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "qualification-reviews", QualificationReviewViewSet,
                    basename="project-qualification-review")
    router.register(project_prefix + "qualification-documents", QualificationDocumentViewSet,
                    basename="project-qualification-document")
