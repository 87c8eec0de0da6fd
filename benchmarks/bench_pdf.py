#!/usr/bin/env python
"""PDF rendering benchmark: speed and memory of apps.reports.pdf.render_pdf.

    .venv/bin/python benchmarks/bench_pdf.py [--runs 5] [--warmup 1] [--subsetter auto|fonttools]
                                             [--stock] [--case form-1p ...]

Each case runs in its own child process (so its peak RSS is its own): it renders the
document once to warm up (fonts registered, Pango caches filled), then ``--runs`` times,
and reports the median / min / max wall time, the median CPU time and the process's peak
RSS (``ru_maxrss``: the whole child process, Python and imports included).  Exit status 1
if a case misses its target.

``--stock`` measures the "before": the system Noto Sans CJK (fonts-noto-cjk .ttc, CFF
outlines) found through fontconfig, instead of the built fonts.  ``--subsetter fonttools``
makes WeasyPrint subset with fontTools, as it does when libharfbuzz-subset0 is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TEMPLATES = ROOT / "apps" / "reports" / "templates"

# case -> (description, target ms); peak RSS target for every case
TARGETS = {
    "form-1p": ("1-page form, ~480 hanzi, rare names (刘䶮 郑䲜 𠮷), bold headings", 300),
    "ledger-20p": ("20-page ledger, 40 rows/page, 7 columns", 2000),
}
RSS_TARGET_MB = 300

COMMON = (
    "档案数字化加工质量检查记录表扫描图像清晰完整无缺页漏扫歪斜重影污渍分辨率不低于每英寸"
    "三百点彩色模式保存原件信息著录项目准确题名责任者日期页数密级保管期限案卷号件号目录数据"
    "与图像一一对应挂接正确命名规则符合要求存储格式元数据长期保存安全保密措施到位整改复查"
    "交接登记签收责任人现场抽查按比例合格不合格说明处理意见建议下一步工作安排及时完成上报"
)
RARE_NAMES = ["刘䶮", "张堃", "李喆", "王昇", "赵珺", "陈瑄", "周犇", "吴淼", "郑䲜", "𠮷田"]


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(COMMON) for _ in range(n))


def form_context(seed: int = 1) -> dict:
    rng = random.Random(seed)
    categories = ["图像质量", "著录数据", "挂接检查", "存储管理", "安全保密"]
    items = [
        {
            "category": categories[i % len(categories)],
            "content": _text(rng, 24),
            "passed": i % 4 != 2,
            "remark": "需复查" if i % 4 == 2 else "",
        }
        for i in range(8)
    ]
    return {
        "form_title": "档案数字化加工质量检查记录表",
        "form_code": "表 C.3",
        "doc_no": "ZJ-2026-0417",
        "project": {
            "name": "杭州市档案馆民国档案数字化加工项目（第二期）",
            "client": "杭州市档案馆",
            "contractor": "汇档数字科技有限公司",
            "contract_no": "HZ-2026-001",
        },
        "check": {
            "date": "2026年4月17日",
            "batch": "第 12 批（卷号 0451～0520）",
            "sample": "70 卷 / 3,512 页（抽检率 10%）",
            "scope": "扫描图像、著录数据、图像与目录挂接、存储与备份、现场安全保密管理",
        },
        "items": items,
        "conclusion": (
            "经现场抽查，本批次扫描图像清晰完整，著录数据准确，挂接正确；"
            "第 3、7 项存在个别图像歪斜，已要求服务单位于三个工作日内整改并复查。\n"
            "检查人员：刘䶮、张堃、郑䲜；见证人：𠮷田。"
        ),
        "signers": [
            {"role": "检查人", "name": "刘䶮", "date": "2026年4月17日"},
            {"role": "服务单位项目负责人", "name": "王昇", "date": "2026年4月17日"},
            {"role": "委托单位负责人", "name": "郑䲜", "date": ""},
        ],
    }


def ledger_context(rows: int = 800, seed: int = 2) -> dict:
    rng = random.Random(seed)
    areas = ["一号库房", "二号库房", "扫描区", "质检区", "服务器机房", "档案交接室"]
    return {
        "form_title": "数字化加工现场安全巡检台账",
        "form_code": "表 D.1",
        "doc_no": "XJ-2026-Q2",
        "rows": [
            {
                "no": str(i + 1),
                "date": f"2026-{4 + i // 300:02d}-{i % 28 + 1:02d}",
                "area": areas[i % len(areas)],
                "item": _text(rng, 12),
                "result": "正常" if i % 9 else "整改",
                "inspector": RARE_NAMES[i % len(RARE_NAMES)],
                "remark": _text(rng, 4) if i % 5 == 0 else "",
            }
            for i in range(rows)
        ],
    }


def render_template(name: str, context: dict) -> str:
    """Render one of the reports/ templates without Django settings (string context)."""
    from django.template import Context, Engine

    engine = Engine(dirs=[str(TEMPLATES)], autoescape=True)
    return engine.get_template(name).render(Context(context))


def documents() -> dict[str, str]:
    return {
        "form-1p": render_template("reports/sample_form.html", form_context()),
        "ledger-20p": render_template("reports/sample_ledger.html", ledger_context()),
    }


# --------------------------------------------------------------------------------------


def _stock_renderer():
    """The 'before': system Noto Sans CJK SC through fontconfig, no @font-face."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    css = CSS(string='html { font-family: "Noto Sans CJK SC"; }', font_config=font_config)

    def render(html: str) -> bytes:
        return HTML(string=html).write_pdf(stylesheets=[css], font_config=font_config)

    return render


