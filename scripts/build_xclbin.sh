#!/usr/bin/env bash
# Builds the mmfree_kernel xclbin for one board: `make xclbin PLATFORM=u55c` calls this.
#
#   scripts/build_xclbin.sh PLATFORM [--target hw|hw_emu] [--out DIR] [--plan]
#
# PLATFORM is one of the folders of bitstreams/ (u55c, u280, u250, kv260). The steps:
#   1. the generated sources of this platform's build, into OUT/xo/PLATFORM/generated/:
#      hw/contract/gen_contract.py writes the kernel.xml, the SystemVerilog packages and a
#      plain-text list of the control registers for its NumWeightPorts/WeightDataWidth, all from
#      hw/contract/mmfree_contract.toml; hw/rtl/kernel/gen_kernel_top.py writes the Vitis top
#      mmfree_kernel.sv with NumWeightPorts m_axi_wNN ports (nothing is typed twice);
#   2. Vivado runs scripts/package_kernel.tcl: the RTL (file list of hw/mmfree.core) becomes a
#      Vitis RTL-kernel IP and then OUT/xo/mmfree_kernel_PLATFORM.xo;
#   3. v++ --link with bitstreams/PLATFORM/link.cfg makes OUT/xclbin/mmfree_PLATFORM.xclbin
#      (mmfree_PLATFORM_hw_emu.xclbin for --target hw_emu).
# MMFREE_CORE overrides the FuseSoC core the RTL file list is read from (default hw/mmfree.core).
# --plan runs step 1 and prints what step 2 would package (plain tclsh, no Vitis needed).
#
# Before anything long starts, every tool and file the build needs is checked; when something is
# missing the script names all of it, says how to get it, and exits 3 (2 for bad usage).
set -euo pipefail

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
me="build_xclbin.sh"

