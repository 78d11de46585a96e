#!/usr/bin/env bash
# scripts/qemu.sh: boot a Pagoda kernel under QEMU; the console is this
# terminal (or stdout when not a terminal). Used by make run, the guest test
# runner and make bench.
#
#   qemu.sh --arch riscv64 --boot opensbi --mem 256M --smp 1 --kernel FILE
#           [--append "bootargs"] [--initrd FILE] [--icount] [--gdb]
# QEMU_EXTRA adds arguments (scripts/profile.py passes its -d options).
# On riscv64 QEMU exits when the guest shuts down through SBI SRST; its exit
# status is then the guest's (0 = clean power-off). On x86_64 the guest
# powers off through isa-debug-exit and the status is mapped the same way.
set -eu
arch=riscv64 boot=opensbi mem=256M smp=1 kernel= append= initrd= icount= gdb=
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=$2; shift 2 ;;
	--boot) boot=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	--gdb) gdb=1; shift ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -f "$kernel" ] || { echo "qemu.sh: no kernel image '$kernel' (run make kernel)" >&2; exit 2; }

args=(-m "$mem" -smp "$smp" -nographic -no-reboot)
[ -n "$icount" ] && args+=(-icount shift=0,sleep=off)
[ -n "$gdb" ] && args+=(-s -S)
[ -n "$initrd" ] && args+=(-initrd "$initrd")
# shellcheck disable=SC2206 # QEMU_EXTRA is split into words on purpose
[ -n "${QEMU_EXTRA:-}" ] && args+=(${QEMU_EXTRA})

case $arch:$boot in
riscv64:opensbi)
	fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
	[ -f "$fw" ] || { echo "qemu.sh: OpenSBI firmware $fw missing (run scripts/deps.sh)" >&2; exit 2; }
	exec qemu-system-riscv64 -machine virt -cpu rv64 -bios "$fw" -kernel "$kernel" \
		-append "$append" "${args[@]}"
	;;
x86_64:pvh)
	# QEMU loads the ELF and enters its PVH note's 32-bit entry. The guest
	# powers off through isa-debug-exit, which makes QEMU exit with
	# (value << 1) | 1: 1 for a clean power-off, 3 for a failing one. Map
	# them to 0 and 1; any other status (0 included: a reset, such as a
	# triple fault, under -no-reboot) means the guest never powered off.
	# QEMU_CPU picks the CPU model (default qemu64; PAGING=la57 needs max).
	set +e
	qemu-system-x86_64 -machine pc -cpu "${QEMU_CPU:-qemu64}" -kernel "$kernel" \
		-append "$append" -device isa-debug-exit,iobase=0xf4,iosize=0x04 -net none "${args[@]}"
	rc=$?
	case $rc in
	1) exit 0 ;;
	3) exit 1 ;;
	0) echo "qemu.sh: the guest reset or stopped without powering off" >&2; exit 125 ;;
	*) exit $rc ;;
	esac
	;;
*)
	echo "qemu.sh: no way to boot ARCH=$arch BOOT=$boot" >&2; exit 2 ;;
esac
