"""Reads: signatures of a record or project, each checked against the record as it is now."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from apps.projects.selectors import project_for_user, projects_visible_to

from . import hashing
from .models import Signature
from .registry import NotSignable, signables

REASON_VALID = _("valid")
REASON_CHANGED = _("The record was changed after signing.")
REASON_MOVED = _("The signature does not belong to this record (binding mismatch).")
REASON_MISSING = _("The signed record no longer exists.")
REASON_NOT_SIGNABLE = _("The record type is no longer signable.")
REASON_OTHER_PROJECT = _("The record now belongs to another project.")


@dataclass
class SignatureCheck:
    signature: Signature
    valid: bool
    reason: str
    changed_fields: list[str] = field(default_factory=list)
    record: Any = None

    def __iter__(self):  # unpacks as (signature, valid, reason)
        return iter((self.signature, self.valid, self.reason))


@dataclass
class _Current:
    """The record as it is now, looked up once per record during one verification."""

    record: Any = None
    problem: str | None = None
    digest: str | None = None
    content: dict | None = None
    project_id: Any = None


def _current(signature: Signature, cache: dict) -> _Current:
    key = (signature.content_type_id, signature.object_id)
    if key not in cache:
        model = ContentType.objects.get_for_id(signature.content_type_id).model_class()
        if model is None or not signables.is_signable(model):
            cache[key] = _Current(problem=str(REASON_NOT_SIGNABLE))
        else:
            record = model._base_manager.filter(pk=signature.object_id).first()
            if record is None:
                cache[key] = _Current(problem=str(REASON_MISSING))
            else:
                signable = signables.get(model)
                content = signable.signed_content(record)
                project = signable.project_of(record)
                cache[key] = _Current(record=record, digest=hashing.content_hash(content), content=content,
                                      project_id=getattr(project, "pk", None))
    return cache[key]


def _changed_fields(signature: Signature, content: dict | None) -> list[str]:
    """Names (never values: they may be classified) of the signed fields that differ now."""
    if content is None:
        return []
    try:
        signed = json.loads(signature.signed_content)
        now = json.loads(hashing.canonical_json(content))
    except (TypeError, ValueError):
        return []
    return sorted(k for k in set(signed) | set(now) if signed.get(k) != now.get(k))


def _snapshot_intact(signature: Signature) -> bool:
    try:
        return hashing.content_hash(json.loads(signature.signed_content)) == signature.content_hash
    except (TypeError, ValueError):
        return False


def signature_check(signature: Signature, *, _cache: dict | None = None) -> SignatureCheck:
    """Check one signature: its row is intact and bound to its record, the record still exists
    in the same project, and its signed content is unchanged."""
    from .services import binding_of

    cache = {} if _cache is None else _cache
    if not hashing.bindings_equal(binding_of(signature), signature.record_binding) or not _snapshot_intact(signature):
        return SignatureCheck(signature, False, str(REASON_MOVED))
    current = _current(signature, cache)
    if current.problem:
        return SignatureCheck(signature, False, current.problem)
    if current.project_id != signature.project_id:
        return SignatureCheck(signature, False, str(REASON_OTHER_PROJECT), record=current.record)
    if not hashing.bindings_equal(current.digest, signature.content_hash):
        return SignatureCheck(signature, False, str(REASON_CHANGED), _changed_fields(signature, current.content),
                              current.record)
    return SignatureCheck(signature, True, str(REASON_VALID), record=current.record)


def signature_is_valid(signature: Signature) -> bool:
    """True if the signature row is intact, belongs to its record, and the record's signed
    content is still what was signed."""
    return signature_check(signature).valid


def signatures_for(record: models.Model) -> list[Signature]:
    """The record's signatures, oldest first, each with ``is_valid``, ``reason`` and
    ``changed_fields`` set."""
    if record is None or record.pk is None:
        return []
    cache: dict = {}
    result = []
    for signature in Signature.objects.for_record(record).select_related("signer"):
        check = signature_check(signature, _cache=cache)
        signature.is_valid, signature.reason, signature.changed_fields = check.valid, check.reason, check.changed_fields
        result.append(signature)
    return result


def project_signatures_verify(*, project) -> list[SignatureCheck]:
    """Every signature of the project, checked. Each item unpacks as (signature, valid, reason)."""
    cache: dict = {}
    return [signature_check(s, _cache=cache)
            for s in Signature.objects.filter(project=project).select_related("content_type", "signer")]


def signable_record_for_user(user, *, content_type_id: int, object_id: int) -> tuple[models.Model, Any]:
    """The signable record and its project if the user may see the project; 404 otherwise."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None:
        raise Http404
    try:
        signable = signables.get(model)
    except NotSignable:
        raise Http404 from None
    record = model._default_manager.filter(pk=object_id).first()
    if record is None:
        raise Http404
    project = signable.project_of(record)
    if project is None or not projects_visible_to(user).filter(pk=project.pk).exists():
        raise Http404
    return record, project


__all__ = ["project_for_user", "project_signatures_verify", "signable_record_for_user", "signature_check",
           "signature_is_valid", "signatures_for", "SignatureCheck"]
