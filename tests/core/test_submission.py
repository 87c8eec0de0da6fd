"""Every page form that posts carries the one-time submission token (apps/core/submission.py), so
the double-submit guard covers a form the day it is written."""

import re
from pathlib import Path

from django.template import engines

ROOT = Path(__file__).resolve().parents[2]
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)


def _templates():
    yield from (ROOT / "templates").rglob("*.html")
    yield from (ROOT / "apps").rglob("templates/**/*.html")


def test_every_posting_form_has_the_csrf_and_submission_token():
    missing = []
    for path in _templates():
        for form in FORM.findall(path.read_text(encoding="utf-8")):
            opening = form.split(">", 1)[0].lower()
            if 'method="post"' in opening and "{% csrf_token %}" not in form:
                missing.append(f"{path.relative_to(ROOT)}: {opening[:80]}")
    assert not missing, "forms without {% csrf_token %}:\n" + "\n".join(missing)


def test_the_csrf_tag_writes_a_fresh_submission_token_each_time(rf):
    template = engines["django"].from_string("<form method=post>{% csrf_token %}</form>")
    request = rf.get("/")
    first, second = template.render(request=request), template.render(request=request)
    tokens = [re.search(r'name="submission_token" value="([0-9a-f]{32})"', html).group(1) for html in (first, second)]
    assert tokens[0] != tokens[1]
    assert 'name="csrfmiddlewaretoken"' in first
