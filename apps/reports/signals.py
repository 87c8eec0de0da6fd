"""Keep stored forms current: a save of a watched model queues the form's regeneration.

This is cache maintenance, not a business rule: the stored PDF must follow its record. The
check runs after the transaction commits (nothing to do when it rolls back, and a failure is
logged, never raised into the request that saved the record).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save


def _refresh_after_commit(spec, record) -> None:
    def refresh():
        from .services import forms_refresh_for

        forms_refresh_for(spec=spec, record=record)

    transaction.on_commit(refresh, robust=True)


def watch_models(spec) -> None:
    for model, to_record in spec.watch.items():
        def handler(sender, instance, raw=False, _spec=spec, _to_record=to_record, **kwargs):
            if raw:
                return
            record = _to_record(instance)
            if record is not None and record.pk is not None:
                _refresh_after_commit(_spec, record)

        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"reports-{spec.code}-{model._meta.label}")
