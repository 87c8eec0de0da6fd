"""The words of DA/T 68.6 (draft) this app is built on: Tables 1–5 of §7.2, the defect lists of
§7.2.1–§7.2.5 and Annex B (表B.1 质量缺陷分级细则).

Copied verbatim from ``shared/seed/DA-T-68.6-quality-assurance-draft.txt`` (a test checks every
string still occurs in that file). Migration 0002 seeds the global templates from this module:
treat the lists as frozen — a change of wording needs a new data migration, not an edit here.

The standard prints “数据被纂改” (sic, for 篡改) in §7.2.5; it is kept as printed.
"""

from __future__ import annotations

from decimal import Decimal

from apps.projects.enums import ServiceType

from .enums import DefectGrade

# ---- §7.1.5 and Annex B: the three grades, their definition and common cases (表B.1).

GRADE_DEFINITIONS = {
    DefectGrade.FATAL: "导致档案实体丢失、严重损毁、数据泄露、数据篡改，或造成无法挽回损失、无法正常开展后续工作的严重问题",
    DefectGrade.SERIOUS: "影响服务成果核心质量、业务合规性，或可能引发安全隐患，需全面整改方可恢复正常的问题",
    DefectGrade.GENERAL: "不影响核心质量与安全，不影响业务正常开展，可快速整改、不遗留隐患的轻微问题",
}

GRADE_CASES = {
    DefectGrade.FATAL: ("档案实体丢失、严重损毁", "档案数据泄露、篡改", "缺页漏扫导致核心信息丢失",
                        "档案寄存、搬迁过程中发生重大安全事故"),
    DefectGrade.SERIOUS: ("保管期限错划、档号重号", "OCR识别准确率低于约定标准", "库房环境长期不达标",
                          "质量问题整改后仍不合格"),
    DefectGrade.GENERAL: ("图像轻微偏斜、黑边超标", "页号个别错漏", "资料填写个别笔误", "档案排架个别错位"),
}

# ---- §7.2: per service type, the clause, the table's title and the scope of the evaluation.

SERVICE_CLAUSES = {
    ServiceType.DIGITIZATION: ("7.2.1", "表1 档案数字化加工关键质量指标与检验方式"),
    ServiceType.ARRANGEMENT: ("7.2.2", "表2 档案整理的关键质量指标与检验方式"),
    ServiceType.STORAGE: ("7.2.3", "表3 档案寄存的关键质量指标与检验方式"),
    ServiceType.RELOCATION: ("7.2.4", "表4 档案搬迁的关键质量指标与检验方式"),
    ServiceType.DATA_PROCESSING: ("7.2.5", "表5 档案数据处理的关键质量指标与检验方式"),
}

CODE_PREFIX = {
    ServiceType.DIGITIZATION: "DIG",
    ServiceType.ARRANGEMENT: "ARR",
    ServiceType.STORAGE: "STO",
    ServiceType.RELOCATION: "REL",
    ServiceType.DATA_PROCESSING: "DAT",
    ServiceType.CONSULTING: "CON",
    ServiceType.OTHER: "OTH",
}


