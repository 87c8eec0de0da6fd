"""Print the GB/T 2828.1 single sampling plan of a lot.

    python manage.py sampling_plan --lot 1000 --level II --aql 2.5 --regime normal [--json]

With ``--json`` exactly one JSON object is printed: ``{"code", "n", "ac", "re", "full_inspection"}``.
Without it, one readable Chinese line. Bad arguments give a Chinese message and exit status 2,
never a traceback. The output is in Chinese whatever the locale: the command is the
operators' quick look-up of the printed table.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from apps.sampling import engine

REGIME_NAMES = {engine.NORMAL: "正常检验", engine.TIGHTENED: "加严检验", engine.REDUCED: "放宽检验"}


def level_name(level: str) -> str:
    return f"特殊检验水平{level}" if level.startswith("S-") else f"一般检验水平{level}"


def _lot(value: str) -> int:
    text = (value or "").strip()
    if not text.isdigit() or not text.isascii():
        raise CommandError(f"批量必须是正整数（1～{engine.MAX_LOT_SIZE}），收到：{value!r}", returncode=2)
    return int(text)


MESSAGES = {
    "lot_size": lambda: f"批量必须是1～{engine.MAX_LOT_SIZE}之间的整数。",
    "level": lambda: f"检验水平必须是以下之一：{'、'.join(engine.levels())}。",
    "aql": lambda: f"AQL必须是GB/T 2828.1表2-A中的值：{'、'.join(engine.aql_columns())}。",
    "regime": lambda: "检验严格度必须是 normal（正常）、tightened（加严）或 reduced（放宽）。",
}


class Command(BaseCommand):
    help = "Print the GB/T 2828.1 single sampling plan (code letter, n, Ac, Re) of a lot."

    def add_arguments(self, parser):
        parser.add_argument("--lot", required=True, help="lot size (批量), a positive whole number")
        parser.add_argument("--level", default="II", help="inspection level: S-1, S-2, S-3, S-4, I, II, III "
                                                          "(default II)")
        parser.add_argument("--aql", required=True, help="AQL, a column of Table 2-A, e.g. 2.5")
        parser.add_argument("--regime", default=engine.NORMAL, help="normal, tightened or reduced (default normal)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, lot, level, aql, regime, json: bool = False, **options):
        lot_size = _lot(lot)
        try:
            plan = engine.single_plan(lot_size, level, aql, (regime or "").strip().lower())
        except engine.EngineError as exc:
            message = MESSAGES.get(exc.field or "")
            raise CommandError(message() if message else f"无法给出抽样方案：{exc.message}", returncode=2) from None
        if json:
            self.stdout.write(_json_dumps({"code": plan.code, "n": plan.n, "ac": plan.ac, "re": plan.re,
                                           "full_inspection": plan.full_inspection}))
            return
        regime = regime.strip().lower()
        aql_label = engine.normalize_aql(aql)
        level = engine.check_level(level)
        if plan.full_inspection:
            line = (f"批量{lot_size}，{level_name(level)}，AQL {aql_label}，{REGIME_NAMES[regime]}："
                    f"样本量字码{plan.code}，样本量达到批量，全数检验{plan.n}件，Ac={plan.ac}，Re={plan.re}")
        else:
            line = (f"批量{lot_size}，{level_name(level)}，AQL {aql_label}，{REGIME_NAMES[regime]}："
                    f"样本量字码{plan.code}，样本量n={plan.n}，接收数Ac={plan.ac}，拒收数Re={plan.re}")
        self.stdout.write(line)


def _json_dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))
