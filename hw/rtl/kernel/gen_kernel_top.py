#!/usr/bin/env python3
"""Writes mmfree_kernel.sv, the Vitis RTL-kernel top, for a given number of weight ports.

Vitis wants every AXI master as its own set of named ports (m_axi_w00_arvalid, ...), which a
parameter cannot create, so the top is generated: a thin wrapper that gives the packed weight
ports of mmfree_kernel_core their m_axi_wNN_* names. Everything else lives in the core.

    gen_kernel_top.py --weight-ports P --out DIR/mmfree_kernel.sv
"""

import argparse
import sys
from pathlib import Path

# The weight ports' AXI names and their largest count come from the contract description.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "contract"))
import gen_contract  # noqa: E402

CONTRACT = gen_contract.load(Path(__file__).resolve().parents[2] / "contract" / "mmfree_contract.toml")


def master(port: int) -> str:
    """Weight port p's AXI master, "m_axi_w00" for p = 0 (the contract's port_format)."""
    return CONTRACT.weight_ports["port_format"].format(port=port)

READ_CHANNEL = [  # (name, direction seen from the kernel, width expression)
    ("arvalid", "output", "1"), ("arready", "input", "1"), ("araddr", "output", "64"),
    ("arlen", "output", "8"), ("arsize", "output", "3"), ("arburst", "output", "2"),
    ("arcache", "output", "4"), ("arprot", "output", "3"),
    ("rvalid", "input", "1"), ("rready", "output", "1"), ("rdata", "input", "DW"),
    ("rresp", "input", "2"), ("rlast", "input", "1"),
]
WRITE_CHANNEL = [
    ("awvalid", "output", "1"), ("awready", "input", "1"), ("awaddr", "output", "64"),
    ("awlen", "output", "8"), ("awsize", "output", "3"), ("awburst", "output", "2"),
    ("awcache", "output", "4"), ("awprot", "output", "3"),
    ("wvalid", "output", "1"), ("wready", "input", "1"), ("wdata", "output", "DW"),
    ("wstrb", "output", "DW/8"), ("wlast", "output", "1"),
    ("bvalid", "input", "1"), ("bready", "output", "1"), ("bresp", "input", "2"),
]
CONTROL = [
    ("awvalid", "input", "1"), ("awready", "output", "1"), ("awaddr", "input", "AW"),
    ("wvalid", "input", "1"), ("wready", "output", "1"), ("wdata", "input", "32"),
    ("wstrb", "input", "4"), ("bvalid", "output", "1"), ("bready", "input", "1"),
    ("bresp", "output", "2"), ("arvalid", "input", "1"), ("arready", "output", "1"),
    ("araddr", "input", "AW"), ("rvalid", "output", "1"), ("rready", "input", "1"),
    ("rdata", "output", "32"), ("rresp", "output", "2"),
]


def width(expr: str, dw: str) -> str:
    expr = expr.replace("DW", dw)
    return "" if expr == "1" else f"[{expr}-1:0] "


def checker_instance(instance: str, prefix: str, data_width: str, has_write: bool) -> list[str]:
    """One mmfree_axi_master_checker on the ports named prefix + channel signal."""
    lines = [f"  mmfree_axi_master_checker #(",
             f"    .DataWidth({data_width}),",
             f"    .HasWrite (1'b{int(has_write)})",
             f"  ) {instance} (",
             "    .clk_i (ap_clk),",
             "    .rst_ni(ap_rst_n),"]
    for name, _, _ in READ_CHANNEL:
        if name == "rdata":
            continue  # the data itself carries no protocol
        lines.append(f"    .{name}_i({prefix}{name}),")
    for name, _, _ in WRITE_CHANNEL:
        source = f"{prefix}{name}" if has_write else "'0"
        lines.append(f"    .{name}_i({source}),")
    lines[-1] = lines[-1].rstrip(",")
    lines.append("  );")
    return lines


def checker_instances(ports: int) -> list[str]:
    lines = checker_instance("u_check_gmem", "m_axi_gmem_", "GmemDataWidth", True)
    for p in range(ports):
        lines += checker_instance(f"u_check_w{p:02d}", f"m_axi_w{p:02d}_", "WeightDataWidth", False)
    return lines


