"""The Chinese catalog is complete and compiled (the interface is Chinese by default)."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def test_chinese_catalog_has_every_message_translated():
    po = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, untranslated[:20]
    assert not fuzzy, fuzzy[:20]


def test_compiled_catalogs_are_up_to_date():
    for language in ("zh_Hans", "en"):
        po = LOCALE / language / "LC_MESSAGES" / "django.po"
        mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
        assert mo.exists(), f"{mo} is missing: run make messages"
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo))}
        source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(po)).translated_entries()
                  if not e.msgid_plural}
        stale = [k for k, v in source.items() if compiled.get(k) != v]
        assert not stale, f"{language}: compiled catalog is stale for {stale[:5]}: run make messages"
