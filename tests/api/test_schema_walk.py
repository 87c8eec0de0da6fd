"""Every status code the API answers is documented for its operation, and none is a 500.

Generated from the OpenAPI schema (the one ``/api/schema/`` serves): for every operation it
sends a handful of requests (anonymous, a person of another organisation, a missing id, a
regulator, the client's lead and the contractor's PM with a valid-ish body made from the
schema, a malformed body, a malformed or repeated value of each query parameter) and checks
each answer's status against the operation's ``responses``. Malformed input must not be
accepted (no 2xx) and every error is the API's JSON (``detail`` and ``code``).

Each operation runs in a savepoint that is rolled back, so all of them see the same project.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from .walk import (
    MISSING_ID,
    Clients,
    build,
    detail_ids,
    load_schema,
    operations,
    path_for,
    record_ids,
    resolve,
    send,
    valid_body,
    valid_value,
)

pytestmark = pytest.mark.django_db


def _bad_query_value(schema: dict, param: dict):
    prop = resolve(schema, param.get("schema", {}))
    if param["name"] == "page_size":
        return "1000"
    if param["name"] == "page":
        return "0"
    if prop.get("enum"):
        return "no-such-choice"
    return {"integer": "abc", "number": "abc", "boolean": "maybe"}.get(
        prop.get("type"), "2026-02-30" if prop.get("format") == "date" else "a\x00b")


class Walk:
    def __init__(self, world):
        self.w = world
        self.clients = Clients(world)
        self.schema = load_schema()
        self.ops = operations(self.schema)
        self.ids = record_ids(self.ops, self.clients, world)
        self.requests = 0
        self.undocumented: list[str] = []
        self.accepted: list[str] = []
        self.not_json: list[str] = []

    def check(self, op, label: str, response, *, malformed: bool = False) -> None:
        self.requests += 1
        code = response.status_code
        if code not in op.documented:
            self.undocumented.append(f"{op} [{label}] answered {code}, documented {sorted(op.documented)}")
        if malformed and code < 300:
            self.accepted.append(f"{op} [{label}] accepted ({code})")
        if code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = None
            if not (isinstance(body, dict) and "detail" in body and "code" in body):
                self.not_json.append(f"{op} [{label}] {code}: {response.content[:80]!r}")

    def body_kwargs(self, op) -> dict:
        if not op.body_types:
            return {}
        if op.multipart_only:
            from .walk import multipart_body

            return {"body": multipart_body(op, self.w), "multipart": True}
        return {"body": valid_body(op, self.w)}

    def run(self, op, turn: int) -> None:
        w, path = self.w, path_for(op, self.w, self.ids)
        kwargs = self.body_kwargs(op)
        self.check(op, "anonymous", send(self.clients(None), op.method, path, **kwargs))
        if op.project_scoped:
            self.check(op, "other organisation", send(self.clients("outsider"), op.method, path, **kwargs))
            other = path_for(op, w, self.ids, project_pk=w.other_project.pk)
            self.check(op, "other organisation's project", send(self.clients("lead"), op.method, other, **kwargs))
        if "{id}" in op.path and not op.path.startswith("/api/v1/projects/{id}"):
            missing = path_for(op, w, self.ids, record_id=MISSING_ID)
            self.check(op, "missing id", send(self.clients("lead"), op.method, missing, **kwargs))
        self.check(op, "regulator", send(self.clients("regulator"), op.method, path, **self.body_kwargs(op)))
        actor = None
        for who in ("pm", "lead"):  # one of them usually has the wrong role
            # A POST carries an Idempotency-Key; one that was carried out is sent again: 409.
            key = {"HTTP_IDEMPOTENCY_KEY": f"walk-{turn}-{who}"} if op.method == "post" else {}
            response = send(self.clients(who), op.method, path, headers=key, **self.body_kwargs(op))
            self.check(op, who, response)
            if response.status_code not in (401, 403, 404):
                actor = who
            if key and response.status_code < 300:
                self.check(op, f"{who} again", send(self.clients(who), op.method, path, headers=key,
                                                     **self.body_kwargs(op)))
        actor = actor or "lead"
        if op.body_types and not op.multipart_only:
            client = self.clients(actor)
            self.check(op, "not JSON", send(client, op.method, path, raw=b'{"reason": ', content_type="application/json"),
                       malformed=True)
            garbage = {name: {"nested": [None, {"x": []}]} for name in valid_body(op, w)}
            if garbage:
                self.check(op, "nested garbage", send(client, op.method, path, body=garbage), malformed=True)
            self.check(op, "text/plain", send(client, op.method, path, raw=b"reason=x", content_type="text/plain"),
                       malformed=True)
        if op.multipart_only:
            self.check(op, "JSON to multipart", send(self.clients(actor), op.method, path, body={"kind": "scan"}),
                       malformed=True)
        for param in op.query_parameters:
            self.query(op, path, actor, param, turn)

    def query(self, op, path: str, actor: str, param: dict, turn: int) -> None:
        """A bad value, the value twice and the value as an array (``name[]``); ``page`` and
        ``page_size`` (one class for every list) get one of the three in turn."""
        name, client = param["name"], self.clients(actor)
        good = valid_value(self.schema, name, param.get("schema", {}), self.w)
        good = "1" if name in ("page", "page_size") else str(good).lower() if isinstance(good, bool) else good
        variants = [(f"{name}=bad", {name: _bad_query_value(self.schema, param)}),
                    (f"{name} twice", [(name, good), (name, good)]),
                    (f"{name}[]", {f"{name}[]": good})]
        if name in ("page", "page_size"):
            variants = [variants[(turn + (name == "page")) % 3]]
        for label, query in variants:
            kwargs = {"body": {}} if op.method != "get" else {}
            self.check(op, label, send(client, op.method, path, query=query, **kwargs), malformed=True)


def test_every_answer_of_every_operation_is_documented(world, capsys):
    walk = Walk(build(world))
    assert len(walk.ops) > 150
    for turn, op in enumerate(walk.ops):
        with transaction.atomic():
            walk.run(op, turn)
            transaction.set_rollback(True)
    with capsys.disabled():
        print(f"\nschema walk: {len(walk.ops)} operations, {walk.requests} requests, "
              f"{len(walk.undocumented)} undocumented, {len(walk.accepted)} malformed accepted, "
              f"{len(walk.not_json)} not JSON")
    problems = walk.undocumented + walk.accepted + walk.not_json
    assert problems == [], "\n".join(problems)


def test_every_detail_path_is_walked_with_a_record(world):
    """The ``{id}`` of every detail path is a record the walk world has (on the path's project,
    ``walk.project_for``): a new resource without records in ``walk.build`` is noticed here
    instead of being walked with a missing id only."""
    w = build(world)
    ops = operations(load_schema())
    ids = record_ids(ops, Clients(w), w)
    missing = [str(op) for op in ops
               if "{id}" in op.path and not op.path.startswith("/api/v1/projects/{id}")
               and detail_ids(op, ids) == [MISSING_ID]]
    assert missing == []