def generate(ports: int) -> str:
    decl = []
    decl.append("  input  logic ap_clk,")
    decl.append("  input  logic ap_rst_n,")
    for name, d, w in CONTROL:
        decl.append(f"  {d:6} logic {width(w, '')}s_axi_control_{name},")
    # Vitis's name for the interrupt line happens to be a C++ keyword-ish word to Verilator.
    decl.append("  /* verilator lint_off SYMRSVDWORD */")
    decl.append("  output logic interrupt,")
    decl.append("  /* verilator lint_on SYMRSVDWORD */")
    for name, d, w in WRITE_CHANNEL + READ_CHANNEL:
        decl.append(f"  {d:6} logic {width(w, 'GmemDataWidth')}m_axi_gmem_{name},")
    for p in range(ports):
        for name, d, w in READ_CHANNEL:
            decl.append(f"  {d:6} logic {width(w, 'WeightDataWidth')}{master(p)}_{name},")
    decl[-1] = decl[-1].rstrip(",")

    conn = []
    for name, d, _ in CONTROL:
        suffix = "_i" if d == "input" else "_o"
        conn.append(f"    .ctl_{name}{suffix}(s_axi_control_{name}),")
    conn.append("    .interrupt_o(interrupt),")
    for name, d, _ in WRITE_CHANNEL + READ_CHANNEL:
        suffix = "_i" if d == "input" else "_o"
        conn.append(f"    .gm_{name}{suffix}(m_axi_gmem_{name}),")
    for name, d, _ in READ_CHANNEL:
        suffix = "_i" if d == "input" else "_o"
        # Port p is bit/slice p of the packed vector: concatenate from the highest port down.
        parts = ", ".join(f"{master(p)}_{name}" for p in reversed(range(ports)))
        conn.append(f"    .wt_{name}{suffix}({{{parts}}}),")
    conn[-1] = conn[-1].rstrip(",")

    decls = "\n".join(decl)
    conns = "\n".join(conn)
    checkers = "\n".join(checker_instances(ports))
    return f"""// Generated by hw/rtl/kernel/gen_kernel_top.py for {ports} weight port(s). Do not edit.
//
// The Vitis RTL-kernel top of mmfree (docs/device.md): Vitis's port names outside, the lowRISC
// style mmfree_kernel_core inside.
module mmfree_kernel #(
  // Defaults: the contract's (hw/contract/mmfree_contract.toml, [[parameter]]).
  parameter int unsigned WeightDataWidth   = mmfree_contract_pkg::WeightDataWidth,
  parameter int unsigned GmemDataWidth     = mmfree_contract_pkg::GmemDataWidth,
  parameter int unsigned MaxHidden         = mmfree_contract_pkg::MaxHidden,
  parameter int unsigned MaxIntermediate   = mmfree_contract_pkg::MaxIntermediate,
  parameter int unsigned WeightFifoDepth   = mmfree_contract_pkg::WeightFifoDepth,
  parameter int unsigned WeightOutstanding = mmfree_contract_pkg::WeightOutstanding,
  parameter int unsigned BatchLanes        = mmfree_contract_pkg::BatchLanes,
  // Derived; not meant to be overridden.
  parameter int unsigned NumWeightPorts    = {ports},
  parameter int unsigned AW                = mmfree_reg_pkg::RegAddrWidth
) (
{decls}
);

  mmfree_kernel_core #(
    .NumWeightPorts   (NumWeightPorts),
    .WeightDataWidth  (WeightDataWidth),
    .GmemDataWidth    (GmemDataWidth),
    .MaxHidden        (MaxHidden),
    .MaxIntermediate  (MaxIntermediate),
    .WeightFifoDepth  (WeightFifoDepth),
    .WeightOutstanding(WeightOutstanding),
    .BatchLanes       (BatchLanes)
  ) u_core (
    .clk_i (ap_clk),
    .rst_ni(ap_rst_n),
{conns}
  );

  // AXI4 protocol checkers on every master port (hw/rtl/kernel/mmfree_axi_master_checker.sv):
  // simulation only, like the assertions inside the modules.
`ifndef SYNTHESIS
  // pragma translate_off
{checkers}
  // pragma translate_on
`endif

endmodule
"""


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weight-ports", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    if not 1 <= args.weight_ports <= CONTRACT.max_ports:
        print(f"gen_kernel_top: --weight-ports {args.weight_ports} outside 1..{CONTRACT.max_ports}", file=sys.stderr)
        return 1
    text = generate(args.weight_ports)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not args.out.exists() or args.out.read_text() != text:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
