"""The seeded templates are the standard's own words (§7.2 Tables 1–5, §7.2 defects, Annex B)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from apps.inspections import standard
from apps.inspections.enums import DefectGrade
from apps.inspections.models import CheckItemTemplate, DefectTemplate

pytestmark = pytest.mark.django_db

STANDARD = Path(settings.BASE_DIR).parent / "shared" / "seed" / "DA-T-68.6-quality-assurance-draft.txt"


@pytest.fixture(scope="module")
def text():
    if not STANDARD.exists():
        pytest.skip("the standard's text is not beside the project")
    return STANDARD.read_text(encoding="utf-8")


def test_every_check_item_is_worded_as_in_the_standard(text):
    for row in standard.check_item_rows():
        name = re.sub(r"（[温湿]度）$", "", row["name"])
        assert f"\t{name}\n" in text, name
        assert f"\t{row['requirement']}\n" in text, row["requirement"]
        assert f"\t{row['method']}\n" in text, row["method"]
        if row["remark"]:
            assert f"\t{row['remark']}\n" in text


def test_every_defect_is_worded_as_in_the_standard(text):
    for row in standard.defect_rows():
        if row["name"].endswith(standard.INDICATOR_SUFFIX) and row["check_item_code"]:
            # The system's own defect for an out-of-limit indicator: named after the Table row.
            name = re.sub(r"（[温湿]度）$", "", row["name"].removesuffix(standard.INDICATOR_SUFFIX))
            assert f"\t{name}\n" in text, row["name"]
            continue
        assert row["name"] in text, row["name"]
    for grade in DefectGrade.values:
        assert standard.GRADE_DEFINITIONS[grade] in text
        for case in standard.GRADE_CASES[grade]:
            assert case in text


def test_every_numeric_indicator_has_a_defect_to_judge_it_with():
    linked = {row["check_item_code"] for row in standard.defect_rows()}
    for item in standard.check_item_rows():
        if item.get("metric"):
            assert item["code"] in linked, item["name"]


def test_table_rows_in_the_standards_order(text):
    rows = [r for r in standard.check_item_rows() if r["service_type"] == "digitization"]
    assert [r["name"] for r in rows] == ["图像分辨率", "图像偏斜度", "图像完整性", "图像清晰度", "图像裁剪", "色彩还原度",
                                         "文件命名", "目录数据", "条目与图像挂接", "图像格式"]
    positions = [text.index(f"\t{r['name']}\n") for r in rows]
    assert positions == sorted(positions)


def test_migration_seeded_the_templates():
    assert CheckItemTemplate.objects.count() == len(standard.check_item_rows()) == 42
    assert DefectTemplate.objects.count() == len(standard.defect_rows())
    dpi = CheckItemTemplate.objects.get(code="DIG-01")
    assert (dpi.name, dpi.requirement, dpi.method, dpi.metric, dpi.min_value) == (
        "图像分辨率", "≥300dpi（或按合同约定）", "逐件/抽检", "dpi", 300)
    ocr = CheckItemTemplate.objects.get(code="DAT-01")
    assert ocr.remark == "手写体除外" and ocr.min_value == 95
    assert DefectTemplate.objects.get(code="DIG-F1").name == "缺页漏扫"
    assert DefectTemplate.objects.get(code="DIG-F1").check_item_code == "DIG-03"
    assert DefectTemplate.objects.filter(service_type="arrangement", grade="serious").count() == 3
    # Consulting and other services start from Annex B's common cases (§7.2.6).
    assert DefectTemplate.objects.filter(service_type="other").count() == 12


def test_numeric_items_have_the_standards_limits():
    limits = {t.metric: (t.min_value, t.max_value) for t in CheckItemTemplate.objects.exclude(metric="")}
    assert limits == {"dpi": (300, None), "skew_deg": (None, 1), "border_mm": (None, 3), "temperature_c": (14, 24),
                      "humidity_pct": (45, 60), "retrieval_hours": (None, 24), "drills_per_year": (1, None),
                      "cctv_days": (90, None), "ocr_accuracy_pct": (95, None)}
