"""Forms only validate shapes; the services decide. The entry page has no form class: its
2,000 rows are plain inputs read by ``views.entry`` (see ``rows_from_post``)."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .enums import ItemResult
from .models import NOTE_MAX
from .rows import MAX_ROWS, RowInput, parse_codes

MAX_PAYLOAD = 2 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=_l("results file (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                                                  "accept": ".xlsx,.csv"}))


class RowsError(ValueError):
    pass


def _int(value) -> int:
    if isinstance(value, bool):
        raise RowsError(_("The rows sent are not valid."))
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise RowsError(_("The rows sent are not valid.")) from None
    if not 0 <= number < 2**63:
        raise RowsError(_("The rows sent are not valid."))
    return number


def _row(data: dict, metrics: list[str]) -> RowInput:
    if not isinstance(data, dict):
        raise RowsError(_("The rows sent are not valid."))
    item_id = _int(data.get("id"))
    result = data.get("result") or ItemResult.PENDING
    if result not in ItemResult.values:
        raise RowsError(_("The rows sent are not valid."))
    measurements = data.get("measurements") or {}
    if not isinstance(measurements, dict):
        raise RowsError(_("The rows sent are not valid."))
    measurements = {str(k): v for k, v in measurements.items() if k in metrics and str(v if v is not None else "")}
    note = data.get("note") or ""
    if not isinstance(note, str):
        raise RowsError(_("The rows sent are not valid."))
    if len(note) > NOTE_MAX:
        raise RowsError(_("A note is too long (at most %(n)d characters).") % {"n": NOTE_MAX})
    version = data.get("version")
    return RowInput(label=_("position %(n)s") % {"n": data.get("position", item_id)}, item_id=item_id,
                    result=result, defects=parse_codes(data.get("defects")), measurements=measurements, note=note,
                    version=None if version in (None, "") else _int(version))


def _has_lone_surrogate(data) -> bool:
    """JSON may escape half a UTF-16 pair (``"\\ud800"``): such a string can be neither stored nor
    shown on a page (the messages repeat codes and labels), so the whole payload is refused."""
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


def rows_from_post(post, metrics: list[str]) -> list[RowInput]:
    """The entry page's rows: a JSON ``payload`` of the changed rows (sent by entry.js, one field
    whatever the number of rows), or — without JavaScript — the plain inputs ``v<id>`` (version),
    ``r<id>`` (result), ``d<id>`` (defect codes), ``n<id>`` (note), ``m<id>_<metric>``."""
    payload = post.get("payload")
    if payload:
        if len(payload) > MAX_PAYLOAD:
            raise RowsError(_("Too many rows at once (at most %(n)d).") % {"n": MAX_ROWS})
        try:
            data = json.loads(payload)
        except ValueError:
            raise RowsError(_("The rows sent are not valid.")) from None
        if not isinstance(data, list) or _has_lone_surrogate(data):
            raise RowsError(_("The rows sent are not valid."))
        if len(data) > MAX_ROWS:
            raise RowsError(_("Too many rows at once (at most %(n)d).") % {"n": MAX_ROWS})
        return [_row(d, metrics) for d in data]
    rows = []
    for key in post:
        if not (key.startswith("v") and key[1:].isdigit()):
            continue
        item_id = key[1:]
        rows.append(_row({
            "id": item_id, "version": post.get(key), "result": post.get(f"r{item_id}"),
            "defects": post.get(f"d{item_id}", ""), "note": post.get(f"n{item_id}", ""),
            "measurements": {m: post.get(f"m{item_id}_{m}", "") for m in metrics},
        }, metrics))
    return rows
