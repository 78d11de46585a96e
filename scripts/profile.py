#!/usr/bin/env python3
"""scripts/profile.py: where the guest instructions of one in-guest benchmark go.

    scripts/profile.py BENCH [--build DIR] [--top N] [--keep LOG]

Boots the bench kernel of DIR (default: the DEBUG=0 riscv64 build, as
`make bench` makes it) with "init=bench profile=BENCH": bench (the root task:
null_syscall, ipc_call_reply_recv) or bench_proc (the pager and process
benchmarks) then runs only BENCH, and one batch of it between calls of
profile_begin() and profile_end() (userland/lib/benchkit.h). QEMU logs
every translated block (-d in_asm) and every block executed (-d exec, nochain so chained blocks are logged too). Between the
marks, each executed block adds its instructions to the functions they
belong to. The table gives instructions per operation (total / batch) by
program and by function, with the symbols of the kernel and of the user
programs; servers and bench_proc are linked at their own bases (USER_BASE_* in the
Makefile), so an address names one program.

Counts are of whole blocks: a block cut short by a trap (the faulting
store, an interrupt under icount) counts in full, so a figure can exceed
the bench table's by a few instructions per trap.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACE = re.compile(r'^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/')
INSN = re.compile(r'^0x([0-9a-f]+):\s')


def symbols(nm, elf):
    """Sorted (address, name) of the text symbols of @elf."""
    out = subprocess.run([nm, '-n', elf], capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'tTwW':
            syms.append((int(parts[0], 16), parts[2]))
    return syms


class Symtab:
    def __init__(self):
        self.addrs, self.names = [], []

    def add(self, prog, syms):
        for a, n in syms:
            self.addrs.append(a)
            self.names.append((prog, n))

    def finish(self):
        order = sorted(range(len(self.addrs)), key=lambda i: self.addrs[i])
        self.addrs = [self.addrs[i] for i in order]
        self.names = [self.names[i] for i in order]

    def lookup(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.names[i] if i >= 0 else ('?', hex(addr))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('bench')
    ap.add_argument('--build', default='build/riscv64-sv39-gnu')
    ap.add_argument('--arch', default='riscv64')
    ap.add_argument('--boot', default='opensbi')
    ap.add_argument('--top', type=int, default=40)
    ap.add_argument('--keep', help='keep the QEMU log in this file')
    args = ap.parse_args()
    os.chdir(ROOT)
    nm = 'riscv64-unknown-elf-nm' if args.arch == 'riscv64' else 'nm'
    build = args.build
    kernel, initrd = os.path.join(build, 'kernel.elf'), os.path.join(build, 'initrd.cpio')
    bindir = os.path.join(build, 'user', 'bin')

    tab = Symtab()
    tab.add('kernel', symbols(nm, kernel))
    begins, ends = set(), set()	# the marks of bench and of bench_proc
    for prog in sorted(os.listdir(bindir)):
        path = os.path.join(bindir, prog)
        if prog == 'bad_elf':
            continue
        syms = symbols(nm, path)
        # what runs in a bench boot, each at its own base (bench_touch, which
        # shares bench_server's, never runs when profiling)
        if prog in ('bench', 'bench_server', 'bench_proc', 'pager'):
            tab.add(prog, syms)
        if prog in ('bench', 'bench_proc'):
            begins |= {a for a, n in syms if n == 'profile_begin'}
            ends |= {a for a, n in syms if n == 'profile_end'}
    tab.finish()
    if len(begins) != 2 or len(ends) != 2:
        sys.exit('profile.py: bench and bench_proc need profile_begin/profile_end')

    if args.keep:
        log = args.keep
    else:
        with tempfile.NamedTemporaryFile(prefix='pagoda-profile-', suffix='.log',
                                         delete=False) as tmp:
            log = tmp.name
    env = dict(os.environ, QEMU_EXTRA=f'-d in_asm,exec,nochain -D {log}')
    run = subprocess.run(['scripts/qemu.sh', '--arch', args.arch, '--boot', args.boot,
                          '--mem', '256M', '--smp', '1', '--icount', '--kernel', kernel,
                          '--initrd', initrd, '--append', f'init=bench profile={args.bench}'],
                         env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=600)
    m = re.search(r'^profile (\S+) (\d+)$', run.stdout, re.M)
    if not m:
        sys.stdout.write(run.stdout[-3000:])
        sys.exit(f'profile.py: the guest did not profile {args.bench} '
                 '(fault_user_handler_map cannot be; is the name right?)')
    batch = int(m.group(2))

    blocks = {}		# block pc -> its instruction addresses (latest translation)
    per_func = collections.Counter()
    counting, total = False, 0
    cur = None
    with open(log, errors='replace') as f:
        for line in f:
            if line.startswith('Trace'):
                cur = None
                t = TRACE.match(line)
                if not t:
                    continue
                pc = int(t.group(1), 16)
                if pc in begins:
                    counting = True
                elif pc in ends:
                    counting = False
                if counting and pc in blocks:
                    for a in blocks[pc]:
                        per_func[tab.lookup(a)] += 1
                    total += len(blocks[pc])
            elif line.startswith('IN:'):
                cur = []
            elif cur is not None:
                i = INSN.match(line)
                if i:
                    a = int(i.group(1), 16)
                    if not cur:
                        blocks[a] = cur
                    cur.append(a)
                elif not line.strip():
                    cur = None
    if not args.keep:
        os.unlink(log)

    print(f'{args.bench}: {total / batch:.0f} instructions per operation '
          f'(batch {batch}, whole blocks)')
    per_prog = collections.Counter()
    for (prog, _), n in per_func.items():
        per_prog[prog] += n
    for prog, n in per_prog.most_common():
        print(f'  {prog:12s} {n / batch:10.0f}')
    print(f'\n{"program":12s} {"function":36s} {"per op":>10s}')
    for (prog, fn), n in per_func.most_common(args.top):
        print(f'{prog:12s} {fn:36s} {n / batch:10.0f}')


if __name__ == '__main__':
    main()
