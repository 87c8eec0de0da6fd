from django.contrib import admin

from apps.core.admin import AuditedAdmin

from .models import GateAttestation, Project, ProjectMember, StageTask


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ("name", "contract_no", "client", "contractor", "phase", "risk_level", "confidentiality")
    list_filter = ("phase", "risk_level", "confidentiality")
    search_fields = ("name", "contract_no")
    # Lifecycle fields change only through the lifecycle services (gates, reasons).
    readonly_fields = ("phase", "resume_phase", "phase_changed_at", "accepted_on", "version", "created_by")
    inlines = [ProjectMemberInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ProjectMember)
class ProjectMemberAdmin(AuditedAdmin):
    list_display = ("project", "user", "role", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ["project", "user"]


@admin.register(GateAttestation)
class GateAttestationAdmin(AuditedAdmin):
    list_display = ("project", "gate", "reference", "attested_by", "attested_at")
    readonly_fields = ("attested_by", "attested_at")


@admin.register(StageTask)
class StageTaskAdmin(AuditedAdmin):
    list_display = ("project", "step", "stage", "due_date")
    list_filter = ("stage",)
