from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import AcceptanceApplication, AcceptanceRound, CommonProblem, MaterialLine, TeamMember


@admin.register(AcceptanceApplication)
class AcceptanceApplicationAdmin(ReadOnlyAdmin):
    list_display = ("project", "state", "submissions", "submitted_at", "reviewed_at")
    list_filter = ("state",)
    search_fields = ("project__name",)


@admin.register(MaterialLine)
class MaterialLineAdmin(ReadOnlyAdmin):
    list_display = ("application", "order", "kind", "title", "record_ref", "review")
    list_filter = ("kind", "review")


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyAdmin):
    list_display = ("project", "user", "role", "is_leader", "added_at")


@admin.register(AcceptanceRound)
class AcceptanceRoundAdmin(ReadOnlyAdmin):
    list_display = ("project", "number", "state", "conclusion", "report_date", "signed_on")
    list_filter = ("state", "conclusion")
    search_fields = ("project__name",)


@admin.register(CommonProblem)
class CommonProblemAdmin(ReadOnlyAdmin):
    list_display = ("project", "round", "category", "created_by", "created_at")
    list_filter = ("category",)
