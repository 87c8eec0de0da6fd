"""REST endpoints (docs/api.md): /api/v1/projects/{id}/plan-versions/. Reads through scoped
selectors, writes through the services."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import LineField, TextField
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .models import TEXT_MAX, PlanVersion


class PlanVersionSerializer(serializers.ModelSerializer):
    approval_signed = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = PlanVersion
        fields = ["id", "number", "status", "based_on", "change_reason", "title", "implementation_plan",
                  "quality_targets", "procedures", "control_points", "detailed_rules", "submitted_by",
                  "submitted_at", "reviewed_by", "reviewed_at", "review_comments", "approval_signed", "in_force",
                  "created_by", "created_at", "url"]
        read_only_fields = fields

    def get_approval_signed(self, version) -> bool:
        return selectors.approval_signature(version) is not None

    def get_in_force(self, version) -> bool:
        in_force = self.context.get("in_force", "unset")
        if in_force == "unset":
            in_force = selectors.plan_in_force(version.project)
        return in_force is not None and in_force.pk == version.pk

    def get_url(self, version) -> str:
        return version.get_absolute_url()


class PlanInputSerializer(serializers.Serializer):
    title = LineField(max_length=200)
    # Drafts may be incomplete; submission checks that every part is filled in.
    implementation_plan = TextField(max_length=TEXT_MAX, required=False, allow_blank=True)
    quality_targets = TextField(max_length=TEXT_MAX, required=False, allow_blank=True)
    procedures = TextField(max_length=TEXT_MAX, required=False, allow_blank=True)
    control_points = TextField(max_length=TEXT_MAX, required=False, allow_blank=True)
    detailed_rules = TextField(max_length=TEXT_MAX, required=False, allow_blank=True)
    change_reason = TextField(max_length=4000, required=False, allow_blank=True)


class CommentsSerializer(serializers.Serializer):
    comments = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class PlanReasonSerializer(serializers.Serializer):
    reason = TextField(max_length=4000)


class PlanVersionViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = PlanVersionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return PlanVersion.objects.none()
        return selectors.project_versions(self.project).select_related("project")

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (PlanVersion.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.is_schema_generation:
            context["in_force"] = selectors.plan_in_force(self.project)
        return context

    @api_schema(summary="Every version of the project's plan, newest first")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One plan version")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Write a new draft version (contractor PM)", request=PlanInputSerializer,
                responses={201: PlanVersionSerializer})
    def create(self, request, project_pk=None):
        self.require("plans.can_create_plan_version", self.project)
        data = PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = services.plan_version_create(project=self.project, user=request.user,
                                               change_reason=fields.pop("change_reason", ""), **fields)
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)

    @api_schema(summary="Change a draft version (contractor PM)", request=PlanInputSerializer,
                responses=PlanVersionSerializer)
    def partial_update(self, request, project_pk=None, pk=None):
        version = self.get_object()
        self.require("plans.can_edit_plan", version)
        data = PlanInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = services.plan_version_update(version=version, user=request.user,
                                               change_reason=fields.pop("change_reason", None), **fields)
        return Response(self.get_serializer(version).data)

    submit = transition_action(
        rule="plans.can_submit_plan", service=services.plan_version_submit, entity="version",
        output=PlanVersionSerializer, summary="Submit a draft for review (contractor PM)")
    approve = transition_action(
        rule="plans.can_approve_plan", service=services.plan_version_approve, entity="version",
        input=CommentsSerializer, output=PlanVersionSerializer,
        summary="Approve a submitted version (client lead); then sign it at /signatures/sign/…")
    return_version = transition_action(
        rule="plans.can_return_plan", service=services.plan_version_return, entity="version",
        input=CommentsSerializer, output=PlanVersionSerializer, url_path="return",
        summary="Return a submitted version with comments (client lead or inspector)")
    revise = transition_action(
        rule="plans.can_create_plan_version", service=services.plan_version_revise, entity="version",
        input=PlanReasonSerializer, output=PlanVersionSerializer, status=status.HTTP_201_CREATED,
        summary="Start a new draft version from a returned or approved one (contractor PM)")


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "plan-versions", PlanVersionViewSet, basename="project-plan-version")
