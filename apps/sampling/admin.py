from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import SamplingSettings, SwitchingEvent, SwitchingState


@admin.register(SamplingSettings)
class SamplingSettingsAdmin(ReadOnlyAdmin):
    list_display = ("project", "level", "aql_fatal", "aql_serious", "aql_general", "fatal_rejects",
                    "floor_rate_ordinary", "floor_rate_classified", "reduced_allowed", "version")
    search_fields = ("project__name",)


@admin.register(SwitchingState)
class SwitchingStateAdmin(ReadOnlyAdmin):
    list_display = ("project", "service_type", "regime", "switching_score", "discontinued", "lots_recorded",
                    "last_changed_at")
    list_filter = ("regime", "discontinued", "service_type")


@admin.register(SwitchingEvent)
class SwitchingEventAdmin(ReadOnlyAdmin):
    list_display = ("project", "service_type", "kind", "lot_ref", "accepted", "regime_before", "regime_after",
                    "score_after", "created_at")
    list_filter = ("kind", "service_type")
