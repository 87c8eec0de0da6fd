"""Canonical form of signed content, its hash, and the binding of a signature to its record.

The content hash is SHA-256 over the canonical JSON of what the record declares as signed
(sorted keys, no ASCII escaping, no spaces). The record binding is an HMAC-SHA256 (key:
``settings.SIGNATURE_BINDING_KEY``, falling back to ``SECRET_KEY``) over the record's type
and id, the project, the signer, party, meaning, time, printed names and the content hash:
a signature row copied onto another record, or edited in the database, no longer matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models


class _CanonicalEncoder(json.JSONEncoder):
    """Values a record may put in its signed content, each in one stable spelling."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            if o.tzinfo is not None:
                o = o.astimezone(dt.timezone.utc)
            return o.isoformat()
        if isinstance(o, (dt.date, dt.time)):
            return o.isoformat()
        if isinstance(o, Decimal):
            # 95, 95.0 and 95.00 are the same number whatever the DB column's scale.
            return format(o.normalize(), "f")
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, models.Model):
            return o.pk
        if isinstance(o, (set, frozenset)):
            return sorted(o)
        return super().default(o)


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=_CanonicalEncoder)


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _binding_key() -> bytes:
    key = getattr(settings, "SIGNATURE_BINDING_KEY", "") or settings.SECRET_KEY
    return key.encode("utf-8") if isinstance(key, str) else key


def binding_payload(*, content_type_label: str, object_id: Any, project_id: int, signer_id: int, party: str,
                    meaning: str, signed_at: dt.datetime, content_hash: str, signer_name: str,
                    organization_name: str) -> str:
    return canonical_json({
        "record": f"{content_type_label}:{object_id}",
        "project": project_id,
        "signer": signer_id,
        "party": str(party),
        "meaning": str(meaning),
        "signed_at": signed_at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),
        "content_hash": content_hash,
        "signer_name": signer_name,
        "organization_name": organization_name,
    })


def record_binding(**fields: Any) -> str:
    return hmac.new(_binding_key(), binding_payload(**fields).encode("utf-8"), hashlib.sha256).hexdigest()


def bindings_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a or "", b or "")
