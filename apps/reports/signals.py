"""Keep stored forms current: a save of a watched model queues the form's regeneration.

This is cache maintenance, not a business rule: the stored PDF must follow its record.
"""

from __future__ import annotations

from django.db.models.signals import post_save


def watch_models(spec) -> None:
    for model, to_record in spec.watch.items():
        def handler(sender, instance, raw=False, _spec=spec, _to_record=to_record, **kwargs):
            if raw:
                return
            record = _to_record(instance)
            if record is not None and record.pk is not None:
                from .services import forms_refresh_for

                forms_refresh_for(spec=_spec, record=record)

        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"reports-{spec.code}-{model._meta.label}")
