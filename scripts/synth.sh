#!/usr/bin/env bash
# Yosys `synth_xilinx -family xcup` (UltraScale+, the Alveo parts) of the mmfree_kernel top in a
# named configuration, writing a resource report (LUT, FF, BRAM/URAM, DSP, per module) to
# build/synth/<config>/. A technology-mapped estimate, not a placed-and-routed Vivado result.
#
#   scripts/synth.sh [CONFIG] [--jobs N]      CONFIG: default | p1 | small (see below)
#
# The register-map package and the Vitis top are generated first, exactly as the build does.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${1:-default}"

# name: weight ports, MaxHidden, MaxIntermediate, WeightFifoDepth, WeightOutstanding
case "$config" in
  default) ports=4; max_d=2560; max_i=6912; fifo=256; outst=4 ;;  # docs/device.md's default
  p1)      ports=1; max_d=2560; max_i=6912; fifo=256; outst=4 ;;
  small)   ports=1; max_d=512;  max_i=1024; fifo=64;  outst=2 ;;
  *) echo "synth: unknown configuration '$config' (default | p1 | small)" >&2; exit 2 ;;
esac

command -v yosys >/dev/null || { echo "synth: yosys not found (run 'make deps')" >&2; exit 1; }
command -v python3 >/dev/null || { echo "synth: python3 not found" >&2; exit 1; }

out="$root/build/synth/$config"
src="$out/src"
mkdir -p "$src"
python3 "$root/hw/regmap/gen_regmap.py" --sv "$src/mmfree_reg_pkg.sv"
python3 "$root/hw/rtl/kernel/gen_kernel_top.py" --weight-ports "$ports" --out "$src/mmfree_kernel.sv"

kernel="$root/hw/rtl/kernel"
datapath="$root/hw/rtl/datapath"
# The package first, then every module of hw/rtl (one module per file; Yosys keeps only what
# the top instantiates), then the generated top.
sources=("$src/mmfree_reg_pkg.sv")
while IFS= read -r file; do sources+=("$file"); done < <(find "$kernel" "$datapath" -name '*.sv' | sort)
sources+=("$src/mmfree_kernel.sv")

cat > "$out/synth.ys" <<EOF
read_verilog -sv ${sources[*]}
chparam -set MaxHidden $max_d -set MaxIntermediate $max_i -set WeightFifoDepth $fifo -set WeightOutstanding $outst mmfree_kernel
hierarchy -check -top mmfree_kernel
synth_xilinx -family xcup -top mmfree_kernel
tee -q -o $out/stat_modules.txt stat -tech xilinx
flatten
tee -q -o $out/stat_total.txt stat -tech xilinx
EOF

echo "synth: $config (P=$ports, MaxHidden=$max_d, MaxIntermediate=$max_i, WeightFifoDepth=$fifo) -> $out"
start=$(date +%s)
# Yosys's warnings (e.g. block-RAM address ports resized) go to the log, not the terminal.
yosys -q -l "$out/yosys.log" -s "$out/synth.ys" >/dev/null 2>"$out/yosys.stderr" || {
  echo "synth: yosys failed, see $out/yosys.log" >&2; tail -5 "$out/yosys.stderr" >&2; exit 1; }
echo "synth: $(grep -c '^Warning' "$out/yosys.stderr" || true) Yosys warnings in $out/yosys.log"
seconds=$(( $(date +%s) - start ))

python3 - "$out" "$config" "$ports" "$max_d" "$max_i" "$fifo" "$seconds" <<'EOF'
import re, sys
from pathlib import Path

out, config, ports, max_d, max_i, fifo, seconds = sys.argv[1:]
out = Path(out)

def parse(text):
    """Cell counts per module from `stat -tech xilinx` output."""
    modules, name = {}, None
    for line in text.splitlines():
        m = re.match(r"=== (.+) ===", line.strip())
        if m:
            name = m.group(1)
            modules[name] = {}
            continue
        m = re.match(r"\s+(\S+)\s+(\d+)$", line)
        if name and m and m.group(1)[0].isupper():
            modules[name][m.group(1)] = int(m.group(2))
    return modules

def summary(cells):
    lut = sum(v for k, v in cells.items() if re.fullmatch(r"LUT[1-6]", k))
    lutram = sum(v for k, v in cells.items() if k.startswith(("RAM32", "RAM64", "RAM128", "RAM256", "SRL")))
    ff = sum(v for k, v in cells.items() if re.fullmatch(r"FD[CEPRS]E?", k) or k in ("FDRE", "FDSE", "FDCE", "FDPE"))
    bram = cells.get("RAMB36E2", 0) + 0.5 * cells.get("RAMB18E2", 0)
    uram = cells.get("URAM288", 0)
    dsp = cells.get("DSP48E2", 0)
    carry = cells.get("CARRY8", 0) + cells.get("CARRY4", 0)
    return lut, lutram, ff, bram, uram, dsp, carry

total = parse((out / "stat_total.txt").read_text())
modules = parse((out / "stat_modules.txt").read_text())
rows = []
header = "| module | LUT | LUTRAM/SRL | FF | BRAM36 | URAM | DSP | CARRY |\n|---|---|---|---|---|---|---|---|"
for name, cells in sorted(modules.items(), key=lambda kv: kv[0].split("\\")[-1]):
    if name == "design hierarchy" or not cells:
        continue
    lut, lutram, ff, bram, uram, dsp, carry = summary(cells)
    m = re.match(r"^\$paramod(?:\$[0-9a-f]+)?\\([^\\]+)", name)
    short = m.group(1) if m else name.lstrip("\\")
    rows.append(f"| {short} | {lut} | {lutram} | {ff} | {bram:g} | {uram} | {dsp} | {carry} |")
tot = summary(next(iter(total.values())))
report = [
    f"# mmfree_kernel resource estimate: configuration `{config}`",
    "",
    f"Yosys `synth_xilinx -family xcup` (technology-mapped, not placed); P = {ports} weight ports,",
    f"MaxHidden = {max_d}, MaxIntermediate = {max_i}, WeightFifoDepth = {fifo}; {seconds} s of synthesis.",
    "",
    "| total | LUT | LUTRAM/SRL | FF | BRAM36 | URAM | DSP | CARRY |",
    "|---|---|---|---|---|---|---|---|",
    f"| mmfree_kernel | {tot[0]} | {tot[1]} | {tot[2]} | {tot[3]:g} | {tot[4]} | {tot[5]} | {tot[6]} |",
    "",
    "Per module (one instance each; parameterised modules appear once per parameter set):",
    "",
    header,
    *rows,
    "",
]
(out / "report.md").write_text("\n".join(report))
print("\n".join(report))
EOF
