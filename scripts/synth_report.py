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

With --part, the totals are also given as % of that device (DEVICES below: AMD's UltraScale+
product tables, DS962 / the Alveo and Kria data sheets), with LUT% counting logic and LUTRAM
together as Vivado's "CLB LUTs" does, and the issue-17 margins checked (LUT <= 70%, BRAM and
URAM <= 80%; the platform's static region is not subtracted, so a real build has less room).

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

# Whole-device capacities by part prefix: CLB LUTs, CLB registers, BRAM36, URAM288, DSP48E2
# (UltraScale+ product selection tables; XCU280 and XCU55C share the fabric of the VU37P/VU47P,
# XCU250 that of the VU13P, XCK26 that of the ZU5EV).
DEVICES = {
    "xcu280": {"LUT": 1_303_680, "FF": 2_607_360, "BRAM36": 2_016, "URAM": 960, "DSP": 9_024},
    "xcu55c": {"LUT": 1_303_680, "FF": 2_607_360, "BRAM36": 2_016, "URAM": 960, "DSP": 9_024},
    "xcu250": {"LUT": 1_728_000, "FF": 3_456_000, "BRAM36": 2_688, "URAM": 1_280, "DSP": 12_288},
    "xck26": {"LUT": 117_120, "FF": 234_240, "BRAM36": 144, "URAM": 64, "DSP": 1_248},
}
MARGINS = {"LUT": 70.0, "BRAM36": 80.0, "URAM": 80.0}


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


def row(label, r, device=None):
    cells = f"| {label} | " + " | ".join(fmt(r[c]) for c in COLUMNS) + " |"
    return cells + f" {share(r, device)} |" if device else cells


def share(r, device):
    """r as % of the device: LUT (logic + LUTRAM) / FF / BRAM36 / URAM / DSP."""
    used = (r["LUT"] + r["LUTRAM"], r["FF"], r["BRAM36"], r["URAM"], r["DSP"])
    return " / ".join(f"{100.0 * u / device[c]:.1f}" for u, c in zip(used, ("LUT", "FF", "BRAM36", "URAM", "DSP")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--top", required=True)
    ap.add_argument("--title", required=True, help="one line saying what was synthesized")
    ap.add_argument("--seconds", type=int, required=True)
    ap.add_argument("--part", help="the FPGA part (e.g. xcu280-fsvh2892-2L-e): adds %% of the device")
    args = ap.parse_args()
    device = None
    if args.part:
        device = next((v for k, v in DEVICES.items() if args.part.lower().startswith(k)), None)
        if device is None:
            sys.exit(f"synth_report: unknown part {args.part} (known: {', '.join(DEVICES)})")

    modules = parse_stat((args.out / "stat_modules.txt").read_text())
    tops = [m for m in modules if short_name(m) == args.top]
    if len(tops) != 1:
        sys.exit(f"synth_report: top {args.top} not found once in {args.out / 'stat_modules.txt'}")
    top = tops[0]
    totals = subtree_totals(modules)
    counts = instance_counts(modules, top)
    grand = resources(totals[top])
    extra = " % of device (LUT/FF/BRAM/URAM/DSP) |" if device else ""
    header = "| | " + " | ".join(COLUMNS) + " |" + extra + "\n|---|" + "---:|" * (len(COLUMNS) + bool(device))

    lines = [
        f"# {args.top} resource estimate: {args.title}",
        "",
        "Yosys `synth_xilinx -family xcup` (technology-mapped, not placed or optimized by Vivado), "
        f"{args.seconds} s of synthesis.",
        "LUT = LUTs as logic; LUTRAM = LUTs as distributed memory (UG574 LUTs per primitive); "
        "BRAM36 = RAMB36E2 + RAMB18E2 / 2.",
        "",
        header,
        row(f"**{args.top}**", grand, device),
    ]
    if device:
        used = {"LUT": grand["LUT"] + grand["LUTRAM"], "FF": grand["FF"], "BRAM36": grand["BRAM36"],
                "URAM": grand["URAM"], "DSP": grand["DSP"]}
        pct = {c: 100.0 * used[c] / device[c] for c in used}
        over = [f"{c} {pct[c]:.1f}% > {m:.0f}%" for c, m in MARGINS.items() if pct[c] > m]
        lines[-2:-2] = [
            f"Device {args.part}: LUT (logic + LUTRAM) {used['LUT']:,} of {device['LUT']:,} = {pct['LUT']:.1f}%, "
            f"FF {pct['FF']:.1f}%, BRAM36 {fmt(used['BRAM36'])} of {device['BRAM36']:,} = {pct['BRAM36']:.1f}%, "
            f"URAM {used['URAM']:,} of {device['URAM']:,} = {pct['URAM']:.1f}%, "
            f"DSP {used['DSP']:,} of {device['DSP']:,} = {pct['DSP']:.1f}% of the whole device.",
            "Margins (LUT <= 70%, BRAM/URAM <= 80% of the device, before the platform's static region): "
            + ("**not met: " + ", ".join(over) + "**." if over else "met."),
            "",
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
            lines.append(row(label, {c: r[c] * n for c in COLUMNS}, device))
            if n > 1:
                lines.append(row(f"{name} (one)", r, device))
            for c in COLUMNS:
                shell[c] -= r[c] * n
        lines.append(row("shell (everything else)", shell, device))

    lines += ["", "Per module, with everything it instantiates (one instance; `n` = instances in the design"
              + ("; the % column: all n instances, of the device)" if device else ")") + ":",
              "", "| module | n | " + " | ".join(COLUMNS) + " |" + extra,
              "|---|---:|" + "---:|" * (len(COLUMNS) + bool(device))]
    for module in sorted(counts, key=lambda m: (short_name(m), m)):
        r = resources(totals[module])
        line = f"| {short_name(module)} | {counts[module]} | " + " | ".join(fmt(r[c]) for c in COLUMNS) + " |"
        if device:
            line += f" {share({c: r[c] * counts[module] for c in COLUMNS}, device)} |"
        lines.append(line)

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
