"""The password backend: a person logs in, and keeps an open session, only while both the account
and its organisation are active (security row 6: a disabled user's open session is rejected)."""

from django.contrib.auth.backends import ModelBackend


class ActiveOrganisationBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        organization = getattr(user, "organization", None)
        return organization is None or organization.is_active

    def get_user(self, user_id):
        # One query for the user and the organisation checked above, on every request.
        from django.contrib.auth import get_user_model

        user = get_user_model()._default_manager.select_related("organization").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