valid_platforms() {
  local d names=()
  for d in "$root"/bitstreams/*/; do
    [[ -f "$d/platform.toml" && -f "$d/link.cfg" ]] && names+=("$(basename "$d")")
  done
  echo "${names[*]}"
}

usage() {
  cat >&2 <<EOF
usage: scripts/build_xclbin.sh PLATFORM [--target hw|hw_emu] [--out DIR] [--plan]
  PLATFORM   one of: $(valid_platforms)   (folders of bitstreams/)
  --target   v++ target (default hw; hw_emu for hardware emulation)
  --out DIR  output root (default build): DIR/xo/, DIR/xclbin/
  --plan     only write the generated sources and print the packaging plan (needs no Vitis)
EOF
}

platform="" target="${TARGET:-hw}" out="$root/build" plan=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --target) [[ $# -ge 2 ]] || { usage; exit 2; }; target="$2"; shift 2 ;;
    --out) [[ $# -ge 2 ]] || { usage; exit 2; }; out="$2"; shift 2 ;;
    --plan) plan=1; shift ;;
    -*) echo "$me: unknown option '$1'" >&2; usage; exit 2 ;;
    *) [[ -z "$platform" ]] || { echo "$me: more than one PLATFORM given ('$platform', '$1')" >&2; exit 2; }
       platform="$1"; shift ;;
  esac
done

if [[ -z "$platform" ]]; then
  echo "$me: no PLATFORM given; valid platforms: $(valid_platforms)" >&2
  usage
  exit 2
fi
pdir="$root/bitstreams/$platform"
if [[ ! "$platform" =~ ^[a-z0-9_]+$ || ! -f "$pdir/platform.toml" || ! -f "$pdir/link.cfg" ]]; then
  echo "$me: unknown PLATFORM '$platform'; valid platforms: $(valid_platforms)" >&2
  exit 2
fi
case "$target" in hw|hw_emu) ;; *) echo "$me: --target must be hw or hw_emu, not '$target'" >&2; exit 2 ;; esac

# The interpreter itself, not a version manager's shim (each shim start costs a good fraction of
# a second, and the build runs Python several times). Everything below needs it, starting with
# reading the board's parameters.
python=$(python3 -c 'import sys, tomllib; print(sys.executable)' 2>/dev/null) || python=""
if [[ -z "$python" ]]; then
  echo "$me: cannot build the $platform xclbin; missing:" >&2
  echo "  - python3 >= 3.11 (reads platform.toml, runs hw/contract/gen_contract.py): apt-get install python3, or run 'make deps'" >&2
  exit 3
fi

# The board's platform.toml, read by scripts/platform_config.py (the one reader of it, which
# checks every value and fills in the contract's parameter defaults): platform_<key>,
# kernel_<Parameter> and limits_<key> shell variables.
board_config=$("$python" "$root/scripts/platform_config.py" "$platform" --format shell) ||
  { echo "$me: cannot read $pdir/platform.toml (above)" >&2; exit 2; }
eval "$board_config"
platform_name=$platform_name
clock_mhz=$platform_kernel_clock_mhz
weight_ports=$kernel_NumWeightPorts
weight_width=$kernel_WeightDataWidth
gmem_width=$kernel_GmemDataWidth

# ------------------------------------------------------------------ what the build needs
missing=()
if [[ $plan -eq 1 ]]; then
  command -v tclsh >/dev/null ||
    missing+=("tclsh (prints the packaging plan without Vivado): apt-get install tcl")
else
  vitis_hint="install Vitis 2022.2 or later (Vivado comes with it) from https://www.xilinx.com/support/download.html, then 'source <install dir>/Vitis/<version>/settings64.sh'"
  command -v vivado >/dev/null ||
    missing+=("vivado (packages the RTL as a Vitis kernel): $vitis_hint")
  command -v v++ >/dev/null ||
    missing+=("v++ (the Vitis compiler, links the xclbin): $vitis_hint")
  if [[ -z "${XILINX_XRT:-}" || ! -d "${XILINX_XRT:-/nonexistent}" ]]; then
    missing+=("XILINX_XRT (the Xilinx runtime; v++ reads the platform through it): install XRT from the board's Getting Started page and 'source /opt/xilinx/xrt/setup.sh'")
  fi
  # The platform: PLATFORM_XPFM wins; otherwise the usual install places.
  xpfm="${PLATFORM_XPFM:-}"
  searched=()
  if [[ -z "$xpfm" ]]; then
    IFS=: read -r -a repo_dirs <<< "${PLATFORM_REPO_PATHS:-}"
    for dir in "${repo_dirs[@]}" /opt/xilinx/platforms "${XILINX_VITIS:+$XILINX_VITIS/base_platforms}"; do
      [[ -n "$dir" ]] || continue
      searched+=("$dir")
      if [[ -f "$dir/$platform_name/$platform_name.xpfm" ]]; then
        xpfm="$dir/$platform_name/$platform_name.xpfm"; break
      fi
    done
  fi
  if [[ -z "$xpfm" || ! -f "$xpfm" ]]; then
    where="${PLATFORM_XPFM:+PLATFORM_XPFM=$PLATFORM_XPFM does not exist}"
    where="${where:-searched ${searched[*]}}"
    missing+=("the Vitis platform $platform_name ($platform_name.xpfm; $where): install the platform package for the $platform_board (the board's Vitis design-flow downloads), or set PLATFORM_XPFM=/path/to/$platform_name.xpfm")
  fi
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "$me: cannot build the $platform xclbin; missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 3
fi

# ------------------------------------------------------------------ 1. generated sources
mkdir -p "$out"
out=$(cd -- "$out" && pwd)
work="$out/xo/$platform"
gen="$work/generated"
mkdir -p "$gen"
# From the one contract description: kernel.xml, both SystemVerilog packages, and the control
# registers (the arguments come from kernel.xml) as `name offset bits` lines for the IP's
# register view.
"$python" "$root/hw/contract/gen_contract.py" --description "$root/hw/contract/mmfree_contract.toml" \
  --kernel-xml "$gen/kernel.xml" --sv "$gen/mmfree_reg_pkg.sv" --sv-contract "$gen/mmfree_contract_pkg.sv" \
  --registers-txt "$gen/registers.txt" \
  --weight-ports "$weight_ports" --weight-data-width "$weight_width" --gmem-data-width "$gmem_width"
"$python" "$root/hw/rtl/kernel/gen_kernel_top.py" --weight-ports "$weight_ports" --out "$gen/mmfree_kernel.sv"

xo="$out/xo/mmfree_kernel_$platform.xo"
"$python" "$root/scripts/platform_config.py" "$platform" --format tcl --out "$gen/platform.tcl"
tcl_args=(--platform-config "$gen/platform.tcl" --kernel-xml "$gen/kernel.xml"
          --registers "$gen/registers.txt" --core "${MMFREE_CORE:-$root/hw/mmfree.core}"
          --extra-rtl "$gen/mmfree_reg_pkg.sv" --extra-rtl "$gen/mmfree_contract_pkg.sv"
          --extra-rtl "$gen/mmfree_kernel.sv"
          --work "$work" --xo "$xo")
if [[ $plan -eq 1 ]]; then
  exec tclsh "$root/scripts/package_kernel.tcl" --plan "${tcl_args[@]}"
fi

# ------------------------------------------------------------------ 2. package the kernel
echo "$me: packaging $xo (log: $work/package.log)"
rm -f "$xo"
vivado -mode batch -nojournal -notrace -log "$work/package.log" \
  -source "$root/scripts/package_kernel.tcl" -tclargs "${tcl_args[@]}"
[[ -f "$xo" ]] || { echo "$me: Vivado finished but $xo is missing; see $work/package.log" >&2; exit 1; }

# ------------------------------------------------------------------ 3. link
suffix=""; [[ "$target" == hw ]] || suffix="_$target"
xclbin="$out/xclbin/mmfree_${platform}${suffix}.xclbin"
link="$out/xclbin/$platform$suffix"
mkdir -p "$link"
echo "$me: linking $xclbin at ${clock_mhz} MHz (logs: $link)"
v++ --link --target "$target" --platform "$xpfm" --config "$pdir/link.cfg" \
  --clock.freqHz "$((clock_mhz * 1000000)):mmfree_kernel_1" \
  --temp_dir "$link/_x" --log_dir "$link/logs" --report_dir "$link/reports" \
  --output "$xclbin" "$xo"
echo "$me: built $xclbin"
