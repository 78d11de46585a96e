#!/usr/bin/env bash
# scripts/run-tests.sh GROUP BINARY...: run host test binaries, each through
# the KTAP checker; results go to build/results for the final summary.
set -u
group=$1; shift
mkdir -p build/results
status=0
for bin in "$@"; do
	name=${bin#build/host/tests/}
	log=build/results/${group}-${name//\//_}.log
	timeout "${HOST_TEST_TIMEOUT:-600}" "$bin" >"$log" 2>&1
	rc=$?
	scripts/ktap.py check --name "$group:$name" --rc "$rc" --log "$log" \
		--out build/results || status=1
done
exit $status
