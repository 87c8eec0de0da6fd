"""Rows of results checked against the sample, the defect catalogue and the measured check
items, in named steps: which item the row names, whether it is stale, its note, its defects,
its measurements (judged), and the result they give. Nothing is written here; the service
saves what :func:`resolve_rows` returns, or refuses every error at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.text import clean_line
from apps.inspections.enums import DefectGrade

from . import integration
from .enums import ItemResult
from .models import NOTE_MAX, SampledItem
from .rows import MAX_DEFECTS_PER_ITEM, RowInput, json_number, parse_number

GRADE_RANK = {g: i for i, g in enumerate(DefectGrade.values)}  # 0 = most severe


class RowRefused(Exception):
    """One row cannot be saved: ``message`` says why (``stale``: someone else saved the item)."""

    def __init__(self, message: str, *, stale: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.stale = stale


@dataclass
class Resolved:
    item: SampledItem
    result: str
    defect_types: list  # DefectType instances
    measurements: dict
    note: str


@dataclass
class Resolution:
    """What :func:`resolve_rows` found: the rows to save, or the errors (row label + reason)."""

    rows: list[Resolved] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stale: bool = False


class SampleIndex:
    """The sampled items by id, position, archive code and file name (codes and names compared
    without case and surrounding spaces)."""

    def __init__(self, items: dict[int, SampledItem]) -> None:
        self.by_id = items
        self.by_position = {i.position: i for i in items.values()}
        self.by_code: dict[str, SampledItem] = {}
        self.by_file: dict[str, SampledItem] = {}
        for item in items.values():
            batch_item = item.batch_item
            if batch_item is None:
                continue
            self.by_code[batch_item.archive_code.strip().lower()] = item
            if batch_item.file_name:
                self.by_file[batch_item.file_name.strip().lower()] = item

    def find(self, row: RowInput) -> SampledItem:
        """The item ``row`` names by id, position, archive code or file name (in that order)."""
        if row.item_id is not None:
            item = self.by_id.get(row.item_id)
        elif row.position is not None:
            item = self.by_position.get(row.position)
        elif row.archive_code:
            item = self.by_code.get(row.archive_code.strip().lower())
        elif row.file_name:
            item = self.by_file.get(row.file_name.strip().lower())
        else:
            raise RowRefused(_("the row does not say which item it is (position, archive code or file name)"))
        if item is None:
            raise RowRefused(_("this item is not in the sample of this inspection"))
        return item


def resolve_rows(rows: list[RowInput], *, catalogue: dict, numeric: dict,
                 items: dict[int, SampledItem]) -> Resolution:
    """Validate every row against the sample, the catalogue and the check items; judge the
    measurements. Every row is checked, so that one answer lists every error."""
    index = SampleIndex(items)
    outcome = Resolution()
    seen: set[int] = set()
    for row in rows:
        try:
            item = index.find(row)
            if item.pk in seen:
                raise RowRefused(_("item %(n)d is given more than once") % {"n": item.position})
            seen.add(item.pk)
            outcome.rows.append(resolve_row(row, item, catalogue=catalogue, numeric=numeric))
        except RowRefused as exc:
            outcome.errors.append(f"{row.label}：{exc.message}")
            outcome.stale = outcome.stale or exc.stale
    return outcome


def resolve_row(row: RowInput, item: SampledItem, *, catalogue: dict, numeric: dict) -> Resolved:
    """One row for ``item``: checked, measured, judged (raises :class:`RowRefused`)."""
    if row.version is not None and row.version != item.version:
        raise RowRefused(_("item %(n)d was changed by someone else meanwhile; reload the page and enter it again")
                         % {"n": item.position}, stale=True)
    if row.result is not None and row.result not in ItemResult.values:
        raise RowRefused(_("unknown result"))
    note = _note(row, item)
    defect_types = _defect_types(row, catalogue)
    measurements, failing = _measure(row, numeric)
    if row.result == ItemResult.PENDING:
        if defect_types:
            raise RowRefused(_("an item not checked yet cannot have defects"))
        return Resolved(item, row.result, [], measurements, note)
    _add_linked_defects(defect_types, failing, catalogue)
    result = _judged_result(row.result, defect_types, failing)
    return Resolved(item, result, defect_types, measurements, note)


def _note(row: RowInput, item: SampledItem) -> str:
    if row.note is None:
        return item.note
    try:  # one line, as on the entry page (NUL, line breaks and lone surrogates refused)
        return clean_line(str(row.note), field="note", label=_("note"), required=False, max_length=NOTE_MAX)
    except DomainError as exc:
        raise RowRefused(exc.message) from None


def _defect_types(row: RowInput, catalogue: dict) -> list:
    if len(row.defects) > MAX_DEFECTS_PER_ITEM:
        raise RowRefused(_("too many defects for one item"))
    unknown = [c for c in row.defects if c not in catalogue]
    if unknown:
        raise RowRefused(_("unknown defect code %(codes)s for this service type") % {"codes": "、".join(unknown)})
    return [catalogue[c] for c in row.defects]


def _measure(row: RowInput, numeric: dict) -> tuple[dict, list]:
    """The row's measured values (for JSON) and the (check item, value) pairs that fail."""
    measurements: dict = {}
    failing: list = []
    for metric, raw in (row.measurements or {}).items():
        check_item = numeric.get(metric)
        if check_item is None:
            raise RowRefused(_("“%(metric)s” is not a measured check item of this service type") % {"metric": metric})
        try:
            number = parse_number(raw)
        except ValueError:
            raise RowRefused(_("%(item)s: “%(value)s” is not a number") % {"item": check_item.name, "value": raw}) \
                from None
        if number is None:
            continue
        measurements[metric] = json_number(number)
        if integration.judge(check_item, number) is False:
            failing.append((check_item, number))
    return measurements, failing


def _add_linked_defects(defect_types: list, failing: list, catalogue: dict) -> None:
    """A failing measurement is a defect: the defect type linked to that check item (the least
    severe when several are), unless the inspector named one for it already."""
    for check_item, _value in failing:
        if any(d.check_item_id == check_item.pk for d in defect_types):
            continue
        linked = sorted((d for d in catalogue.values() if d.check_item_id == check_item.pk),
                        key=lambda d: -GRADE_RANK.get(d.grade, 0))
        if linked:
            defect_types.append(linked[0])


def _judged_result(result: str | None, defect_types: list, failing: list) -> str:
    """The result given (or derived: defective when a defect is named or a value fails), refused
    when the defects and measurements contradict it."""
    if result is None:
        result = ItemResult.DEFECTIVE if (defect_types or failing) else ItemResult.CONFORMING
    if result == ItemResult.CONFORMING and failing:
        check_item, value = failing[0]
        raise RowRefused(_("%(item)s measured %(value)s does not meet “%(requirement)s”: the item cannot be conforming")
                         % {"item": check_item.name, "value": value, "requirement": check_item.requirement})
    if result == ItemResult.CONFORMING and defect_types:
        raise RowRefused(_("a conforming item cannot have defects"))
    if result == ItemResult.DEFECTIVE and not defect_types:
        if failing:
            check_item, value = failing[0]
            raise RowRefused(_("%(item)s measured %(value)s does not meet “%(requirement)s”: choose the defect")
                             % {"item": check_item.name, "value": value, "requirement": check_item.requirement})
        raise RowRefused(_("choose at least one defect for a defective item"))
    return result
