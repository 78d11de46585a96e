#!/usr/bin/env python3
"""scripts/ktap.py: judge KTAP test streams and summarise a whole test run.

  ktap.py check --name NAME --rc RC --log LOG --out DIR [--plain]
      Judge one stream (a host test binary's output, a guest console log).
      Each "ok" line is a passed test and each "not ok" a failed one; the
      stream itself fails (one more failure) when the program crashed or
      hung (RC != 0), printed no "KTAP version 1" header or no plan, or
      ran a different number of tests than planned. --plain: no KTAP, the
      stream is one test that passes iff RC == 0. Writes DIR/NAME.json and
      prints one line; a failure also prints the log's tail.
      --expect-crash: the program was made to crash on purpose; it passes
      iff it stopped with a failing status (not a timeout) after printing
      the kernel's trap report: the cause, the registers and a backtrace.

  ktap.py summary DIR
      Add up every DIR/*.json and end with the line "N passed, M failed".
      Exit status 1 if anything failed or nothing ran.
"""
import argparse
import glob
import json
import os
import re
import sys

RESULT = re.compile(r"^(not ok|ok)\s+(\d+)\s*(?:-\s*)?(.*)$")
PLAN = re.compile(r"^1\.\.(\d+)\s*$")
LOG_TAIL_LINES = 60
# Console noise (QEMU, firmware) may share a line with the guest's output;
# a KTAP line must start the line, after stripping carriage returns.


# Each mark, or one of its alternatives: the trapped pc and a register of
# the dump are named as each architecture names them (riscv64, x86_64).
CRASH_MARKS = ("*** unexpected kernel trap", ("sepc ", "rip "), (" ra ", " rsp "), "backtrace",
               "[<", "*** stopping")


def judge_crash(lines, rc):
    text = "".join(lines)
    marks = [m if isinstance(m, tuple) else (m,) for m in CRASH_MARKS]
    problems = [f"no '{m[0]}' in the report" for m in marks if not any(a in text for a in m)]
    if rc == 0:
        problems.append("exit status 0: the crash was not reported as a failure")
    elif rc == 124:
        problems.append("timed out (hang) instead of stopping")
    return (0, 1, problems) if problems else (1, 0, [])


def judge(lines, rc, plain, expect_crash=False):
    if expect_crash:
        return judge_crash(lines, rc)
    if plain:
        ok = rc == 0
        return (1, 0, []) if ok else (0, 1, [f"exit status {rc}"])
    passed, failed, problems = 0, 0, []
    header = plan = None
    count = 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line.startswith("KTAP version"):
            if header is not None:
                problems.append("second KTAP header (the program restarted?)")
            header = line
            continue
        m = PLAN.match(line)
        if m and header is not None:
            plan = int(m.group(1))
            continue
        m = RESULT.match(line)
        if m and header is not None:
            count += 1
            if m.group(1) == "ok":
                passed += 1
            else:
                failed += 1
                problems.append(f"not ok {m.group(2)} {m.group(3)}")
    if header is None:
        problems.append("no KTAP header")
    if plan is None:
        problems.append("no plan (1..N): the program stopped early")
    elif plan != count:
        problems.append(f"planned {plan} tests, saw {count}")
    if rc == 124:
        problems.append("timed out (hang)")
    elif rc != 0:
        problems.append(f"exit status {rc} (crash or failed shutdown)")
    stream_failed = header is None or plan is None or plan != count or rc != 0
    return passed, failed + (1 if stream_failed else 0), problems


def check(args):
    with open(args.log, errors="replace") as f:
        lines = f.readlines()
    passed, failed, problems = judge(lines, args.rc, args.plain, args.expect_crash)
    os.makedirs(args.out, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", args.name)
    with open(os.path.join(args.out, safe + ".json"), "w") as f:
        json.dump({"name": args.name, "passed": passed, "failed": failed,
                   "problems": problems, "log": args.log}, f)
    if failed == 0:
        print(f"PASS {args.name} ({passed} tests)")
        return 0
    print(f"FAIL {args.name}: {passed} passed, {failed} failed")
    for p in problems[:20]:
        print(f"     {p}")
    print(f"---- last {LOG_TAIL_LINES} lines of {args.log} ----")
    for line in lines[-LOG_TAIL_LINES:]:
        print("  | " + line.rstrip("\r\n"))
    print("----")
    return 1


def summary(args):
    passed = failed = 0
    bad = []
    files = sorted(glob.glob(os.path.join(args.dir, "*.json")))
    for path in files:
        with open(path) as f:
            r = json.load(f)
        passed += r["passed"]
        failed += r["failed"]
        if r["failed"]:
            bad.append(r["name"])
    if not files:
        print("no test results found")
        failed += 1
    for name in bad:
        print(f"failed: {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--name", required=True)
    c.add_argument("--rc", type=int, required=True)
    c.add_argument("--log", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--plain", action="store_true")
    c.add_argument("--expect-crash", action="store_true")
    s = sub.add_parser("summary")
    s.add_argument("dir")
    args = ap.parse_args()
    return check(args) if args.cmd == "check" else summary(args)


if __name__ == "__main__":
    sys.exit(main())
