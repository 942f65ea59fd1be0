"""Summarize the machine code of the width-2 GD loop in a release bench-gd binary.

Usage: asm_report.py BENCH_GD_BINARY. For every loop (backward branch) in the kernel's
`advance2`, prints its instruction count and how many instructions use zmm / ymm / only xmm,
scalar `v…sd` arithmetic, stack references and register-to-register zmm moves. The two inner
loops (the fast pass and the clamped pass over the data) should be pure zmm with no scalar
arithmetic (see docs/performance.md): LLVM's SLP vectorizer can silently produce mixed-width code
from SIMD8<Double> source.
"""
import re
import subprocess
import sys


def main():
    binary = sys.argv[1]
    symbols = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    names = [l.split()[-1] for l in symbols.splitlines() if "GradientDescentKernelV8advance2" in l]
    if not names:
        sys.exit("asm_report: kernel symbol not found")
    dump = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--disassemble={names[0]}", binary],
                          capture_output=True, text=True, check=True).stdout
    lines = [l for l in dump.splitlines() if re.match(r"\s*[0-9a-f]+:\t", l)]
    address = [int(l.split(":")[0], 16) for l in lines]
    where = {a: i for i, a in enumerate(address)}
    print("loop  instr   zmm   ymm  xmm-only  scalar-sd  stack  vdivpd  zmm-moves")
    for i, line in enumerate(lines):
        m = re.search(r"\tj(?!o)\w+\s+([0-9a-f]+) <", line)
        if not m or int(m.group(1), 16) >= address[i] or int(m.group(1), 16) not in where:
            continue
        body = lines[where[int(m.group(1), 16)]:i + 1]
        def count(pattern):
            return sum(bool(re.search(pattern, b)) for b in body)
        xmm_only = sum(("xmm" in b and "ymm" not in b and "zmm" not in b) for b in body)
        scalar = count(r"\tv(?!broadcast|mov)\w+sd\s")
        stack = count(r"\(%rsp\)")
        moves = count(r"vmov(apd|aps|dqa64)\s+%zmm\d+,%zmm")
        print(f"{address[i]:5x} {len(body):6d} {count('zmm'):5d} {count('ymm'):5d} {xmm_only:9d} "
              f"{scalar:10d} {stack:6d} {count('vdivpd'):7d} {moves:10d}")


if __name__ == "__main__":
    main()
