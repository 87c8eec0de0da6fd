from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Signature, SignatureAttempt


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ("signed_at", "signer_name", "organization_name", "party", "meaning", "content_type", "object_id",
                    "project")
    list_filter = ("party", "meaning", "content_type")
    search_fields = ("signer_name", "organization_name")


@admin.register(SignatureAttempt)
class SignatureAttemptAdmin(ReadOnlyAdmin):
    list_display = ("attempted_at", "user", "outcome", "content_type", "object_id", "project", "ip")
    list_filter = ("outcome",)
