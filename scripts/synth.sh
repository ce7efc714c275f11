#!/usr/bin/env bash
# Yosys `synth_xilinx -family xcup` (UltraScale+, the Alveo parts) of the mmfree_kernel top in a
# named configuration, writing a resource report (LUT, LUTRAM, FF, BRAM, URAM, DSP; the ternary
# arrays, the token engine and the shell; per module; which memory became which primitive) to
# build/synth/<config>/report.md. A technology-mapped estimate, not a placed-and-routed Vivado
# result. Single-threaded: the default configuration took 765 s of Yosys (13 minutes on a busy
# two-core machine) at commit 948b469.
#
#   scripts/synth.sh [CONFIG] [--top MODULE] [--out DIR] [--json]
#
#   CONFIG        default | b1 | p1 | small (their parameters: the table below in this script), or a
#                 board of bitstreams/ (u280 | u55c | u250 | kv260): its platform.toml's [kernel]
#                 parameters (scripts/platform_config.py), and the report gives % of its part
#   --top MODULE  synthesize one module of hw/rtl instead of the kernel top, with the
#                 configuration's parameters that it declares (e.g. mmfree_token_engine: quicker)
#   --out DIR     where the report and logs go (default build/synth/<config>[-<module>])
#   --json        also write the mapped netlist, flattened, to OUT/netlist.json (after the
#                 resource statistics; scripts/timing_estimate.py reads it: `make timing`)
#
# Yosys 0.23's UltraScale LUTRAM library (share/yosys/xilinx/lutrams_xcu.txt) offers single-port
# distributed RAMs with an "ABITS 16" option, while its mapping file (lutrams_xc5v_map.v) only
# implements up to ABITS 9 (RAM512X1S). memory_libmap picks that option for any single-port
# (one shared read/write address), asynchronously read memory deeper than 256 words, and the
# techmap then stops with "invalid OPTION_ABITS/WIDTH combination". So the memory-mapping step
# runs with a copy of the library whose option is ABITS 9, the depth the map file and the
# UltraScale RAM512X1S primitive implement; everything else is synth_xilinx's own script.
# MMFREE_SYNTH_STOCK_LUTRAMS=1 uses the installed library unchanged (to reproduce the bug).
#
# The register-map package and the Vitis top are generated first, exactly as the build does.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { sed -n '/^#   scripts/,/^#                 resource statistics/p' "$0" | sed 's/^# \{0,1\}//'; }

config=default
top=mmfree_kernel
out=""
json=0
while [ $# -gt 0 ]; do
  case "$1" in
    --top) [ $# -ge 2 ] || { echo "synth: --top needs a module name" >&2; exit 2; }; top="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || { echo "synth: --out needs a directory" >&2; exit 2; }; out="$2"; shift 2 ;;
    --json) json=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "synth: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) config="$1"; shift ;;
  esac
done

command -v python3 >/dev/null || { echo "synth: python3 not found" >&2; exit 1; }
# The contract's parameter defaults (hw/contract/mmfree_contract.toml): MMFREE_DEFAULT_<Name>.
eval "$(python3 "$root/hw/contract/gen_contract.py" --print-defaults)"
default_ports=$MMFREE_DEFAULT_NumWeightPorts
max_d=$MMFREE_DEFAULT_MaxHidden
max_i=$MMFREE_DEFAULT_MaxIntermediate
fifo=$MMFREE_DEFAULT_WeightFifoDepth
outst=$MMFREE_DEFAULT_WeightOutstanding
lanes=$MMFREE_DEFAULT_BatchLanes

