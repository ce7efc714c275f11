#!/usr/bin/env python3
"""Resource report of one scripts/synth.sh run, from Yosys' `stat -tech xilinx` output.

Reads OUT/stat_modules.txt (the hierarchical design, one block per module) and OUT/yosys.log
(which memory memory_libmap mapped onto which primitive), writes OUT/report.md and prints it.

Yosys counts cells, not device resources, so the cells are converted to what Vivado's
utilization report calls them (AMD UG574, UltraScale Architecture CLB User Guide: how many
LUTs each distributed-RAM and shift-register primitive occupies):

  LUT      LUT1..LUT6 (logic)
  LUTRAM   LUTs used as memory: RAM64M8 / RAM32M16 / RAM512X1S / RAM256X1D / RAM64X8SW /
           RAM32X16DR8 take 8, RAM64M / RAM32M / RAM256X1S / RAM128X1D take 4,
           RAM128X1S / RAM64X1D / RAM32X1D take 2, RAM64X1S / RAM32X1S / SRL16E / SRLC32E take 1
  FF       FDRE, FDSE, FDCE, FDPE
  BRAM36   RAMB36E2 + RAMB18E2 / 2
  URAM     URAM288
  DSP      DSP48E2

A module's figures include everything it instantiates (one instance of it); the breakdown
splits the top into the ternary accumulate arrays, the token engine and the rest (the shell).
"""
import argparse
import re
import sys
from pathlib import Path

LUTRAM_LUTS = {
    "RAM64M8": 8, "RAM32M16": 8, "RAM512X1S": 8, "RAM256X1D": 8, "RAM64X8SW": 8, "RAM32X16DR8": 8,
    "RAM64M": 4, "RAM32M": 4, "RAM256X1S": 4, "RAM128X1D": 4,
    "RAM128X1S": 2, "RAM64X1D": 2, "RAM32X1D": 2,
    "RAM64X1S": 1, "RAM32X1S": 1, "SRL16E": 1, "SRLC16E": 1, "SRLC32E": 1,
}
FLIP_FLOPS = ("FDRE", "FDSE", "FDCE", "FDPE")
COLUMNS = ("LUT", "LUTRAM", "FF", "BRAM36", "URAM", "DSP")


def parse_stat(text):
    """{module: {cell type: count}} from `stat` output (submodule instances included as cells)."""
    modules, name = {}, None
    for line in text.splitlines():
        header = re.match(r"=== (.+) ===$", line.strip())
        if header:
            name = header.group(1)
            modules[name] = {} if name != "design hierarchy" else None
            continue
        cell = re.match(r"\s+(\S+)\s+(\d+)$", line)
        if name and modules.get(name) is not None and cell and not line.strip().startswith("Number"):
            modules[name][cell.group(1)] = int(cell.group(2))
    return {k: v for k, v in modules.items() if v is not None}


def resources(cells):
    return {
        "LUT": sum(n for c, n in cells.items() if re.fullmatch(r"LUT[1-6]", c)),
        "LUTRAM": sum(n * LUTRAM_LUTS.get(c, 0) for c, n in cells.items()),
        "FF": sum(n for c, n in cells.items() if c in FLIP_FLOPS),
        "BRAM36": cells.get("RAMB36E2", 0) + 0.5 * cells.get("RAMB18E2", 0),
        "URAM": cells.get("URAM288", 0),
        "DSP": cells.get("DSP48E2", 0),
    }


def unknown_memory_cells(modules):
    """Cell types that look like memories but are not in the LUT table (the report would miss them)."""
    return sorted({c for cells in modules.values() for c in cells
                   if re.match(r"(RAM|SRL)", c) and c not in LUTRAM_LUTS and not c.startswith("RAMB")})


def short_name(module):
    """`$paramod$<hash>\\name` or `$paramod\\name\\Param=...` -> name."""
    m = re.match(r"^\$paramod(?:\$[0-9a-f]+)?\\([^\\]+)", module)
    return m.group(1) if m else module.lstrip("\\")


