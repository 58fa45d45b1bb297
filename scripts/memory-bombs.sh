#!/bin/sh
# Issue 16's memory bombs against the built deepen CLI, with peak RSS from /usr/bin/time -v (limit 500 MB).
set -e
cd "$(dirname "$0")/.."
dotnet build src/Deepen.Cli -c Release -v q -nologo >/dev/null
exec python3 scripts/memory_bombs.py "$@"