# name: weight ports, MaxHidden, MaxIntermediate, WeightFifoDepth, WeightOutstanding, BatchLanes
part=""
case "$config" in
  default) ports=$default_ports ;;  # the contract's defaults: docs/device.md's default configuration
  b1)      ports=$default_ports; lanes=1 ;;  # the default with one lane (the one-lane kernel)
  p1)      ports=1 ;;
  small)   ports=1; max_d=512;  max_i=1024; fifo=64;  outst=2 ;;
  *)
    # A board: the parameters its bitstream is built with (platform.toml's [kernel], completed
    # with the contract's defaults by the one reader of platform.toml).
    if [ -f "$root/bitstreams/$config/platform.toml" ]; then
      board_vars="$(python3 "$root/scripts/platform_config.py" "$config" --format shell)" || exit 2
      eval "$board_vars"
      ports=$kernel_NumWeightPorts; max_d=$kernel_MaxHidden; max_i=$kernel_MaxIntermediate
      fifo=$kernel_WeightFifoDepth; outst=$kernel_WeightOutstanding; part=$platform_part
      lanes=${kernel_BatchLanes:-$lanes}
    else
      echo "synth: unknown configuration '$config' (default | b1 | p1 | small | a board of bitstreams/)" >&2; exit 2
    fi ;;
esac

command -v yosys >/dev/null || { echo "synth: yosys not found (run 'make deps')" >&2; exit 1; }

suffix=""
if [ "$top" != mmfree_kernel ]; then
  suffix="-$top"
  rtl_top_file="$(find "$root/hw/rtl" -name "$top.sv" | head -1)"
  [ -n "$rtl_top_file" ] || { echo "synth: no module '$top' in hw/rtl (no $top.sv)" >&2; exit 2; }
fi
out="${out:-$root/build/synth/$config$suffix}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
src="$out/src"
mkdir -p "$src"
python3 "$root/hw/contract/gen_contract.py" --sv "$src/mmfree_reg_pkg.sv" --sv-contract "$src/mmfree_contract_pkg.sv"
python3 "$root/hw/rtl/kernel/gen_kernel_top.py" --weight-ports "$ports" --out "$src/mmfree_kernel.sv"

kernel="$root/hw/rtl/kernel"
datapath="$root/hw/rtl/datapath"
# The packages first (the generated ones, then every file of hw/rtl declaring a package), then
# every module of hw/rtl (one module per file; Yosys keeps only what the top instantiates), then
# the generated top.
sources=("$src/mmfree_reg_pkg.sv" "$src/mmfree_contract_pkg.sv")
modules=()
while IFS= read -r file; do
  if grep -qE '^[[:space:]]*package[[:space:]]' "$file"; then sources+=("$file"); else modules+=("$file"); fi
done < <(find "$kernel" "$datapath" -name '*.sv' | sort)
sources+=("${modules[@]}")
sources+=("$src/mmfree_kernel.sv")

# The top's file (one module per file, named after it) says which parameters it declares.
top_file="$src/mmfree_kernel.sv"
[ "$top" = mmfree_kernel ] || top_file="$rtl_top_file"
chparams=""
for pair in "NumWeightPorts=$ports" "MaxHidden=$max_d" "MaxIntermediate=$max_i" \
            "WeightFifoDepth=$fifo" "WeightOutstanding=$outst" "BatchLanes=$lanes"; do
  name="${pair%%=*}"
  # Only what the top declares: chparam on an undeclared parameter is an error. (The generated
  # top's NumWeightPorts is set to the count it was generated for, so it stays consistent.)
  if grep -qE "(^|[^a-z_])parameter\\b[^=;]*\\b$name\\b" "$top_file"; then chparams+=" -set $name ${pair#*=}"; fi
done

# The LUTRAM library for memory_libmap (see the header): the installed one with the
# single-port ABITS 16 option turned into ABITS 9.
datdir=""
for dir in "$(dirname "$(readlink -f "$(command -v yosys)")")/../share/yosys" /usr/share/yosys /usr/local/share/yosys; do
  if [ -f "$dir/xilinx/lutrams_xcu.txt" ]; then datdir="$dir"; break; fi
done
[ -n "$datdir" ] || { echo "synth: Yosys' xilinx/lutrams_xcu.txt not found" >&2; exit 1; }
lutrams="$out/lutrams_xcu.txt"
if [ "${MMFREE_SYNTH_STOCK_LUTRAMS:-0}" = 1 ]; then
  cp "$datdir/xilinx/lutrams_xcu.txt" "$lutrams"
  echo "synth: MMFREE_SYNTH_STOCK_LUTRAMS=1: Yosys' LUTRAM library unchanged"
