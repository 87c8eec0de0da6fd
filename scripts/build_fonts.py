#!/usr/bin/env python
"""Build the PDF fonts into var/fonts (or $FONT_DIR): see docs/pdf.md.

    .venv/bin/python scripts/build_fonts.py [--force] [--jobs N] [--out DIR]

Idempotent: returns at once when the fonts are up to date.  Exit status 2 (with one
sentence naming the Debian package) when the source fonts are not installed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.reports.fonts.build import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
