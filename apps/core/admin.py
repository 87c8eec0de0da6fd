"""The admin as a write path like any other (security row 15): every change made in it names the
administrator (the request's history context) and a reason the administrator types; deletions,
inlines and bulk deletions included. Records of the quality process change only through their
services, so their admin pages are read-only.

    @admin.register(Thing)
    class ThingAdmin(AuditedAdmin): ...         # a change needs a reason

    @admin.register(Batch)
    class BatchAdmin(ReadOnlyAdmin): ...        # list, read and history only
"""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .history import history_context
from .models import CalendarOverride
from .text import LineField

REASON_FIELD = "change_reason"


class HistoryAdmin(SimpleHistoryAdmin):
    """The history pages of the admin: a version id that is not a number (a relative link of a
    form shown on the history page, e.g. the user form's password link) is a 404, not a 500."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not str(version_id).isdigit():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ReadOnlyAdmin(HistoryAdmin):
    """Records that change only through the services (state, role, reason, signatures)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(HistoryAdmin):
    """Add and change forms ask for the reason of the change; it goes on every history row the
    save writes (the object, its inlines, its many-to-many changes), with the administrator."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        add_form = getattr(self, "add_form", None)  # the user admin's own form for adding
        base = kwargs.get("form") or (add_form if obj is None and add_form else self.form)
        kwargs["form"] = type(base.__name__, (base,), {
            REASON_FIELD: LineField(label=_("Reason for the change"), max_length=200,
                                    help_text=_("Kept in the record's history with your name."))})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not any(REASON_FIELD in (opts.get("fields") or ()) for _name, opts in fieldsets):
            fieldsets.append((_("Reason for the change"), {"fields": [REASON_FIELD]}))
        return fieldsets

    def _reason(self, form) -> str:
        return form.cleaned_data.get(REASON_FIELD) or gettext("Changed in the administration")

    def save_model(self, request, obj, form, change):
        with history_context(user=request.user, reason=self._reason(form)):
            obj._change_reason = self._reason(form)
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with history_context(user=request.user, reason=self._reason(form)):
            super().save_related(request, form, formsets, change)

    def delete_model(self, request, obj):
        with history_context(user=request.user, reason=gettext("Deleted in the administration")):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with history_context(user=request.user, reason=gettext("Deleted in the administration")):
            super().delete_queryset(request, queryset)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdmin):
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"
