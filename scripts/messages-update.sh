#!/usr/bin/env bash
# Collect the source strings into each English catalog (applicants, awards, and the project's
# own). New entries arrive with an empty msgstr to translate. Run from the repository root;
# PY names the interpreter (the Makefile passes the venv's).
set -euo pipefail
PY="${PY:-python3}"
for app in applicants awards; do
  (cd "$app" && "$PY" ../manage.py makemessages -l en --no-wrap -v0)
done
"$PY" manage.py makemessages -l en --no-wrap -v0 --ignore=.venv --ignore=applicants \
  --ignore=awards --ignore=tests --ignore=bench --ignore=var --ignore=staticfiles