def run_case(case: str, runs: int, warmup: int, subsetter: str, stock: bool) -> dict:
    if subsetter == "fonttools":
        import weasyprint.pdf.fonts

        weasyprint.pdf.fonts.harfbuzz_subset = None
    import io
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from pypdf import PdfReader

    html = documents()[case]
    if stock:
        render = _stock_renderer()
    else:
        from apps.reports.pdf import render_pdf as render

    t0 = time.perf_counter()
    pdf = render(html)
    first_ms = (time.perf_counter() - t0) * 1000
    for _ in range(warmup - 1):
        render(html)
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        pdf = render(html)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    import weasyprint.pdf.fonts

    if not stock:  # worker processes of split rendering: stop them to read their peak RSS
        from apps.reports.pdf import stop_pdf_workers

        stop_pdf_workers()
    return {
        "case": case,
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "first_ms": first_ms,
        "median_ms": statistics.median(wall),
        "min_ms": min(wall),
        "max_ms": max(wall),
        "cpu_ms": statistics.median(cpu),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "subsetter": "harfbuzz" if weasyprint.pdf.fonts.harfbuzz_subset else "fonttools",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--subsetter", choices=["auto", "fonttools"], default="auto")
    parser.add_argument("--stock", action="store_true", help="system Noto CJK .ttc (before)")
    parser.add_argument("--case", action="append", choices=sorted(TARGETS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = run_case(args.child, args.runs, max(args.warmup, 1), args.subsetter, args.stock)
        print(json.dumps(result))
        return 0

    if not args.stock:
        from apps.reports.fonts import FontsNotBuiltError, load_font_set

        try:
            load_font_set()
        except FontsNotBuiltError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    cases = args.case or list(TARGETS)
    print(
        f"render_pdf benchmark: {args.warmup} warm-up + {args.runs} runs per case, "
        f"one process per case, {'stock Noto CJK .ttc' if args.stock else 'built fonts'}"
    )
    header = (
        f"{'case':<11} {'pages':>5} {'median ms':>9} {'min':>7} {'max':>7} {'cpu ms':>7} "
        f"{'1st ms':>7} {'peak RSS MB':>11} {'worker MB':>9} {'target':>12} {'result':>6}"
    )
    print(header)
    print("-" * len(header))
    failed = False
    subsetter = None
    for case in cases:
        cmd = [sys.executable, __file__, "--child", case, "--runs", str(args.runs),
               "--warmup", str(args.warmup), "--subsetter", args.subsetter]
        if args.stock:
            cmd.append("--stock")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        if proc.returncode != 0:
            print(f"{case:<11} crashed:\n{proc.stderr}", file=sys.stderr)
            failed = True
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        subsetter = r["subsetter"]
        target_ms = TARGETS[case][1]
        ok = r["median_ms"] <= target_ms and r["rss_mb"] <= RSS_TARGET_MB
        failed |= not ok
        print(
            f"{case:<11} {r['pages']:>5} {r['median_ms']:>9.0f} {r['min_ms']:>7.0f} "
            f"{r['max_ms']:>7.0f} {r['cpu_ms']:>7.0f} {r['first_ms']:>7.0f} {r['rss_mb']:>11.0f} "
            f"{r['worker_rss_mb'] or 0:>9.0f} "
            f"{f'≤{target_ms}ms ≤{RSS_TARGET_MB}MB':>12} {'PASS' if ok else 'FAIL':>6}"
        )
    load = os.getloadavg()[0]
    print(
        f"font subsetting: {subsetter}; peak RSS = ru_maxrss of the case's process "
        f"(worker MB: largest worker process of split rendering, PDF_WORKERS=0 disables it; "
        f"cpu ms counts the calling process only); "
        f"load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    if load > (os.cpu_count() or 1):
        print("warning: the machine is busy: wall times are inflated, compare the cpu ms column")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
