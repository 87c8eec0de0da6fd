#!/usr/bin/env bash
# Shared set-up for scripts/run.sh and scripts/test.sh: system packages, virtualenv, fonts.
# Sourced, not run. Idempotent: a second run only checks.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf '\033[31m%s\033[0m\n' "$*" >&2; exit 1; }

# --- Python 3.11 or 3.12 ---------------------------------------------------------------
find_python() {
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

# --- system packages: Pango for WeasyPrint, CJK fonts for PDF forms ------------------------
SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-wqy-zenhei fonts-hanazono fonts-dejavu-core)
missing_packages() {
  local missing=()
  if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${SYSTEM_PACKAGES[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
  else
    fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
  fi
  echo "${missing[@]:-}"
}

ensure_system_packages() {
  local missing
  missing="$(missing_packages)"
  [ -z "$missing" ] && return 0
  say "Installing system packages: $missing"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo -n"
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || $sudo true 2>/dev/null; }; then
    $sudo apt-get update -qq || true
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=300 $missing >/dev/null ||
      die "Installing the system packages failed; install them by hand: sudo apt-get install $missing"
  else
    die "Please install these system packages first (they are needed for PDF forms): sudo apt-get install $missing"
  fi
}

ensure_venv() {
  local python
  python="$(find_python)" || die "Python 3.11 or 3.12 is required; install it (e.g. sudo apt-get install python3 python3-venv) and run again."
  if [ ! -x "$PY" ]; then
    say "Creating the virtual environment in .venv"
    "$python" -m venv "$VENV" || die "Creating a virtualenv failed; install python3-venv (sudo apt-get install python3-venv) and run again."
  fi
  local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    say "Installing Python dependencies (pyproject.toml)"
    "$PY" -m pip install -q --upgrade pip >/dev/null
    "$PY" -m pip install -q -e ".[dev]" || die "pip install failed; see the messages above."
    rm -f "$VENV"/.installed-* && touch "$stamp"
  fi
}

ensure_fonts() {
  if [ -f scripts/build_fonts.py ]; then
    "$PY" scripts/build_fonts.py
  fi
}

ensure_system_packages
ensure_venv
ensure_fonts