def _n(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# Each row: (name 检验项目, requirement 质量要求, method 检验方式, remark 备注,
#            metric, min, max, unit, absolute).
# Numeric limits are read from the requirement; where the requirement says “或按合同约定” /
# “如≤24小时” the figure is the default the client lead may change for the contract.
CHECK_ITEMS: dict[str, list[tuple]] = {
    ServiceType.DIGITIZATION: [
        ("图像分辨率", "≥300dpi（或按合同约定）", "逐件/抽检", "", "dpi", "300", None, "dpi", False),
        ("图像偏斜度", "≤1°或视觉无明显偏斜", "抽检", "", "skew_deg", None, "1", "°", True),
        ("图像完整性", "无缺页、漏扫、重复扫描", "逐件核对", "", "", None, None, "", False),
        ("图像清晰度", "字迹清晰可辨、无模糊失真", "人工目检", "", "", None, None, "", False),
        ("图像裁剪", "无信息裁切、黑边≤3mm", "抽检", "", "border_mm", None, "3", "mm", False),
        ("色彩还原度", "彩色件色彩无明显偏差", "抽检", "", "", None, None, "", False),
        ("文件命名", "符合编号规则、无乱码重名", "程序校验", "", "", None, None, "", False),
        ("目录数据", "字段完整、内容准确", "抽检比对", "", "", None, None, "", False),
        ("条目与图像挂接", "一一对应、无错挂漏挂", "程序+抽检", "", "", None, None, "", False),
        ("图像格式", "符合合同约定（TIFF/PDF等）", "程序校验", "", "", None, None, "", False),
    ],
    ServiceType.ARRANGEMENT: [
        ("保管期限划定", "符合档案保管期限表规定", "抽检", "", "", None, None, "", False),
        ("分类归属", "类目准确、无错归串归", "抽检", "", "", None, None, "", False),
        ("档号编制", "连续、唯一、无重号跳号", "逐件/程序", "", "", None, None, "", False),
        ("案卷标题", "准确概括、要素齐全", "抽检", "", "", None, None, "", False),
        ("目录著录", "字段完整、信息准确", "抽检比对", "", "", None, None, "", False),
        ("页号编制", "连续正确、位置规范", "抽检", "", "", None, None, "", False),
        ("排列顺序", "逻辑合理（时间/问题/重要性）", "抽检", "", "", None, None, "", False),
        ("装订质量", "牢固整齐、不遮挡文字", "逐卷目检", "", "", None, None, "", False),
        ("装盒/上架", "盒脊信息准确、排架有序", "抽检", "", "", None, None, "", False),
        ("备考表填写", "情况说明完整准确", "抽检", "", "", None, None, "", False),
    ],
    ServiceType.STORAGE: [
        # One row of Table 3 with two measured quantities: kept as two items, same words.
        ("温湿度控制（温度）", "温度14~24℃，湿度45%~60%", "实时监测", "", "temperature_c", "14", "24", "℃", False),
        ("温湿度控制（湿度）", "温度14~24℃，湿度45%~60%", "实时监测", "", "humidity_pct", "45", "60", "%", False),
        ("防火防水防盗", "设施完备、运行正常", "定期巡检", "", "", None, None, "", False),
        ("防虫防霉防尘", "无虫蛀霉变积尘现象", "定期检查", "", "", None, None, "", False),
        ("实体完好", "无丢失、无损毁、无非授权接触", "定期清点", "", "", None, None, "", False),
        ("出入库登记", "手续完备、记录完整可追溯", "逐次检查", "", "", None, None, "", False),
        ("调阅响应时效", "在约定时限内提供（如≤24小时）", "记录统计", "", "retrieval_hours", None, "24", "小时", False),
        ("归还完整性", "调阅后归还数量/状态一致", "逐次核对", "", "", None, None, "", False),
        ("应急演练", "每年不少于1次", "记录检查", "", "drills_per_year", "1", None, "次/年", False),
        ("监控覆盖", "库区/通道无死角、记录保存≥90天", "系统检查", "", "cctv_days", "90", None, "天", False),
    ],
    ServiceType.RELOCATION: [
        ("数量完整", "搬迁前后清点数量一致、零丢失", "逐箱清点", "", "", None, None, "", False),
        ("顺序准确", "排架顺序与原始位置对应图一致", "抽检核对", "", "", None, None, "", False),
        ("实体完好", "无新增折损、水渍、污染", "抽检目检", "", "", None, None, "", False),
        ("包装防护", "专用档案箱/周转箱，防震防潮", "逐箱检查", "", "", None, None, "", False),
        ("运输安全", "专车专运、全程押运、封签完整", "过程记录", "", "", None, None, "", False),
        ("交接记录", "双方签字确认、影像留存", "逐批检查", "", "", None, None, "", False),
    ],
    ServiceType.DATA_PROCESSING: [
        ("OCR识别准确率", "≥95%", "抽检比对", "手写体除外", "ocr_accuracy_pct", "95", None, "%", False),
        ("全文检索可用性", "检索结果与原文一致", "抽检验证", "", "", None, None, "", False),
        ("数据迁移完整性", "字段无丢失、记录数一致", "程序比对", "", "", None, None, "", False),
        ("格式转换保真度", "转换后内容、排版无失真", "抽检目检", "", "", None, None, "", False),
        ("数据一致性", "源数据与目标数据逻辑一致", "程序校验", "", "", None, None, "", False),
        ("关联关系正确性", "数据间关联/层级关系无错乱", "程序+抽检", "", "", None, None, "", False),
    ],
}

# §7.2.1–§7.2.5 a)–c): the defects of each service type per grade, one per enumerated case,
# with the Table row (by name) it is judged against where one plainly applies.
DEFECTS: dict[str, dict[str, list[tuple[str, str]]]] = {
    ServiceType.DIGITIZATION: {
        DefectGrade.FATAL: [("缺页漏扫", "图像完整性"), ("数据丢失", ""), ("严重挂接错误", "条目与图像挂接"),
                            ("文件损毁", "")],
        DefectGrade.SERIOUS: [("图像模糊不可辨", "图像清晰度"), ("元数据关键字段错误", "目录数据")],
        DefectGrade.GENERAL: [("轻微偏斜", "图像偏斜度"), ("黑边超标", "图像裁剪"), ("非关键字段错误", "目录数据")],
    },
    ServiceType.ARRANGEMENT: {
        DefectGrade.FATAL: [("档案丢失", ""), ("严重错分导致无法检索", "分类归属")],
        DefectGrade.SERIOUS: [("保管期限错划", "保管期限划定"), ("档号重号", "档号编制"), ("标题严重失实", "案卷标题")],
        DefectGrade.GENERAL: [("页号个别错漏", "页号编制"), ("装订轻微不齐", "装订质量")],
    },
    ServiceType.STORAGE: {
        DefectGrade.FATAL: [("档案实体丢失", "实体完好"), ("严重损毁", "实体完好"), ("发生泄密事件", "")],
        DefectGrade.SERIOUS: [("库房环境长期超标", "温湿度控制（温度）"), ("出入库记录缺失", "出入库登记"),
                              ("安防设施失效", "防火防水防盗")],
        DefectGrade.GENERAL: [("个别档案排架错位", ""), ("登记信息有轻微笔误", "出入库登记")],
    },
    ServiceType.RELOCATION: {
        DefectGrade.FATAL: [("档案实体丢失", "数量完整"), ("严重损毁", "实体完好"), ("发生泄密事件", "")],
        DefectGrade.SERIOUS: [("档案整批排架顺序错乱", "顺序准确"), ("搬迁交接记录缺失", "交接记录")],
        DefectGrade.GENERAL: [("个别档案排架错位", "顺序准确"), ("包装箱体标识有轻微笔误", "包装防护"),
                              ("交接记录个别要素填写不完整", "交接记录")],
    },
    ServiceType.DATA_PROCESSING: {
        DefectGrade.FATAL: [("数据丢失", "数据迁移完整性"), ("数据损毁", ""), ("数据被纂改", "数据一致性"),
                            ("发生泄密事件", "")],
        DefectGrade.SERIOUS: [("OCR识别准确率低于合同约定", "OCR识别准确率"),
                              ("数据迁移后关键字段内容错误", "数据迁移完整性"),
                              ("格式转换后内容出现失真", "格式转换保真度"),
                              ("数据关联关系或层级结构错乱", "关联关系正确性")],
        DefectGrade.GENERAL: [("格式转换后排版存在轻微偏差", "格式转换保真度")],
    },
}

# Numeric indicators of Tables 1, 3 and 5 that no defect of §7.2 names: a measured value out of
# the limit is still a defect, so the system adds one per indicator, named "<indicator>不达标" and
# graded by Annex B's definitions (严重: 影响服务成果核心质量…或可能引发安全隐患; 一般: 不影响核心
# 质量与安全). These are the system's wording, not the standard's; the client lead can regrade them
# in the project's catalogue. (service type, Table row name, grade)
INDICATOR_DEFECTS: list[tuple[str, str, str]] = [
    (ServiceType.DIGITIZATION, "图像分辨率", DefectGrade.SERIOUS),
    (ServiceType.STORAGE, "温湿度控制（湿度）", DefectGrade.SERIOUS),
    (ServiceType.STORAGE, "调阅响应时效", DefectGrade.GENERAL),
    (ServiceType.STORAGE, "应急演练", DefectGrade.SERIOUS),
    (ServiceType.STORAGE, "监控覆盖", DefectGrade.SERIOUS),
]
INDICATOR_SUFFIX = "不达标"

# §7.2.6: other services follow §7.1 — their catalogue starts from Annex B's common cases.
GENERIC_SERVICE_TYPES = (ServiceType.CONSULTING, ServiceType.OTHER)


def check_item_rows() -> list[dict]:
    """The check item templates, as field dicts (used by migration 0002 and the tests)."""
    rows = []
    for service_type, items in CHECK_ITEMS.items():
        prefix = CODE_PREFIX[service_type]
        for i, (name, req, method, remark, metric, lo, hi, unit, absolute) in enumerate(items, start=1):
            rows.append({
                "service_type": str(service_type), "code": f"{prefix}-{i:02d}", "name": name, "requirement": req,
                "method": method, "remark": remark, "metric": metric, "min_value": _n(lo), "max_value": _n(hi),
                "unit": unit, "absolute": absolute, "order": i,
            })
    return rows


GRADE_LETTER = {DefectGrade.FATAL: "F", DefectGrade.SERIOUS: "S", DefectGrade.GENERAL: "G"}


def defect_rows() -> list[dict]:
    """The defect templates, as field dicts: §7.2 per service type, Annex B's cases for the
    service types §7.2 does not list."""
    rows = []
    item_codes = {(r["service_type"], r["name"]): r["code"] for r in check_item_rows()}
    order = 0
    for service_type, grades in DEFECTS.items():
        prefix = CODE_PREFIX[service_type]
        clause = SERVICE_CLAUSES[service_type][0]
        for grade, cases in grades.items():
            for i, (name, item_name) in enumerate(cases, start=1):
                order += 1
                rows.append({
                    "service_type": str(service_type), "code": f"{prefix}-{GRADE_LETTER[grade]}{i}", "name": name,
                    "grade": str(grade), "order": order,
                    "description": f"§{clause}：{GRADE_DEFINITIONS[grade]}",
                    "check_item_code": item_codes.get((str(service_type), item_name), "") if item_name else "",
                })
    for service_type, item_name, grade in INDICATOR_DEFECTS:
        prefix = CODE_PREFIX[service_type]
        order += 1
        rows.append({
            "service_type": str(service_type), "code": f"{prefix}-{GRADE_LETTER[grade]}X{order}",
            "name": f"{item_name}{INDICATOR_SUFFIX}", "grade": str(grade), "order": order,
            "description": f"附录B：{GRADE_DEFINITIONS[grade]}",
            "check_item_code": item_codes[(str(service_type), item_name)],
        })
    for service_type in GENERIC_SERVICE_TYPES:
        prefix = CODE_PREFIX[service_type]
        for grade, cases in GRADE_CASES.items():
            for i, name in enumerate(cases, start=1):
                order += 1
                rows.append({
                    "service_type": str(service_type), "code": f"{prefix}-{GRADE_LETTER[grade]}{i}", "name": name,
                    "grade": str(grade), "order": order, "description": f"附录B：{GRADE_DEFINITIONS[grade]}",
                    "check_item_code": "",
                })
    return rows
