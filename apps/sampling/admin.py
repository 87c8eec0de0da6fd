from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SamplingSettings, SwitchingEvent, SwitchingState


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    """Sampling settings and switching states change only through the services (role, version,
    switching rules, log)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SamplingSettings)
class SamplingSettingsAdmin(_ReadOnlyAdmin):
    list_display = ("project", "level", "aql_fatal", "aql_serious", "aql_general", "fatal_rejects",
                    "floor_rate_ordinary", "floor_rate_classified", "reduced_allowed", "version")
    search_fields = ("project__name",)


@admin.register(SwitchingState)
class SwitchingStateAdmin(_ReadOnlyAdmin):
    list_display = ("project", "service_type", "regime", "switching_score", "discontinued", "lots_recorded",
                    "last_changed_at")
    list_filter = ("regime", "discontinued", "service_type")


@admin.register(SwitchingEvent)
class SwitchingEventAdmin(_ReadOnlyAdmin):
    list_display = ("project", "service_type", "kind", "lot_ref", "accepted", "regime_before", "regime_after",
                    "score_after", "created_at")
    list_filter = ("kind", "service_type")