def subtree_totals(modules):
    """Each module's primitive cells including every submodule instance, recursively."""
    totals = {}

    def total(name):
        if name not in totals:
            cells = {}
            for cell, count in modules[name].items():
                inner = total(cell) if cell in modules else {cell: 1}
                for c, n in inner.items():
                    cells[c] = cells.get(c, 0) + n * count
            totals[name] = cells
        return totals[name]

    for name in modules:
        total(name)
    return totals


def instance_counts(modules, top):
    counts = {}

    def walk(name, times):
        counts[name] = counts.get(name, 0) + times
        for cell, count in modules[name].items():
            if cell in modules:
                walk(cell, times * count)

    walk(top, 1)
    return counts


def memory_mappings(log_text):
    """[(module, memory, primitive family)] from memory_libmap's `mapping memory M via T` lines."""
    out = []
    for m in re.finditer(r"^mapping memory (\S+) via (\S+)$", log_text, re.MULTILINE):
        module, _, memory = m.group(1).rpartition(".")
        out.append((short_name(module), memory, m.group(2)))
    return out


def fmt(value):
    return f"{value:g}" if isinstance(value, float) else f"{value:,}"


def row(label, r):
    return f"| {label} | " + " | ".join(fmt(r[c]) for c in COLUMNS) + " |"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--top", required=True)
    ap.add_argument("--title", required=True, help="one line saying what was synthesized")
    ap.add_argument("--seconds", type=int, required=True)
    args = ap.parse_args()

    modules = parse_stat((args.out / "stat_modules.txt").read_text())
    tops = [m for m in modules if short_name(m) == args.top]
    if len(tops) != 1:
        sys.exit(f"synth_report: top {args.top} not found once in {args.out / 'stat_modules.txt'}")
    top = tops[0]
    totals = subtree_totals(modules)
    counts = instance_counts(modules, top)
    grand = resources(totals[top])
    header = "| | " + " | ".join(COLUMNS) + " |\n|---|" + "---:|" * len(COLUMNS)

    lines = [
        f"# {args.top} resource estimate: {args.title}",
        "",
        "Yosys `synth_xilinx -family xcup` (technology-mapped, not placed or optimized by Vivado), "
        f"{args.seconds} s of synthesis.",
        "LUT = LUTs as logic; LUTRAM = LUTs as distributed memory (UG574 LUTs per primitive); "
        "BRAM36 = RAMB36E2 + RAMB18E2 / 2.",
        "",
        header,
        row(f"**{args.top}**", grand),
    ]

    # The three parts the design is discussed in: ternary arrays, token engine, shell.
    parts = []
    for name in ("ternary_accumulate_array", "mmfree_token_engine"):
        for module in sorted(m for m in counts if short_name(m) == name and m != top):
            parts.append((name, module, counts[module]))
    if parts:
        shell = dict(grand)
        for name, module, n in parts:
            r = resources(totals[module])
            label = f"{name} x {n}" if n > 1 else name
            lines.append(row(label, {c: r[c] * n for c in COLUMNS}))
            if n > 1:
                lines.append(row(f"{name} (one)", r))
            for c in COLUMNS:
                shell[c] -= r[c] * n
        lines.append(row("shell (everything else)", shell))

    lines += ["", "Per module, with everything it instantiates (one instance; `n` = instances in the design):",
              "", "| module | n | " + " | ".join(COLUMNS) + " |", "|---|---:|" + "---:|" * len(COLUMNS)]
    for module in sorted(counts, key=lambda m: (short_name(m), m)):
        r = resources(totals[module])
        lines.append(f"| {short_name(module)} | {counts[module]} | " + " | ".join(fmt(r[c]) for c in COLUMNS) + " |")

    mappings = memory_mappings((args.out / "yosys.log").read_text(errors="replace"))
    if mappings:
        lines += ["", "Memories (memory_libmap's choice of primitive):", "", "| module | memory | mapped via |",
                  "|---|---|---|"]
        lines += [f"| {m} | {mem} | `{via}` |" for m, mem, via in mappings]
    missing = unknown_memory_cells(modules)
    if missing:
        lines += ["", f"Warning: memory cells not counted as LUTRAM (unknown LUT count): {', '.join(missing)}"]
    lines.append("")
    (args.out / "report.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
