#!/usr/bin/env python3
"""Reads one board's bitstreams/<board>/platform.toml and prints what the other tools need.

The one reader of platform.toml (format: bitstreams/README.md): the shell scripts, Vivado's Tcl
and the C++ tests take its output instead of parsing TOML themselves.

    scripts/platform_config.py BOARD [--bitstreams DIR] --format json|shell|tcl|cmake

The [kernel] table is completed with the contract's parameter defaults
(hw/contract/mmfree_contract.toml, [[parameter]]) for every parameter the board does not set,
in the contract's order after the board's own; [limits] max_hidden and max_intermediate default
to the kernel's MaxHidden and MaxIntermediate.

  json   {"board", "platform": {...}, "kernel": [{"name", "value"}, ...], "limits": {...}}
  shell  platform_<key>=..., kernel_<Name>=..., limits_<key>=... assignments (for eval)
  tcl    a Tcl dict: part, board, generics {{Name value} ...} (scripts/package_kernel.tcl)
  cmake  -DMMFREE_SIM_WEIGHT_PORTS=... options of the Verilated kernel (scripts/projections.sh)
Exit status 2 with a message naming the file and key when a value is missing or malformed.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hw" / "contract"))
import gen_contract  # noqa: E402  (the contract's own loader: one reader of that TOML too)

REQUIRED_PLATFORM = {
    "board": str, "name": str, "part": str, "kernel_clock_mhz": (int, float), "memory": str,
    "memory_bandwidth_gbps": (int, float), "weight_port_bandwidth_gbps": (int, float), "memory_gib": (int, float),
}
REQUIRED_LIMITS = ("max_vocab", "max_layers")
# The simulation build's cache options for the kernel parameters it takes.
CMAKE_OPTIONS = {
    "NumWeightPorts": "MMFREE_SIM_WEIGHT_PORTS",
    "WeightDataWidth": "MMFREE_SIM_WEIGHT_DATA_WIDTH",
    "WeightFifoDepth": "MMFREE_SIM_WEIGHT_FIFO_DEPTH",
    "WeightOutstanding": "MMFREE_SIM_WEIGHT_OUTSTANDING",
    "BatchLanes": "MMFREE_SIM_BATCH_LANES",
}


class ConfigError(Exception):
    pass


def load(board: str, bitstreams: Path) -> dict:
    path = bitstreams / board / "platform.toml"
    if not path.is_file():
        known = sorted(d.name for d in bitstreams.iterdir() if (d / "platform.toml").is_file())
        raise ConfigError(f"unknown board '{board}': no {path} (known: {', '.join(known) or 'none'})")
    try:
        with path.open("rb") as f:
            doc = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from None

    platform = doc.get("platform", {})
    for key, kind in REQUIRED_PLATFORM.items():
        if key not in platform:
            raise ConfigError(f"{path}: missing [platform] {key}")
        if not isinstance(platform[key], kind) or isinstance(platform[key], bool):
            raise ConfigError(f"{path}: [platform] {key} = {platform[key]!r} has the wrong type")
        if kind != str and not platform[key] > 0:
            raise ConfigError(f"{path}: [platform] {key} = {platform[key]!r} is not a positive number")
    if platform["memory"] not in ("HBM2", "DDR4"):
        raise ConfigError(f"{path}: [platform] memory = {platform['memory']!r} (known: HBM2, DDR4)")

    contract = gen_contract.load(ROOT / "hw" / "contract" / "mmfree_contract.toml")
    defaults = {p.name: p.default for p in contract.parameters}
    kernel = []
    for name, value in doc.get("kernel", {}).items():
        if name not in defaults:
            raise ConfigError(f"{path}: [kernel] {name} is not a parameter of mmfree_kernel "
                              f"(known: {', '.join(defaults)})")
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"{path}: [kernel] {name} = {value!r} is not a positive integer")
        kernel.append({"name": name, "value": value})
    given = {k["name"] for k in kernel}
    kernel += [{"name": n, "value": v} for n, v in defaults.items() if n not in given]
    values = {k["name"]: k["value"] for k in kernel}
    if not 1 <= values["NumWeightPorts"] <= contract.max_ports:
        raise ConfigError(f"{path}: [kernel] NumWeightPorts must be in 1..{contract.max_ports}")
    if values["WeightDataWidth"] % 8:
        raise ConfigError(f"{path}: [kernel] WeightDataWidth must be a whole number of bytes")

    limits = dict(doc.get("limits", {}))
    limits.setdefault("max_hidden", values["MaxHidden"])
    limits.setdefault("max_intermediate", values["MaxIntermediate"])
    for key in REQUIRED_LIMITS:
        if key not in limits:
            raise ConfigError(f"{path}: missing [limits] {key}")
    return {"board": board, "file": str(path), "platform": platform, "kernel": kernel, "limits": limits}


def tcl_word(value) -> str:
    text = str(value)
    if any(c in text for c in "{}\\"):
        raise ConfigError(f"value {text!r} cannot be written as a Tcl word")
    return "{" + text + "}"


def render(config: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(config, indent=2) + "\n"
    if fmt == "shell":
        lines = [f"platform_{k}={shlex.quote(str(v))}" for k, v in config["platform"].items()]
        lines += [f"kernel_{k['name']}={k['value']}" for k in config["kernel"]]
        lines += [f"limits_{k}={shlex.quote(str(v))}" for k, v in config["limits"].items()]
        return "\n".join(lines) + "\n"
    if fmt == "tcl":
        generics = " ".join("{" + f"{k['name']} {k['value']}" + "}" for k in config["kernel"])
        return (f"part {tcl_word(config['platform']['part'])}\n"
                f"board {tcl_word(config['platform']['board'])}\n"
                f"generics {{{generics}}}\n")
    if fmt == "cmake":
        return " ".join(f"-D{CMAKE_OPTIONS[k['name']]}={k['value']}" for k in config["kernel"]
                        if k["name"] in CMAKE_OPTIONS) + "\n"
    raise ConfigError(f"unknown format '{fmt}'")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("board")
    ap.add_argument("--bitstreams", type=Path, default=ROOT / "bitstreams")
    ap.add_argument("--format", choices=("json", "shell", "tcl", "cmake"), default="json")
    ap.add_argument("--out", type=Path, help="write here instead of stdout")
    args = ap.parse_args(argv)
    try:
        text = render(load(args.board, args.bitstreams), args.format)
    except (ConfigError, gen_contract.ContractError) as e:
        print(f"platform_config: {e}", file=sys.stderr)
        return 2
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
