#!/usr/bin/env bash
# scripts/deps.sh: install, from Debian 12's own packages and only when
# missing, everything Pagoda's build, run and tests need. Called by make
# run/test/fuzz; safe to run any time (a no-op when all is there).
#
# Needs root or password-less sudo only when something is missing. If a
# package cannot be installed, stops with one line naming it.
set -u

# package : what the project uses it for
packages=(
	make:build
	gcc:"host build and sanitizers"
	gcc-riscv64-unknown-elf:"riscv64 cross compiler"
	binutils-riscv64-unknown-elf:"riscv64 assembler and linker"
	clang:"TOOLCHAIN=llvm and libFuzzer"
	lld:"TOOLCHAIN=llvm linker"
	llvm:"llvm-objcopy, llvm-ar"
	libclang-rt-14-dev:"libFuzzer runtime"
	qemu-system-misc:"qemu-system-riscv64"
	qemu-system-x86:"qemu-system-x86_64"
	opensbi:"riscv64 M-mode firmware (-bios)"
	u-boot-qemu:"U-Boot for the QEMU machines"
	device-tree-compiler:"dtc, used by the FDT tests"
	cpio:"boot archive"
	e2fsprogs:"mke2fs for disk images"
	python3:"KTAP runner"
)

missing=()
for entry in "${packages[@]}"; do
	pkg=${entry%%:*}
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$pkg")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
	sudo=(sudo -n)
else
	echo "deps: missing package ${missing[0]} (all missing: ${missing[*]}); run 'sudo apt-get install ${missing[*]}' or run make as root" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/pagoda-deps.log 2>&1; then
	"${sudo[@]}" apt-get update -q >>/tmp/pagoda-deps.log 2>&1
	for pkg in "${missing[@]}"; do
		if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "$pkg" >>/tmp/pagoda-deps.log 2>&1; then
			echo "deps: cannot install package $pkg (see /tmp/pagoda-deps.log)" >&2
			exit 1
		fi
	done
fi
echo "deps: done"
