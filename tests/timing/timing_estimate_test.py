#!/usr/bin/env python3
"""The timing estimate's method on a netlist counted by hand (tests/timing/known_paths.sv).

Yosys maps known_paths.sv exactly as scripts/synth.sh maps the kernel (synth_xilinx -family xcup,
flattened, write_json); scripts/timing_estimate.py must then find:
  - sum_q[31] <= a + b: one LUT level (the propagate XOR) into a 32-bit carry chain, 4 CARRY8s;
  - and_q <= &x[215:0]: 3 LUT levels (216 = 6^3; with MUXF7/F8 a level takes at most 8 inputs,
    and 8^2 = 64 < 216, so no mapping does it in 2);
  - copy_q <= a[0]: no logic, clock-to-out + one net + setup;
  - the worst path is the deepest one, and the estimated Fmax is 1 / its delay;
  - the module's ports count as registered (the platform registers them).
"""
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
spec = importlib.util.spec_from_file_location("timing_estimate", ROOT / "scripts" / "timing_estimate.py")
te = importlib.util.module_from_spec(spec)
spec.loader.exec_module(te)


@unittest.skipUnless(shutil.which("yosys"), "yosys not installed")
class KnownNetlist(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mmfree_timing_")
        netlist = Path(cls.tmp.name) / "netlist.json"
        script = (f"read_verilog -sv {HERE / 'known_paths.sv'}; synth_xilinx -family xcup -top known_paths; "
                  f"flatten; write_json {netlist}")
        subprocess.run(["yosys", "-q", "-p", script], check=True, capture_output=True)
        cls.result = te.estimate(netlist)
        # Register end points by the register's name (the output ports have OBUF end points of
        # the same names).
        cls.by_end = {p["end_signal"].replace("$iopadmap$", ""): p for p in cls.result["paths"]
                      if p["end_type"] == "FDRE"}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_adder_is_one_lut_and_a_32_bit_chain(self):
        p = self.by_end["sum_q[31]"]
        self.assertEqual(p["lut_levels"], 1, p)
        self.assertEqual(p["carry_bits"], 32, p)
        self.assertEqual(p["carry8"], 4, p)
        self.assertEqual(p["muxf_levels"], 0, p)
        self.assertEqual(p["logic_levels"], 5, p)
        self.assertEqual(p["start_type"], "FDRE")
        self.assertRegex(p["start_signal"], r"^[ab]\[\d+\]$")
        self.assertIn("known_paths.sv", p["end_src"])

    def test_lower_sum_bits_have_shorter_chains(self):
        self.assertEqual(self.by_end["sum_q[0]"]["carry_bits"] <= 8, True)
        self.assertLess(self.by_end["sum_q[7]"]["delay_ns"], self.by_end["sum_q[31]"]["delay_ns"])

    def test_wide_and_is_three_lut_levels(self):
        p = self.by_end["and_q"]
        self.assertEqual(p["lut_levels"], 3, p)
        self.assertLessEqual(p["muxf_levels"], 6, p)   # at most a MUXF7 + MUXF8 per level
        self.assertEqual(p["carry_bits"], 0, p)
        self.assertRegex(p["start_signal"], r"^x\[\d+\]$")

    def test_register_to_register_copy_has_no_logic(self):
        p = self.by_end["copy_q"]
        self.assertEqual(p["logic_levels"], 0, p)
        d = te.DELAYS
        bare = d["ff_clk_to_q"] + te.ROUTE_NS + d["ff_setup_d"]
        # a[0] feeds the copy, the XOR LUT and the carry's DI: a fanout of 2 or 3.
        self.assertGreaterEqual(p["delay_ns"], bare + te.ROUTE_FANOUT_NS * math.log2(2) - 1e-9)
        self.assertLessEqual(p["delay_ns"], bare + te.ROUTE_FANOUT_NS * math.log2(3) + 1e-3)

    def test_delays_add_up_along_the_chain(self):
        p = self.by_end["sum_q[31]"]
        d = te.DELAYS
        # clock-to-out, a net into the LUT, the LUT, a net into the chain, the first carry cell,
        # 28 more bits of dedicated carry wire, a net into the register and its setup.
        low = (d["ff_clk_to_q"] + 2 * te.ROUTE_NS + d["lut"] + d["carry_enter"] + 28 / 8 * d["carry_per_carry8"]
               + te.ROUTE_NS + d["ff_setup_d"])
        self.assertGreaterEqual(p["delay_ns"], low - 1e-3)
        self.assertLessEqual(p["delay_ns"], low + 3 * te.ROUTE_FANOUT_NS * math.log2(3) + 1e-3)

    def test_worst_path_sets_fmax(self):
        worst = self.result["paths"][0]
        self.assertEqual(worst["end_signal"].replace("$iopadmap$", ""), "and_q")
        self.assertTrue(all(worst["delay_ns"] >= p["delay_ns"] for p in self.result["paths"]))
        text = te.report(self.result, 20, 3.0, "known")
        self.assertIn(f"Estimated Fmax of `known_paths`: {1000 / worst['delay_ns']:.0f} MHz", text)
        self.assertEqual(self.result["combinational_loops"], 0)
        self.assertEqual(self.result["unknown_cell_types"], [])
        # Every register is an end point (x, a, b from the input ports, which count as registered
        # on the platform side), and so is every output port: 314 flip-flops + 34 outputs.
        ends = [p["end_type"] for p in self.result["paths"]]
        self.assertEqual(ends.count("FDRE"), 314)
        self.assertEqual(ends.count("OBUF"), 34)
        from_port = self.by_end["x[5]"]
        self.assertEqual((from_port["start_type"], from_port["logic_levels"]), ("IBUF", 0))


@unittest.skipUnless(shutil.which("yosys"), "yosys not installed")
class KnownDsp(unittest.TestCase):
    """known_dsp.sv: flip-flops straight around a DSP48E2 count as its registers (as Vivado
    absorbs them); a product that goes through logic first keeps its combinational delay."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mmfree_timing_dsp_")
        netlist = Path(cls.tmp.name) / "netlist.json"
        script = (f"read_verilog -sv {HERE / 'known_dsp.sv'}; synth_xilinx -family xcup -top known_dsp; "
                  f"flatten; write_json {netlist}")
        subprocess.run(["yosys", "-q", "-p", script], check=True, capture_output=True)
        cls.result = te.estimate(netlist)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def worst_into(self, name):
        paths = [p for p in self.result["paths"]
                 if p["end_type"] == "FDRE" and p["end_signal"].replace("$iopadmap$", "").startswith(name)]
        self.assertTrue(paths, name)
        return max(paths, key=lambda p: p["delay_ns"])

    def test_both_products_map_to_one_dsp_each(self):
        self.assertEqual(self.result["dsps"], 2)

    def test_registers_around_a_product_are_absorbed(self):
        absorbed = self.result["dsp_registers_absorbed"]
        self.assertEqual((absorbed["AREG"], absorbed["BREG"]), (2, 2))  # both DSPs take a/b from flip-flops
        self.assertEqual(absorbed["PREG"], 1)                            # only reg_q's product goes straight to them
        # reg_q: the DSP's P register (clock-to-out) + one net + setup; no DSP stage on the path.
        d = te.DELAYS
        reg = self.worst_into("reg_q")
        self.assertEqual((reg["start_type"], reg["dsp_levels"], reg["lut_levels"]), ("DSP48E2", 0, 0))
        self.assertLess(reg["delay_ns"], d["dsp_clk_to_p_reg"] + te.ROUTE_NS + d["ff_setup_d"] + 0.1)

    def test_a_product_through_an_adder_keeps_the_dsp_delay(self):
        # sum_q: A/B registered, no P register: the multiply's delay, then the adder's carry chain.
        s = self.worst_into("sum_q")
        self.assertEqual(s["start_type"], "DSP48E2")
        self.assertGreater(s["delay_ns"], te.DELAYS["dsp_no_pipe"] - te.DELAYS["dsp_setup_reg"])
        self.assertGreater(s["carry8"], 0)


class DepthBudget(unittest.TestCase):
    def test_budget_depth_is_the_deepest_that_fits(self):
        n, delay = te.lut_depth_budget(3.0)
        self.assertLessEqual(delay, 3.0)
        d = te.DELAYS
        deeper = d["ff_clk_to_q"] + (n + 1) * d["lut"] + (n + 2) * te.ROUTE_NS + d["ff_setup_d"]
        self.assertGreater(deeper, 3.0)

    def test_dsp_without_registers_is_combinational(self):
        cell = {"type": "DSP48E2", "parameters": {"AREG": 0, "BREG": 0, "CREG": 0, "MREG": 0, "PREG": 0},
                "port_directions": {"A": "input", "B": "input", "C": "input", "CLK": "input", "P": "output"}}
        kind, starts, ends, arcs = te.classify(cell)
        self.assertEqual(starts, {})
        self.assertEqual(arcs[0][2], te.DELAYS["dsp_no_pipe"])
        cell["parameters"] = {"AREG": 1, "BREG": 1, "CREG": 1, "MREG": 1, "PREG": 1}
        kind, starts, ends, arcs = te.classify(cell)
        self.assertEqual(starts, {"P": te.DELAYS["dsp_clk_to_p_reg"]})
        self.assertEqual(arcs, [])


if __name__ == "__main__":
    unittest.main()
