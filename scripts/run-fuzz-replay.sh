#!/usr/bin/env bash
# scripts/run-fuzz-replay.sh FUZZER...: replay each libFuzzer target's
# checked-in corpus (tests/fuzz/corpus/NAME) once; a crash, a sanitizer
# report or a leak fails it. One result per target in build/results.
set -u
mkdir -p build/results
status=0
for bin in "$@"; do
	name=$(basename "$bin" _fuzz)
	log=build/results/fuzz-$name.log
	corpus=tests/fuzz/corpus/$name
	if [ -d "$corpus" ] && [ -n "$(ls -A "$corpus")" ]; then
		timeout "${HOST_TEST_TIMEOUT:-600}" "$bin" -runs=0 "$corpus"/* >"$log" 2>&1
		rc=$?
	else
		echo "no seed corpus in $corpus" >"$log"
		rc=1
	fi
	scripts/ktap.py check --plain --name "fuzz-replay:$name" --rc "$rc" --log "$log" \
		--out build/results || status=1
done
exit $status
