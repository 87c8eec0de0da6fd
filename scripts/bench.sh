#!/usr/bin/env bash
# Speed and memory benchmarks; each exits non-zero when it misses its target.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
status=0
say "PDF forms (benchmarks/bench_pdf.py)"
"$PY" benchmarks/bench_pdf.py || status=1
say "Deadline scan (benchmarks/bench_deadlines.py)"
DJANGO_SETTINGS_MODULE=config.settings.local "$PY" benchmarks/bench_deadlines.py || status=1
say "Sampling inspection entry and inspection ledger (benchmarks/bench_lot_inspection.py)"
DJANGO_SETTINGS_MODULE=config.settings.local "$PY" benchmarks/bench_lot_inspection.py || status=1
say "Load: 50 people on gunicorn and a Celery worker, production settings (benchmarks/bench_load.py)"
"$PY" benchmarks/bench_load.py || status=1
exit $status
