#!/usr/bin/env bash
# scripts/run-guest-tests.sh CONFIG...: build and boot each guest test
# configuration under QEMU, with a timeout, and judge its KTAP console log.
# CONFIG is ARCH:PAGING:TOOLCHAIN[:BOOT]. Each boot passes "ktest" so the
# kernel runs its self-tests, prints KTAP and powers off. Results go to
# build/results for the summary. A build failure counts as a failed test.
set -u
mkdir -p build/results
status=0
timeout_s=${TEST_TIMEOUT:-60}
for cfg in "$@"; do
	IFS=: read -r arch paging toolchain boot <<<"$cfg"
	boot=${boot:-opensbi}
	name="guest:$arch-$paging-$toolchain-$boot"
	log=build/results/guest-$arch-$paging-$toolchain-$boot.log
	knobs=(ARCH="$arch" PAGING="$paging" TOOLCHAIN="$toolchain" BOOT="$boot")
	if ! make --no-print-directory -s "${knobs[@]}" kernel >"$log" 2>&1; then
		scripts/ktap.py check --plain --name "$name:build" --rc 1 --log "$log" \
			--out build/results
		status=1
		continue
	fi
	kernel=$(make --no-print-directory -s "${knobs[@]}" print-kernel)
	initrd=$(make --no-print-directory -s "${knobs[@]}" print-initrd)
	# x86-64 5-level paging needs a CPU model with LA57 (QEMU's default has none).
	cpu=${QEMU_CPU:-}
	[ "$arch:$paging" = x86_64:la57 ] && cpu=max
	boot_qemu() {
		QEMU_CPU=$cpu timeout "$timeout_s" scripts/qemu.sh --arch "$arch" --boot "$boot" \
			--mem "${MEM:-256M}" --smp 1 --kernel "$kernel" --initrd "$initrd" --append "$1" \
			</dev/null >"$2" 2>&1
	}
	boot_qemu ktest "$log"
	scripts/ktap.py check --name "$name" --rc "$?" --log "$log" --out build/results || status=1
	# The kernel-core suite, run by the root task itself: with the hart's
	# ASIDs, with 2 ASID bits (constant generation rollovers), with none.
	for asid in "" 2 0; do
		rlog=${log%.log}-root${asid:+-asid$asid}.log
		boot_qemu "init=utest_root${asid:+ asid_bits=$asid}" "$rlog"
		scripts/ktap.py check --name "$name:root-task${asid:+:asid_bits=$asid}" --rc "$?" \
			--log "$rlog" --out build/results || status=1
	done
	# The suite's flood of unhandled faults must have hit the kernel's
	# rate limit on fault reports, which says so once on the console.
	grep -q "too many reports: dropping them" "${log%.log}-root.log"
	scripts/ktap.py check --plain --name "$name:fault-report-rate-limit" --rc "$?" \
		--log "${log%.log}-root.log" --out build/results || status=1
	# Processes: init's process manager and the pager running the process
	# and pager suite (utest_pm starts utest_proc; it fails the boot if the
	# pager did not get every frame back), then the plain boot make run
	# shows (init, the pager and the demo; passes iff it powers off with 0).
	plog=${log%.log}-procs.log
	boot_qemu init=utest_pm "$plog"
	scripts/ktap.py check --name "$name:processes" --rc "$?" --log "$plog" \
		--out build/results || status=1
	dlog=${log%.log}-init-demo.log
	boot_qemu "" "$dlog"
	scripts/ktap.py check --plain --name "$name:init-demo" --rc "$?" --log "$dlog" \
		--out build/results || status=1
	# A deliberate unprotected bad access: the trap report must appear and
	# QEMU must exit with a failing status.
	boot_qemu ktest=crash "${log%.log}-crash.log"
	scripts/ktap.py check --expect-crash --name "$name:crash-report" --rc "$?" \
		--log "${log%.log}-crash.log" --out build/results || status=1
done
exit $status
