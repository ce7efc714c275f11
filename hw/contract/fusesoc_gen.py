#!/usr/bin/env python3
"""FuseSoC generator (GAPI 1.0) for hw/mmfree.core: writes the contract's SystemVerilog packages
and the mmfree_kernel top for `weight_ports` ports into the working directory, and a .core file
that lists them (packages first, so they are compiled before the modules that use them)."""

import subprocess
import sys
from pathlib import Path

import yaml  # FuseSoC itself depends on PyYAML


def main(argv):
    config = yaml.safe_load(Path(argv[1]).read_text())
    root = Path(config["files_root"])  # hw/, the directory of mmfree.core
    ports = int(config.get("parameters", {}).get("weight_ports", 1))
    vlnv = config["vlnv"]
    subprocess.run([sys.executable, str(root / "contract" / "gen_contract.py"),
                    "--description", str(root / "contract" / "mmfree_contract.toml"),
                    "--sv", "mmfree_reg_pkg.sv", "--sv-contract", "mmfree_contract_pkg.sv"], check=True)
    subprocess.run([sys.executable, str(root / "rtl" / "kernel" / "gen_kernel_top.py"),
                    "--weight-ports", str(ports), "--out", "mmfree_kernel.sv"], check=True)
    core = {
        "name": vlnv,
        "filesets": {
            "generated": {
                "files": ["mmfree_reg_pkg.sv", "mmfree_contract_pkg.sv", "mmfree_kernel.sv"],
                "file_type": "systemVerilogSource",
            }
        },
        "targets": {"default": {"filesets": ["generated"]}},
    }
    Path("mmfree_generated.core").write_text("CAPI=2:\n" + yaml.safe_dump(core, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
