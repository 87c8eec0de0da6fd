from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Signature, SignatureAttempt


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    """Signatures are made only through the signing service and never changed: admin only reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Signature)
class SignatureAdmin(_ReadOnlyAdmin):
    list_display = ("signed_at", "signer_name", "organization_name", "party", "meaning", "content_type", "object_id",
                    "project")
    list_filter = ("party", "meaning", "content_type")
    search_fields = ("signer_name", "organization_name")


@admin.register(SignatureAttempt)
class SignatureAttemptAdmin(_ReadOnlyAdmin):
    list_display = ("attempted_at", "user", "outcome", "content_type", "object_id", "project", "ip")
    list_filter = ("outcome",)
