"""Malformed input anywhere in a body is refused with 400 naming the field, and nothing is saved
(security.md row 22).

Generated from the OpenAPI schema: for every operation that takes a body, the person the
operation is for (the first of the project's people not refused with 403/404) sends a valid-ish
body with one field replaced by a bad value made from the field's type: dates that are not dates
or lie outside 1900–2199, 100,000 characters, NUL, a lone surrogate, CR/LF in a single-line field,
another control character in a multi-line one, an unknown choice, numbers out of range, a list
where a value is expected, an object, garbage nested in a list. The answer must be 400 with the
field in ``errors`` and the history of every model unchanged. A body that is not JSON, a JSON list
instead of an object, NaN/1e400, nesting 100,000 deep and a wrong content type are refused too.

Each request runs in a savepoint that is rolled back, so every one meets the same project.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from apps.core.rest.schema import SINGLE_LINE_PATTERN

from .walk import (
    ACTORS,
    Clients,
    build,
    detail_ids,
    history_rows,
    load_schema,
    multipart_body,
    operations,
    path_for,
    properties,
    record_ids,
    resolve,
    send,
    valid_body,
)

pytestmark = pytest.mark.django_db

HUGE = "档" * 100_000


def _common(turn: int):
    return [("list", ["x"]), ("object", {"x": {"y": [None]}})][turn % 2]


def _text(prop: dict, turn: int) -> list:
    length = prop.get("maxLength", 100_000 - 1) + 1
    values = [(f"{length} characters", "x" * length),
              [("NUL", "前\x00后"), ("lone surrogate", "前\ud800后"), ("100k characters", HUGE), _common(turn)][turn % 4]]
    if prop.get("pattern") == SINGLE_LINE_PATTERN:
        values.append(("CR LF", "第一行\r\n第二行"))
    elif prop.get("pattern"):
        values.append(("bell", "响\x07铃"))
    return values


def _string(prop: dict, turn: int) -> list:
    fmt = prop.get("format")
    if fmt == "date":
        return [("30 February", "2026-02-30"), [("year 1", "0001-01-01"), ("year 9999", "9999-12-31")][turn % 2],
                ("number", 20260101), _common(turn)]
    if fmt == "date-time":
        return [("month 13", "2026-13-01T08:00:00"), ("year 1", "0001-01-01T00:00:00"),
                ("year 9999", "9999-12-31T23:59:59"), _common(turn)]
    if fmt == "binary":
        return [("text for a file", "not a file")]
    if fmt == "decimal" or prop.get("pattern", "").startswith("^-?"):
        return [("NaN", "NaN"), ("huge", "1e999"), ("letters", "abc"), _common(turn)]
    return _text(prop, turn)


def _number(prop: dict, turn: int) -> list:
    values = [("letters", "abc"), _common(turn)]
    if prop.get("type") == "integer":
        values.append(("fraction", 1.5))
    if "minimum" in prop:
        values.append(("below minimum", prop["minimum"] - 1))
    values.append(("above maximum", prop["maximum"] + 1) if "maximum" in prop else ("2^64", 2**64))
    return values


def _array(schema: dict, prop: dict, turn: int) -> list:
    item = resolve(schema, prop.get("items", {}))
    values = [[("text for a list", "x"), ("object for a list", {"x": 1})][turn % 2]]
    nested = bad_values(schema, item, turn)
    if nested:
        values.append((f"item: {nested[0][0]}", [nested[0][1]]))
    if item.get("type") == "object" or "properties" in item:
        values.append(("garbage item", ["x", {"nested": [[[]]]}]))
    if "maxItems" in prop:
        values.append(("too many items", [None] * (prop["maxItems"] + 1)))
    return values


def bad_values(schema: dict, prop: dict, turn: int = 0) -> list[tuple[str, object]]:
    """(label, value) pairs the field must refuse: those of its type, and one of the values every
    field refuses (a list, an object, NUL, a lone surrogate, 100,000 characters), in turn."""
    prop = resolve(schema, prop)
    if "oneOf" in prop or "anyOf" in prop:
        prop = next(resolve(schema, p) for p in prop.get("oneOf", prop.get("anyOf")) if p.get("type") != "null")
    kind = prop.get("type")
    if prop.get("enum"):
        return [("unknown choice", "no-such-choice"), _common(turn)]
    if kind == "string":
        return _string(prop, turn)
    if kind in ("integer", "number"):
        return _number(prop, turn)
    if kind == "boolean":
        return [("maybe", "maybe"), ("number 2", 2), _common(turn)]
    if kind == "array":
        return _array(schema, prop, turn)
    if kind == "object" or "properties" in prop:
        return [("text for an object", "x"), ("list for an object", [1])]
    return []


WHOLE_BODIES = [
    ("not JSON", b'{"reason": ', "application/json", 400),
    ("JSON list", b"[1, 2]", "application/json", 400),
    ("JSON null", b"null", "application/json", 400),
    ("NaN", b'{"reason": NaN, "version": NaN}', "application/json", 400),
    ("1e400", b'{"version": 1e400, "reason": 1e400}', "application/json", 400),
    ("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    ("not UTF-8", b'{"reason": "\xff\xfe"}', "application/json", 400),
    ("NUL in a key", b'{"re\\u0000ason": "x"}', "application/json", 400),
    ("text/plain", b"reason=x", "text/plain", 415),
]


class Sweep:
    def __init__(self, world):
        self.w = world
        self.clients = Clients(world)
        self.schema = load_schema()
        self.ops = [op for op in operations(self.schema) if op.body_types and op.path != "/api/v1/auth/token/"]
        self.ids = record_ids(operations(self.schema), self.clients, world)
        self.requests = 0
        self.reached: list[str] = []
        self.unreached: list[str] = []
        self.problems: list[str] = []

    def send(self, who: str, op, path: str, **kwargs):
        """One request in a savepoint that is rolled back; the answer and whether history grew."""
        with transaction.atomic():
            before = history_rows()
            response = send(self.clients(who), op.method, path, **kwargs)
            saved = history_rows() != before
            transaction.set_rollback(True)
        self.requests += 1
        return response, saved

    def body(self, op) -> dict:
        return multipart_body(op, self.w) if op.multipart_only else valid_body(op, self.w)

    def target(self, op) -> tuple[str, str] | None:
        """The (person, path) whose request reaches the validation of the body: the valid-ish body
        is not refused with 403 or 404, and a body of garbage in every field is answered with the
        fields' errors (not with a refusal of the record's state, which comes first)."""
        probe = {name: {"probe": [None]} for name in properties(self.schema, op.body_schema)}
        if op.multipart_only:
            probe = {name: "探测" for name in probe}
        for record_id in detail_ids(op, self.ids):
            path = path_for(op, self.w, self.ids, record_id=record_id or None)
            for who in ACTORS:
                response, _saved = self.send(who, op, path, body=probe, multipart=op.multipart_only)
                if response.status_code != 400 or not response.json().get("errors"):
                    continue
                response, _saved = self.send(who, op, path, body=self.body(op), multipart=op.multipart_only)
                if response.status_code not in (401, 403, 404):
                    return who, path
        return None

    def expect_refused(self, op, label: str, response, saved: bool, *, field: str | None, status: int = 400):
        problem = None
        if response.status_code != status:
            problem = f"answered {response.status_code}"
        elif field is not None:
            data = response.json()
            named = data.get("field") or ""
            if field not in (data.get("errors") or {}) and not (named == field or named.startswith(field + ".")):
                problem = f"400 does not name the field: {data}"
        if saved:
            problem = (problem + "; " if problem else "") + "history rows were written"
        if problem:
            self.problems.append(f"{op} [{label}] {problem}")

    def run(self, op, turn: int) -> None:
        target = self.target(op)
        if target is None:
            self.unreached.append(str(op))
            return
        who, path = target
        self.reached.append(str(op))
        checks = []
        for i, (name, prop) in enumerate(properties(self.schema, op.body_schema).items()):
            for label, value in bad_values(self.schema, prop, turn + i):
                if op.multipart_only and (isinstance(value, (list, dict)) or "\ud800" in str(value)):
                    continue  # not expressible in a form
                checks.append((f"{name}: {label}", {"body": {**self.body(op), name: value}}, name, 400))
        if not op.multipart_only:
            # Every body goes through the same parser: two kinds each time, each kind on many operations.
            for label, raw, content_type, status in (WHOLE_BODIES[turn % len(WHOLE_BODIES)],
                                                     WHOLE_BODIES[(turn + 4) % len(WHOLE_BODIES)]):
                checks.append((label, {"raw": raw, "content_type": content_type}, None, status))
        with transaction.atomic():  # none of these may change anything: one count for all
            before = history_rows()
            for label, kwargs, field, status in checks:
                response = send(self.clients(who), op.method, path, multipart=op.multipart_only, **kwargs)
                self.requests += 1
                self.expect_refused(op, label, response, False, field=field, status=status)
            if history_rows() != before:
                self.problems.append(f"{op}: history rows were written by a refused request")
            transaction.set_rollback(True)


def test_malformed_bodies_are_refused_and_change_nothing(world, capsys):
    sweep = Sweep(build(world))
    assert len(sweep.ops) > 50
    for turn, op in enumerate(sweep.ops):
        sweep.run(op, turn)
    with capsys.disabled():
        print(f"\nmalformed bodies: {len(sweep.ops)} operations with a body, {len(sweep.reached)} reached, "
              f"{sweep.requests} requests, {len(sweep.problems)} problems; not reached: {sweep.unreached}")
    assert len(sweep.reached) >= len(sweep.ops) - 10
    assert sweep.problems == [], "\n".join(sweep.problems)
