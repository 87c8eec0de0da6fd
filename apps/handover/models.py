"""The handover of results (成果移交, §6.5.2, Annex A: 验收后7个工作日内).

* :class:`Handover` — 移交清单: one per project, drawn up by the contractor once the acceptance
  has passed, confirmed item by item by the client and signed by both parties (apps.signatures:
  the client lead and the contractor's project manager). Signed by both = handed over: the gate
  ``handover_confirmed`` is met and the handover deadline is met.
* :class:`HandoverLine` — one item: results, quality records, process documents or project
  documents for the archive, with quantity, unit and medium, and the client's decision on it.

The project-document archive (§9.2.2) reads the list through
``selectors.handover_lines(project, kind=…)``.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import tracked_history
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from .enums import KIND_PRINTED, MEDIUM_PRINTED, HandoverState, LineKind, LineStatus, Medium

TEXT_MAX = 2000
LINE_MAX = 200

# Set while ``services.handover_sign`` signs: the list is signed on its own page, where the second
# signature completes the handover (the generic signing page would leave it half done).
signing_through_handover: ContextVar[bool] = ContextVar("signing_through_handover", default=False)


class Handover(SignableMixin, models.Model):
    """移交清单 of one project."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="handover",
                                   verbose_name=_("project"))
    state = models.CharField(_("state"), max_length=16, choices=HandoverState.choices, default=HandoverState.DRAFT)
    note = models.TextField(_("remarks"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("drawn up by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submissions = models.PositiveSmallIntegerField(_("submissions"), default=0)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), max_length=TEXT_MAX, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {Party.CLIENT: {ProjectRole.CLIENT_LEAD}, Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM}}
    signature_meanings = {Party.CLIENT: {SignatureMeaning.CONFIRM}, Party.CONTRACTOR: {SignatureMeaning.CONFIRM}}

    class Meta:
        verbose_name = _("handover list")
        verbose_name_plural = _("handover lists")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=HandoverState.values), name="handover_state_valid"),
            # Past the draft ⇔ submitted at least once.
            models.CheckConstraint(condition=(Q(state=HandoverState.DRAFT) & Q(submissions=0)
                                              & Q(submitted_at__isnull=True))
                                   | (~Q(state=HandoverState.DRAFT) & Q(submissions__gte=1)
                                      & Q(submitted_at__isnull=False)),
                                   name="handover_submitted_consistent"),
            models.CheckConstraint(condition=~Q(state__in=[HandoverState.CONFIRMED, HandoverState.SIGNED])
                                   | Q(confirmed_at__isnull=False), name="handover_confirmed_has_time"),
            models.CheckConstraint(condition=(Q(state=HandoverState.SIGNED) & Q(signed_at__isnull=False))
                                   | (~Q(state=HandoverState.SIGNED) & Q(signed_at__isnull=True)),
                                   name="handover_signed_consistent"),
        ]

    def __str__(self) -> str:
        return gettext("Handover list of %(project)s") % {"project": self.project}

    def get_absolute_url(self) -> str:
        return reverse("handover:project", args=[self.project_id])

    @property
    def doc_no(self) -> str:
        return f"{self.project.contract_no}-YJ"

    @property
    def is_signed(self) -> bool:
        return self.state == HandoverState.SIGNED

    # ---- signatures (apps.signatures): the client lead and the contractor's PM sign the confirmed list.

    def signed_content(self) -> dict:
        return {
            "project": self.project_id, "note": self.note,
            "lines": [{"position": line.position, "kind": line.kind, "description": line.description,
                       "quantity": line.quantity, "unit": line.unit, "medium": line.medium, "note": line.note,
                       "status": line.status}
                      for line in self.lines.order_by("position")],
        }

    def signature_refusal(self) -> str | None:
        if self.state != HandoverState.CONFIRMED:
            return gettext("The handover list is signed once the client has confirmed every item.")
        if not signing_through_handover.get():
            return gettext("Sign the handover list on its own page: the second signature completes the handover.")
        return None

    # ---- attachments (apps.attachments): who may add files is ``handover.can_attach``.

    def get_attachment_project(self):
        return self.project


class HandoverLine(models.Model):
    """One item of the handover list."""

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="lines",
                                 verbose_name=_("handover list"))
    position = models.PositiveSmallIntegerField(_("No."))
    kind = models.CharField(_("kind"), max_length=24, choices=LineKind.choices)
    description = models.CharField(_("what is handed over"), max_length=LINE_MAX)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=20, help_text=_("e.g. 卷, 件, 册, 盒, GB"))
    medium = models.CharField(_("medium"), max_length=16, choices=Medium.choices)
    note = models.CharField(_("remarks"), max_length=LINE_MAX, blank=True,
                            help_text=_("Name the medium when it is “other”."))

    status = models.CharField(_("confirmation"), max_length=16, choices=LineStatus.choices,
                              default=LineStatus.PENDING)
    refusal_reason = models.TextField(_("reason for refusing"), max_length=TEXT_MAX, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("checked by"))
    decided_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["handover", "position"]
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        constraints = [
            models.UniqueConstraint(fields=["handover", "position"], name="handoverline_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=LineKind.values), name="handoverline_kind_valid"),
            models.CheckConstraint(condition=Q(medium__in=Medium.values), name="handoverline_medium_valid"),
            models.CheckConstraint(condition=Q(status__in=LineStatus.values), name="handoverline_status_valid"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="handoverline_quantity_positive"),
            models.CheckConstraint(condition=~Q(description="") & ~Q(unit=""), name="handoverline_has_text"),
            models.CheckConstraint(condition=~Q(medium=Medium.OTHER) | ~Q(note=""), name="handoverline_other_named"),
            # Pending ⇔ not checked; refused ⇔ a reason.
            models.CheckConstraint(condition=(Q(status=LineStatus.PENDING) & Q(decided_at__isnull=True)
                                              & Q(decided_by__isnull=True))
                                   | (~Q(status=LineStatus.PENDING) & Q(decided_at__isnull=False)
                                      & Q(decided_by__isnull=False)),
                                   name="handoverline_decided_consistent"),
            models.CheckConstraint(condition=(Q(status=LineStatus.REFUSED) & ~Q(refusal_reason=""))
                                   | (~Q(status=LineStatus.REFUSED) & Q(refusal_reason="")),
                                   name="handoverline_refusal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("handover:project", args=[self.handover.project_id]) + f"#line-{self.pk}"

    @property
    def project(self) -> Project:
        return self.handover.project

    @property
    def kind_printed(self) -> str:
        return KIND_PRINTED.get(self.kind, self.kind)

    @property
    def medium_printed(self) -> str:
        return MEDIUM_PRINTED.get(self.medium, self.medium)
