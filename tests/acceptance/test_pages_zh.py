"""The pages in the default Chinese interface: the standard's terms, no raw values."""

from __future__ import annotations

import re

import pytest

from .builders import fail_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Overrides the directory's English: these tests read the default Chinese interface."""
    yield


RAW = re.compile(r">\s*(None|True|False|passed|failed|planning|reported|draft|complete|acceptance_expert)\s*<")


@pytest.mark.parametrize("who", ["lead", "acceptance", "pm", "regulator"])
def test_project_and_round_pages_in_chinese(w, login, who):
    acceptance_round = fail_round(w)
    client = login(getattr(w, who))
    body = client.get(f"/acceptance/projects/{w.project.pk}/").content.decode()
    for term in ("阶段关口", "验收合格", "项目角色", "单位", "轮次", "结论", "查看", "吴教授"):
        assert term in body, term
    assert not RAW.search(body), RAW.search(body)
    body = client.get(f"/acceptance/rounds/{acceptance_round.pk}/").content.decode()
    assert "部分图像偏斜" in body and "不接收" in body
    assert not RAW.search(body), RAW.search(body)
