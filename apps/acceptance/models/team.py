"""The acceptance team (验收小组, §5.3.1: 明确验收小组组成（可邀请专家参与）)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.models import Project


class TeamMember(models.Model):
    """A person on the project's acceptance team: a client member or an invited expert (a project
    member with the role 验收专家, never of the contractor); exactly one is the leader."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="acceptance_team",
                                verbose_name=_("project"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("person"))
    role = models.CharField(_("project role"), max_length=32)
    is_leader = models.BooleanField(_("team leader"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("named by"))
    added_at = models.DateTimeField(_("named at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "-is_leader", "added_at", "pk"]
        verbose_name = _("acceptance team member")
        verbose_name_plural = _("acceptance team members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="acc_team_member_once"),
            models.UniqueConstraint(fields=["project"], condition=Q(is_leader=True), name="acc_team_one_leader"),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def get_absolute_url(self) -> str:
        return reverse("acceptance:project", args=[self.project_id]) + "#team"

    def get_role_display(self) -> str:
        from apps.accounts.enums import ProjectRole

        try:
            return ProjectRole(self.role).label
        except ValueError:
            return self.role
