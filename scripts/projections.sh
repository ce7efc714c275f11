#!/usr/bin/env bash
# Projections of the released model shapes onto the boards, each simulated with the kernel
# configuration that board's bitstream is built with (bitstreams/<board>/platform.toml, [kernel]:
# weight ports, beat width, weight FIFO depth, bursts outstanding), so no figure is scaled from
# another port count.
#
#   scripts/projections.sh [--boards u55c,u280,...] [--shapes 370M,1.3B,2.7B] [--out DIR] [--build-root DIR]
#
# Boards with the same kernel configuration share one Verilated build under the build root
# (default build/boards/<config>); a configuration with 31 or 32 ports takes about 15 minutes to
# build on two cores. Every board and shape is simulated twice: under the board's nominal memory
# bandwidth (the figures published so far) and under the bandwidth measured on real boards
# (`--memory both`: the *-sustained presets of sim/src/memory_timing.cpp, Shuhai). Writes
# DIR/<board>-<shape>.json (mmfree bench --json), DIR/projections.md (one table of every row, with
# each row's label; also printed) and DIR/roofline.svg (default DIR: build/projections).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
boards=""
shapes="370M,1.3B,2.7B"
out="$here/build/projections"
build_root="$here/build/boards"
jobs=$(nproc)

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --boards) boards="$2"; shift 2 ;;
    --shapes) shapes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --build-root) build_root="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "projections.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ -z "$boards" ]]; then
  boards=$(cd "$here/bitstreams" && for d in */platform.toml; do printf '%s,' "${d%%/*}"; done)
  boards=${boards%,}
fi

# The CMake cache options of the Verilated kernel for one board, from its platform.toml (read by
# scripts/platform_config.py, which fills in the contract's defaults).
sim_options() {
  python3 "$here/scripts/platform_config.py" "$1" --format cmake
}

mkdir -p "$out"
points=""
IFS=, read -r -a board_list <<< "$boards"
IFS=, read -r -a shape_list <<< "$shapes"
for board in "${board_list[@]}"; do
  [[ -f "$here/bitstreams/$board/platform.toml" ]] || { echo "projections.sh: no bitstreams/$board/platform.toml" >&2; exit 2; }
  options=$(sim_options "$board")
  config=$(echo "$options" | sed 's/-DMMFREE_SIM_//g; s/=/-/g; s/ /_/g')
  build="$build_root/${config:-default}"
  # An existing build whose cache already has this configuration (build/ itself, for a board
  # with the default one) is used as it is.
  for candidate in "$here/build" "$build_root"/*; do
    [[ -f "$candidate/CMakeCache.txt" ]] || continue
    matches=1
    for option in $options; do
      name=${option#-D}; name=${name%%=*}
      grep -qx "$name:STRING=${option#*=}" "$candidate/CMakeCache.txt" || { matches=0; break; }
    done
    if [[ $matches == 1 ]]; then build="$candidate"; break; fi
  done
  echo "projections.sh: $board: kernel $options -> $build" >&2
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    # shellcheck disable=SC2086  # $options is a list of -D flags
    # Profile feedback makes the model ~7% faster per cycle but doubles its build, and a
    # projection simulates only seconds: not worth it here.
    cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMMFREE_SIM_PGO=OFF $options >&2
  fi
  cmake --build "$build" -j "$jobs" --target mmfree >&2
  for shape in "${shape_list[@]}"; do
    json="$out/$board-$shape.json"
    echo "projections.sh: $board: $shape..." >&2
    "$build/bin/mmfree" bench --backend sim --shape "$shape" --board "$board" --layers 1 --memory both --energy --json > "$json"
    points="${points:+$points,}$json"
  done
done
"$build/bin/mmfree" bench --points "$points" --plot "$out/roofline.svg" >&2
python3 "$here/scripts/projection_table.py" "$out/projections.md" "${points//,/ }"
cat "$out/projections.md"
echo "projections.sh: tables in $out/projections.md, roofline in $out/roofline.svg" >&2
