"""Technical disclosure (技术交底, §5.1.3, §8.1.3): the client's meeting with the contractor's
whole team, its content checklist and both parties' signatures. The signed record is the
basis of work; implementation cannot start before it (gate ``disclosure_signed``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import tracked_history
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from .enums import TOPIC_ORDER, Topic
from .signing import signing_problems


class TechnicalDisclosure(SignableMixin, models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="disclosures",
                                verbose_name=_("project"))
    number = models.PositiveSmallIntegerField(_("number"))
    meeting_date = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=200)
    note = models.TextField(_("note"), blank=True, max_length=5000)
    organised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organised by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = tracked_history()

    signature_roles = {Party.CLIENT: {ProjectRole.CLIENT_LEAD}, Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM}}
    signature_meanings = {Party.CLIENT: {SignatureMeaning.CONFIRM, SignatureMeaning.APPROVE},
                          Party.CONTRACTOR: {SignatureMeaning.CONFIRM}}

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("technical disclosure")
        verbose_name_plural = _("technical disclosures")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="disclosure_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="disclosure_number_positive"),
            models.CheckConstraint(condition=~Q(place=""), name="disclosure_place_required"),
        ]

    def __str__(self) -> str:
        return _("Technical disclosure No. %(n)s") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("disclosure:detail", args=[self.pk])

    def get_attachment_project(self) -> Project:
        return self.project

    def signed_content(self) -> dict:
        from apps.attachments.models import Attachment
        from django.contrib.contenttypes.models import ContentType

        items = {i.topic: i for i in self.items.all()}
        item_ct = ContentType.objects.get_for_model(DisclosureItem)
        files = {}
        for a in Attachment.objects.filter(content_type=item_ct, object_id__in=[i.pk for i in items.values()],
                                           is_removed=False).order_by("sha256"):
            files.setdefault(a.object_id, []).append(a.sha256)
        return {
            "project": self.project_id, "number": self.number, "meeting_date": self.meeting_date,
            "place": self.place, "note": self.note,
            "attendees": sorted([a.person_id, a.person.name] for a in self.attendees.select_related("person")),
            "items": {topic: {"text": items[topic].text if topic in items else "",
                              "files": files.get(items[topic].pk, []) if topic in items else []}
                      for topic in TOPIC_ORDER},
        }

    def signature_refusal(self) -> str | None:
        problems = signing_problems(self)
        return " ".join(problems) if problems else None


class DisclosureItem(models.Model):
    """One topic of the checklist: text, attachments, or both."""

    disclosure = models.ForeignKey(TechnicalDisclosure, on_delete=models.PROTECT, related_name="items",
                                   verbose_name=_("technical disclosure"))
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    text = models.TextField(_("content"), blank=True, max_length=20000)

    history = tracked_history()

    class Meta:
        ordering = ["disclosure", "pk"]
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "topic"], name="disclosureitem_topic_unique"),
            models.CheckConstraint(condition=Q(topic__in=Topic.values), name="disclosureitem_topic_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.disclosure} · {self.get_topic_display()}"

    def get_absolute_url(self) -> str:
        return self.disclosure.get_absolute_url() + f"#item-{self.topic}"

    def get_attachment_project(self) -> Project:
        return self.disclosure.project


class DisclosureAttendee(models.Model):
    disclosure = models.ForeignKey(TechnicalDisclosure, on_delete=models.PROTECT, related_name="attendees",
                                   verbose_name=_("technical disclosure"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("attendee"))

    history = tracked_history()

    class Meta:
        ordering = ["disclosure", "person__name"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [models.UniqueConstraint(fields=["disclosure", "person"], name="disclosureattendee_unique")]

    def __str__(self) -> str:
        return str(self.person)
