"""python manage.py sampling_plan"""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


def _run(*args) -> str:
    out = StringIO()
    call_command("sampling_plan", *args, stdout=out)
    return out.getvalue()


def test_json_output_is_exactly_one_object():
    out = _run("--lot", "1000", "--level", "II", "--aql", "2.5", "--regime", "normal", "--json")
    assert json.loads(out) == {"code": "J", "n": 80, "ac": 5, "re": 6, "full_inspection": False}
    assert out.strip().count("\n") == 0


def test_json_output_full_inspection_and_arrows():
    out = _run("--lot", "5", "--aql", "1.0", "--json")
    assert json.loads(out) == {"code": "E", "n": 5, "ac": 0, "re": 1, "full_inspection": True}
    out = _run("--lot", "600000", "--level", "III", "--aql", "0.025", "--regime", "tightened", "--json")
    assert json.loads(out) == {"code": "S", "n": 3150, "ac": 1, "re": 2, "full_inspection": False}


def test_readable_chinese_line():
    out = _run("--lot", "1000", "--aql", "2.5", "--regime", "reduced")
    assert "样本量字码J" in out and "n=32" in out and "Ac=3" in out and "Re=4" in out and "放宽检验" in out
    out = _run("--lot", "5", "--aql", "1.0")
    assert "全数检验5件" in out


@pytest.mark.parametrize(("args", "words"), [
    (["--lot", "abc", "--aql", "2.5"], "批量"),
    (["--lot", "0", "--aql", "2.5"], "批量"),
    (["--lot", "-3", "--aql", "2.5"], "批量"),
    (["--lot", "100", "--aql", "3"], "AQL"),
    (["--lot", "100", "--aql", "2.5", "--level", "IV"], "检验水平"),
    (["--lot", "100", "--aql", "2.5", "--regime", "strict"], "严格度"),
])
def test_bad_arguments_give_a_clear_message(args, words):
    with pytest.raises(CommandError) as exc:
        _run(*args)
    assert words in str(exc.value)
    assert exc.value.returncode == 2


def test_from_the_command_line_no_traceback():
    ok = subprocess.run([sys.executable, "manage.py", "sampling_plan", "--lot", "1000", "--aql", "2.5", "--json"],
                        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"code": "J", "n": 80, "ac": 5, "re": 6, "full_inspection": False}
    bad = subprocess.run([sys.executable, "manage.py", "sampling_plan", "--lot", "x", "--aql", "2.5"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert "Traceback" not in bad.stderr and "批量" in bad.stderr
    missing = subprocess.run([sys.executable, "manage.py", "sampling_plan", "--aql", "2.5"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
