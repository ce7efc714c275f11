#!/usr/bin/env python3
"""One Markdown table from `mmfree bench --shape ... --json` outputs, with every row's label.

Each row says which memory it was simulated with: `nominal` (the board's specified bandwidth) or
`sustained` (the bandwidth measured on real boards, sim/src/memory_timing.cpp); "of bound" is
against that same memory's bound. Rows from before the field existed count as nominal.

    projection_table.py OUT.md A.json [B.json ...]   (the JSON list may also be one space-separated argument)
"""
import json
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    files = [f for arg in sys.argv[2:] for f in arg.split()]
    rows = []
    for f in files:
        try:
            rows += json.load(open(f))
        except (OSError, json.JSONDecodeError) as e:
            print(f"projection_table.py: {f}: {e}", file=sys.stderr)
            return 1
    with open(sys.argv[1], "w") as md:
        md.write("Projected from simulation of the RTL (Verilator), not measured on a board; energy estimated.\n\n")
        md.write("| model | board | memory | ports | cycles/token | projected tok/s | bandwidth bound tok/s | of bound "
                 "| bandwidth efficiency | est. mJ/token (dynamic / total) |\n"
                 "|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
        for r in rows:
            e = r.get("energy_estimated", {})
            memory = r.get("memory", "nominal")
            if "memory_bandwidth_gbps" in r:
                memory += f" ({r['memory_bandwidth_gbps']:g} GB/s)"
            md.write(f"| {r['model']} | {r['board']} | {memory} | {r['weight_ports']} | {r['cycles_per_token']:,.0f} "
                     f"| {r['tokens_per_second']:,.1f} | {r['bandwidth_bound_tokens_per_second']:,.1f} "
                     f"| {100 * r['fraction_of_bandwidth_bound']:.1f}% | {100 * r['bandwidth_efficiency']:.1f}% "
                     f"| {1e3 * e.get('dynamic_joules', 0):.1f} / {1e3 * e.get('total_joules', 0):.1f} |\n")
        md.write("\n")
        for r in rows:
            md.write(f"- {r['model']} on {r['board']} ({r.get('memory', 'nominal')} memory): {r['label']}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
