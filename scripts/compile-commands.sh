#!/usr/bin/env bash
# scripts/compile-commands.sh [MAKE ARGS]: print a compile_commands.json for
# the current configuration (kernel sources) and the host build (tests), by
# asking make what it would run. Used by `make compile_commands.json`.
set -eu
root=$(pwd)
{
	make --no-print-directory -B -n V=1 "$@" kernel 2>/dev/null
	make --no-print-directory -B -n V=1 "$@" host-tests 2>/dev/null
} | python3 -c '
import json, shlex, sys
root = sys.argv[1]
out, seen = [], set()
for line in sys.stdin:
    words = shlex.split(line)
    if "-c" not in words or not words:
        continue
    src = next((w for w in words if w.endswith((".c", ".S")) and not w.startswith("-")), None)
    if not src or src in seen:
        continue
    seen.add(src)
    out.append({"directory": root, "file": src, "arguments": words})
print(json.dumps(out, indent=1))
' "$root"