else
  sed -e 's/option "ABITS" 16 {/option "ABITS" 9 {/' -e 's/abits 16;/abits 9;/' \
    "$datdir/xilinx/lutrams_xcu.txt" > "$lutrams"
fi

# A top whose submodules are derived late is itself re-derived under a $paramod name:
# `rename -top` gives it its own name back for synth_xilinx -top. Then synth_xilinx's own
# script up to map_memory, its memory_libmap call for xcup (without -uram: URAM288 only on
# request, as synth_xilinx does) with the LUTRAM library above, then the rest of its script
# (its own memory_libmap finds nothing left to map).
synth="synth_xilinx -family xcup -top $top"
cat > "$out/synth.ys" <<EOF
read_verilog -sv ${sources[*]}
${chparams:+chparam$chparams $top}
hierarchy -check -top $top
rename -top $top
$synth -run :map_memory
memory_libmap -logic-cost-rom 0.015625 -lib $lutrams -lib +/xilinx/brams_xc4v.txt -D HAS_SIZE_36 -D HAS_MIXWIDTH_SDP -D HAS_ADDRCE -lib +/xilinx/urams.txt -no-auto-huge
$synth -run map_memory:
tee -q -o $out/stat_modules.txt stat -tech xilinx
EOF
if [ "$json" = 1 ]; then
  # Flattened after the per-module statistics: one graph for the timing estimate, every cell
  # named by its instance path and keeping Yosys' src attributes.
  printf 'flatten\nwrite_json %s\n' "$out/netlist.json" >> "$out/synth.ys"
fi

title="configuration \`$config\` (P = $ports, MaxHidden = $max_d, MaxIntermediate = $max_i, WeightFifoDepth = $fifo, BatchLanes = $lanes)"
echo "synth: $top, $title -> $out"
start=$(date +%s)
# Yosys's warnings (e.g. block-RAM address ports resized) go to the log, not the terminal.
if ! yosys -q -l "$out/yosys.log" -s "$out/synth.ys" >/dev/null 2>"$out/yosys.stderr"; then
  error="$(grep -m1 'ERROR' "$out/yosys.stderr" || tail -1 "$out/yosys.stderr")"
  # The pass that failed: the last pass header, not the frontend reading one of its map files.
  pass="$(grep -E '^[0-9]+(\.[0-9]+)*\. Executing ' "$out/yosys.log" | grep -v ' frontend' | tail -1 \
          | sed -E 's/^[0-9.]+ Executing //')"
  echo "synth: yosys failed in: ${pass:-?}" >&2
  echo "synth:   $error" >&2
  # An error inside a techmap file names only the file and line: the module of the map file
  # around that line is the cell type that could not be mapped, and memory_libmap's log says
  # which memories it turned into that cell type ("module.memory via cell").
  map_file="$(sed -nE 's/^([^:]+\.v):([0-9]+): ERROR.*/\1/p' <<<"$error")"
  map_line="$(sed -nE 's/^([^:]+\.v):([0-9]+): ERROR.*/\2/p' <<<"$error")"
  cell=""
  if [ -n "$map_file" ] && [ -f "$map_file" ]; then
    cell="$(awk -v n="$map_line" 'NR <= n && $1 == "module" { m = $2 } END { print m }' "$map_file" | sed 's/[ (].*//')"
  fi
  if [ -n "$cell" ] && grep -qF " via $cell" "$out/yosys.log"; then
    echo "synth: the failing cell type is $cell, from these memories:" >&2
    grep -F " via $cell" "$out/yosys.log" | grep '^mapping memory ' \
      | sed -E 's/^mapping memory (\$paramod(\$[0-9a-f]+)?\\)?/synth:   /' >&2 || true
  fi
  echo "synth: full log: $out/yosys.log" >&2
  exit 1
fi
echo "synth: $(grep -c '^Warning' "$out/yosys.stderr" || true) Yosys warnings in $out/yosys.log"
seconds=$(( $(date +%s) - start ))

python3 "$root/scripts/synth_report.py" "$out" --top "$top" --title "$title" --seconds "$seconds" ${part:+--part "$part"}
