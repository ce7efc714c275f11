#!/usr/bin/env bash
# verilator --lint-only -Wall on every module of hw/rtl and of tests/rtl_units/rtl (the unit-test
# wrappers of datapath functions), each as its own top (so parameters' defaults and unused ports
# are checked module by module). Modules are found by file name (one module per file) through -y
# on every RTL directory; the contract's packages, which the build generates, are generated
# here into a temporary directory first. The simulation-only code (assertions, protocol checkers,
# inside `ifndef SYNTHESIS) is linted with the rest: SYNTHESIS is not defined here.
# Exit status: 0 when every module is clean, 1 otherwise (each failure is printed).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rtl="$root/hw/rtl"
test_rtl="$root/tests/rtl_units/rtl"
command -v verilator >/dev/null || { echo "lint: verilator not found (run 'make deps')" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 "$root/hw/contract/gen_contract.py" --description "$root/hw/contract/mmfree_contract.toml" \
  --sv "$work/mmfree_reg_pkg.sv" --sv-contract "$work/mmfree_contract_pkg.sv" >/dev/null
packages=("$work/mmfree_reg_pkg.sv" "$work/mmfree_contract_pkg.sv")

search=()
while IFS= read -r dir; do search+=(-y "$dir"); done < <(find "$rtl" "$test_rtl" -type d | sort)

# Checked-in packages (a file declaring `package`) go before the modules that import them.
while IFS= read -r file; do
  if grep -qE '^[[:space:]]*package[[:space:]]' "$file"; then packages+=("$file"); fi
done < <(find "$rtl" "$test_rtl" -name '*.sv' | sort)

checked=0
failed=()
while IFS= read -r file; do
  grep -qE '^[[:space:]]*module[[:space:]]' "$file" || continue
  top="$(basename "$file" .sv)"
  checked=$((checked + 1))
  if ! out="$(verilator --lint-only -Wall "${search[@]}" "${packages[@]}" "$file" --top-module "$top" 2>&1)"; then
    failed+=("$top")
    echo "lint: $top ($file) FAILED:"
    echo "$out"
  fi
done < <(find "$rtl" "$test_rtl" -name '*.sv' | sort)

if [ "${#failed[@]}" -ne 0 ]; then
  echo "lint: ${#failed[@]} of $checked modules have warnings: ${failed[*]}"
  exit 1
fi
echo "lint: all $checked modules clean (verilator --lint-only -Wall)"
