#!/usr/bin/env python3
"""Register-to-register timing estimate of a Yosys `synth_xilinx -family xcup` netlist.

Reads the flattened, technology-mapped netlist that `scripts/synth.sh --json` writes
(OUT/netlist.json), builds the graph of every path from a clocked element to a clocked element,
and for each end point finds the slowest path under the delay model below: its LUT levels,
MUXF7/F8 levels, carry-chain length (in bits and in CARRY8s) and an estimated delay. Writes
OUT/timing.md (summary, the estimated Fmax of the whole design, the worst paths of every module
with their start/end cells and source lines) and OUT/timing.json (the same figures for tools).

    scripts/timing_estimate.py NETLIST.json [--out DIR] [--top N] [--budget-ns 3.0]

What this is and is not. It is a *logic-depth* estimate, not static timing analysis: there is
no placement, so every net gets the same stated routing allowance (plus a fanout term); Vivado
will also restructure logic (retiming off by default, LUT combining, CARRY4 -> CARRY8,
high-fanout replication). Treat the delays as a ranking of where the deep logic is and a rough
Fmax, good to perhaps +-30%, and the level counts as exact facts about this netlist.

Delay model (UltraScale+, -2 speed grade; ns). Sources:
  DS923 (Virtex UltraScale+ data sheet, v1.20), DSP48 switching characteristics, -2 at 0.85 V:
    FMAX with all registers 775 MHz (1.29 ns), without MREG 544 MHz (1.84 ns), without pipeline
    registers (MREG, ADREG) 410 MHz (2.44 ns): used for the DSP48E2 internal stages.
  The CLB figures (LUT, carry, flip-flop) are not tabulated in DS923 (AMD publishes them only
    through Vivado's speed files), so the values below are ESTIMATES in the range Vivado timing
    reports show for -2 UltraScale+ parts; the block-RAM clock-to-out without its output
    register is set near DS958's 0.90 ns for Versal -2 (the UltraScale+ figure is in the same
    range; the with-register figure likewise). Every constant is in DELAYS below.
  Kernel ports (IBUF/OBUF) count as registers: the platform's AXI interconnect registers them.
  DSP48E2 registers: Yosys 0.23 maps a multiplier onto a DSP48E2 with every internal register
    off and leaves the flip-flops around it in the fabric; Vivado synthesis absorbs them (UG901,
    "Multipliers" / DSP block inference; UG579 for the DSP48E2 A/B/M/P registers). The model
    does the same (absorb_dsp_registers): a DSP48E2 whose A (or B) input bits all come straight
    from flip-flops without an asynchronous reset counts AREG (BREG) = 1, and one whose used P
    bits all go only to such flip-flops' D pins counts PREG = 1. Those flip-flops stay in the
    graph (as the register and its copy), so the path into them is still timed.
  Routing: ROUTE_NS per net + ROUTE_FANOUT_NS * log2(fanout): an allowance, not a measurement;
    carry (CO -> CI) and DSP cascade nets use dedicated wires and get none.
"""
import argparse
import json
import math
import re
import sys
from collections import defaultdict, deque
from pathlib import Path

# -------------------------------------------------------------------------------------------
# Delay model (ns). See the module docstring for where each figure comes from.
DELAYS = {
    "ff_clk_to_q": 0.09,        # FDRE/FDCE C -> Q (estimate)
    "ff_setup_d": 0.05,         # D setup (estimate)
    "ff_setup_ctrl": 0.10,      # CE / synchronous R,S setup (estimate)
    "lut": 0.12,                # any LUT1..LUT6 input -> O (estimate)
    "muxf": 0.08,               # MUXF7/MUXF8/MUXF9 (estimate)
    "carry_enter": 0.20,        # CARRY S/DI -> CO/O within one CARRY8 (estimate)
    "carry_per_carry8": 0.05,   # CI -> CO per further 8 bits of chain (estimate)
    "lutram_clk_to_o": 0.90,    # distributed RAM WCLK -> O (estimate)
    "lutram_read": 0.15,        # distributed RAM read address -> O (estimate)
    "lutram_setup": 0.25,       # distributed RAM D/WE/address setup (estimate)
    "srl_clk_to_q": 0.90,       # SRL16E/SRLC32E CLK -> Q (estimate)
    "bram_clk_to_do": 0.95,     # RAMB18E2/36E2 CLK -> DOUT without DO_REG (near DS958 -2M 0.901)
    "bram_clk_to_do_reg": 0.30, # with DO_REG (near DS958 -2M 0.262)
    "bram_setup": 0.40,         # address/data/enable setup (estimate)
    "uram_clk_to_do": 1.30,     # URAM288 CLK -> DOUT without OREG (estimate)
    "uram_clk_to_do_reg": 0.45, # with OREG (estimate)
    "uram_setup": 0.50,         # (estimate)
    "dsp_clk_to_p_reg": 0.35,   # PREG = 1 (estimate)
    "dsp_full_pipe": 1.29,      # DS923 -2 FMAX 775 MHz: one internal stage
    "dsp_no_mreg": 1.84,        # DS923 -2 FMAX_MULT_NOMREG 544 MHz
    "dsp_no_pipe": 2.44,        # DS923 -2 FMAX_NOPIPELINEREG 410 MHz
    "dsp_setup_reg": 0.30,      # into AREG/BREG/CREG (estimate)
    "dsp_setup_ctrl": 0.50,     # OPMODE/ALUMODE/INMODE/CE/RST (estimate)
}
ROUTE_NS = 0.30          # per net, before placement: a stated allowance, not a measurement
ROUTE_FANOUT_NS = 0.05   # per doubling of fanout
ROUTE_FANOUT_CAP = 12    # log2(4096): Vivado replicates beyond that

FLIP_FLOPS = {"FDRE", "FDSE", "FDCE", "FDPE"}
ASYNC_PINS = {"CLR", "PRE"}
CLOCK_PINS = re.compile(r"^(C|CLK|WCLK|CLKARDCLK|CLKBWRCLK|CLKA|CLKB)$")
LUT = re.compile(r"^(LUT[1-6]|INV)$")   # INV: Vivado implements it in a LUT
MUXF = re.compile(r"^MUXF[789]$")
CARRY = {"CARRY4": 4, "CARRY8": 8}
LUTRAM = re.compile(r"^RAM(32|64|128|256|512)(M|M16|M8|X1S|X1D|X8SW|X16DR8)$")
SRL = {"SRL16E", "SRLC16E", "SRLC32E"}
BRAM = {"RAMB18E2", "RAMB36E2"}
URAM = {"URAM288", "URAM288_BASE"}
DSP = {"DSP48E2"}
CLOCK_BUFFERS = {"BUFG", "IBUFG", "BUFGCE"}
LUTRAM_READ_ADDR = re.compile(r"^(A\d*|ADDR[A-G]|DPRA\d*|RADR\d*|A)$")
DSP_CASCADE_IN = {"ACIN", "BCIN", "PCIN", "CARRYCASCIN", "MULTSIGNIN"}


def route(fanout):
    return ROUTE_NS + ROUTE_FANOUT_NS * min(math.log2(max(fanout, 1)), ROUTE_FANOUT_CAP)


def param_int(value, default=0):
    if value is None:
        return default
    if isinstance(value, int):
        return value
    text = str(value).strip().strip('"')
    if text.upper() in ("TRUE", "FALSE"):
        return int(text.upper() == "TRUE")
    if re.fullmatch(r"[01]+", text) and len(text) > 1:
        return int(text, 2)
    try:
        return int(text)
    except ValueError:
        return default


_LINES = {}
# `module #(`, `module name (` or, where Yosys points at the instance name, `) name (` / `name (`.
_INSTANCE = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_$]*\s*#|(?:\)\s*)?(?:[A-Za-z_][A-Za-z0-9_$]*\s+)?"
                       r"([A-Za-z_][A-Za-z0-9_$]*)\s*(?:\[[^\]]*\]\s*)?\()")


def _is_instantiation(part):
    """Whether a src location `file:line.col-line.col` is a module instantiation statement:
    False, or the instance name ('' when the statement starts before it)."""
    m = re.match(r"^(.*):(\d+)\.(\d+)-", part)
    if not m:
        return False
    path, line, col = m.group(1), int(m.group(2)), int(m.group(3))
    if path not in _LINES:
        try:
            _LINES[path] = Path(path).read_text(errors="replace").splitlines()
        except OSError:
            _LINES[path] = []
    lines = _LINES[path]
    if not 0 < line <= len(lines):
        return False
    text = " ".join([lines[line - 1][col - 1:]] + lines[line:line + 2]).strip()
    if re.match(r"^(always|assign|if|else|case|for|begin|end)\b", text):
        return False
    m = _INSTANCE.match(text)
    return (m.group(1) or "") if m else False


def hw_src(attrs, cell_name=""):
    """The design (not Yosys library) source location of a cell itself, or ''.

    After `flatten` a cell's src also lists the instantiation statements of the instances it
    sits in, in no fixed order; those are recognized by their text and skipped. A cell with no
    location of its own (a memory mapped onto a RAM) gets the innermost instantiation: the one
    whose instance name comes last in the cell's hierarchical name."""
    parts = [p for p in str(attrs.get("src", "")).split("|") if p and "/share/yosys/" not in p]
    kinds = [(p, _is_instantiation(p)) for p in parts]
    own = [p for p, k in kinds if k is False]
    if own:
        return own[-1]
    path = re.split(r"[.\\]", cell_name)
    best, depth = (parts or [""])[-1], -1
    for p, k in kinds:
        if k and k in path and path.index(k) > depth:
            best, depth = p, path.index(k)
    return best


def src_module(src):
    """`.../mmfree_token_engine.sv:12.3-14.5` -> mmfree_token_engine (one module per file)."""
    if not src:
        return "?"
    return Path(src.split(":")[0]).stem


def short_loc(src):
    if not src:
        return "?"
    path, _, pos = src.partition(":")
    return f"{Path(path).name}:{pos.split('.')[0]}"


class Netlist:
    def __init__(self, data, top=None):
        modules = data["modules"]
        if top is None:
            tops = [m for m, v in modules.items() if param_int(v.get("attributes", {}).get("top"), 0)]
            if len(tops) != 1:
                raise SystemExit(f"timing_estimate: cannot tell the top module (candidates: {tops})")
            top = tops[0]
        self.top = top
        module = modules[top]
        self.cells = module["cells"]
        self.driver = {}                    # bit -> (cell, port)
        self.sinks = defaultdict(list)      # bit -> [(cell, port)]
        for name, cell in self.cells.items():
            dirs = cell.get("port_directions", {})
            for port, bits in cell["connections"].items():
                for bit in bits:
                    if not isinstance(bit, int):
                        continue
                    if dirs.get(port) == "output":
                        self.driver[bit] = (name, port)
                    else:
                        self.sinks[bit].append((name, port))
        # A readable name for a bit: a public net name if there is one, else any name.
        self.bit_name = {}
        self.bit_src = {}
        for net, info in module.get("netnames", {}).items():
            hidden = info.get("hide_name", 0)
            src = hw_src(info.get("attributes", {}))
            for i, bit in enumerate(info["bits"]):
                if not isinstance(bit, int):
                    continue
                label = net if len(info["bits"]) == 1 else f"{net}[{i}]"
                if bit not in self.bit_name or (not hidden and self.bit_name[bit][1]):
                    self.bit_name[bit] = (label, hidden)
                if src and (bit not in self.bit_src or not hidden):
                    self.bit_src[bit] = src

    def fanout(self, bit):
        return len(self.sinks.get(bit, ()))

    def name(self, bit):
        return self.bit_name.get(bit, (f"bit{bit}", 1))[0].lstrip("\\")

    def cell_signal(self, cell_name):
        """The signal a cell drives (a register's name), for the report."""
        cell = self.cells[cell_name]
        dirs = cell.get("port_directions", {})
        fallback = ""
        for port in sorted(cell["connections"], key=lambda p: (p != "Q", p)):
            if dirs.get(port) != "output":
                continue
            for bit in cell["connections"][port]:
                if isinstance(bit, int):
                    label, hidden = self.bit_name.get(bit, ("", 1))
                    if label and not hidden:
                        return label.lstrip("\\")
                    fallback = fallback or label.lstrip("\\")
        return fallback or cell_name.lstrip("\\")

    def cell_src(self, cell_name):
        cell = self.cells[cell_name]
        src = hw_src(cell.get("attributes", {}), cell_name)
        if src:
            return src
        # Mapped cells (LUTs, flip-flops out of techmap) may carry only library locations:
        # use the net they drive.
        for port, bits in cell["connections"].items():
            if cell.get("port_directions", {}).get(port) == "output":
                for bit in bits:
                    if isinstance(bit, int) and bit in self.bit_src:
                        return self.bit_src[bit]
        return ""


# -------------------------------------------------------------------------------------------
# What each cell does to timing: start points (output bits with a clock-to-out delay),
# end points (input pins with a setup time), and combinational arcs (input pin -> output pin).

def classify(cell):
    """(kind, starts {out_port: delay}, ends {in_port: setup}, arcs [(in_ports|None, out_port, delay, kind)])

    arcs with in_ports None mean "every data input"."""
    t = cell["type"]
    dirs = cell.get("port_directions", {})
    ins = [p for p, d in dirs.items() if d != "output" and not CLOCK_PINS.match(p)]
    outs = [p for p, d in dirs.items() if d == "output"]
    p = cell.get("parameters", {})
    D = DELAYS
    if t in FLIP_FLOPS:
        ends = {pin: (D["ff_setup_d"] if pin == "D" else D["ff_setup_ctrl"]) for pin in ins if pin not in ASYNC_PINS}
        return "ff", {"Q": D["ff_clk_to_q"]}, ends, []
    if LUT.match(t):
        return "lut", {}, {}, [(ins, "O", D["lut"], "lut")]
    if MUXF.match(t):
        return "muxf", {}, {}, [(ins, "O", D["muxf"], "muxf")]
    if t in CARRY:
        return "carry", {}, {}, [(ins, o, None, "carry") for o in outs]
    if t in CLOCK_BUFFERS:
        return "buf", {}, {}, []
    # The kernel's ports: in a Vitis build they meet the platform's AXI interconnect, which
    # registers them (register slices), so a port is a start/end point like a flip-flop.
    if t == "IBUF":
        return "port", {"O": D["ff_clk_to_q"]}, {}, []
    if t == "OBUF":
        return "port", {}, {"I": D["ff_setup_d"]}, []
    if LUTRAM.match(t):
        reads = [pin for pin in ins if LUTRAM_READ_ADDR.match(pin)]
        ends = {pin: D["lutram_setup"] for pin in ins}
        return "lutram", {o: D["lutram_clk_to_o"] for o in outs}, ends, \
            [(reads, o, D["lutram_read"], "lut") for o in outs]
    if t in SRL:
        reads = [pin for pin in ins if re.match(r"^A\d*$", pin)]
        ends = {pin: D["ff_setup_ctrl"] for pin in ins}
        return "srl", {o: D["srl_clk_to_q"] for o in outs}, ends, \
            [(reads, o, D["lutram_read"], "lut") for o in outs]
    if t in BRAM:
        starts = {}
        for o in outs:
            reg = param_int(p.get("DOB_REG" if o.startswith(("DOUTB", "DOUTPB", "CASDOUTB")) else "DOA_REG"), 0)
            starts[o] = D["bram_clk_to_do_reg"] if reg else D["bram_clk_to_do"]
        return "bram", starts, {pin: D["bram_setup"] for pin in ins}, []
    if t in URAM:
        starts = {}
        for o in outs:
            reg = param_int(p.get("OREG_B" if o.endswith("_B") else "OREG_A"), 0)
            starts[o] = D["uram_clk_to_do_reg"] if reg else D["uram_clk_to_do"]
        return "uram", starts, {pin: D["uram_setup"] for pin in ins}, []
    if t in DSP:
        areg, breg = param_int(p.get("AREG"), 1), param_int(p.get("BREG"), 1)
        creg, mreg, preg = param_int(p.get("CREG"), 1), param_int(p.get("MREG"), 1), param_int(p.get("PREG"), 1)
        ends, arcs = {}, []
        comb_in = []
        for pin in ins:
            if pin in DSP_CASCADE_IN:
                group_reg, deep = (areg if pin == "ACIN" else breg if pin == "BCIN" else 0), pin in ("ACIN", "BCIN")
            elif pin in ("A", "B", "D"):
                group_reg, deep = (areg if pin in ("A", "D") else breg), True
            elif pin == "C":
                group_reg, deep = creg, False
            else:
                ends[pin] = D["dsp_setup_ctrl"]
                continue
            if group_reg:
                ends[pin] = D["dsp_setup_reg"]
            elif deep and mreg:
                ends[pin] = D["dsp_full_pipe"]
            elif preg:
                ends[pin] = D["dsp_no_pipe"] if deep else D["dsp_full_pipe"]
            else:
                comb_in.append(pin)
        starts = {}
        for o in outs:
            if preg:
                starts[o] = D["dsp_clk_to_p_reg"]
            elif mreg:
                starts[o] = D["dsp_full_pipe"] - D["dsp_setup_reg"]
            elif areg or breg:
                starts[o] = D["dsp_no_pipe"] - D["dsp_setup_reg"]
            if comb_in:
                arcs.append((comb_in, o, D["dsp_no_pipe"], "dsp"))
        return "dsp", starts, ends, arcs
    # Unknown cell: a start and an end point, reported so the model can be extended.
    return "unknown", {o: 0.0 for o in outs}, {pin: 0.0 for pin in ins}, []


# -------------------------------------------------------------------------------------------

class Arrival:
    """The slowest path to a bit: its delay, what it went through, and where it came from.

    carry_bits: the carry chain the path is in (or last left); longest_chain: the longest chain
    anywhere on the path; carry8: CARRY8s on the whole path (each chain in 8-bit steps)."""
    __slots__ = ("delay", "luts", "muxf", "carry_bits", "carry8", "longest_chain", "dsps", "pred", "start", "cell")

    def __init__(self, delay, luts, muxf, carry_bits, carry8, longest_chain, dsps, pred, start, cell):
        self.delay, self.luts, self.muxf = delay, luts, muxf
        self.carry_bits, self.carry8, self.longest_chain, self.dsps = carry_bits, carry8, longest_chain, dsps
        self.pred, self.start, self.cell = pred, start, cell

    @property
    def levels(self):
        """Logic levels the way Vivado counts them: each LUT, MUXF, CARRY8 and DSP on the path."""
        return self.luts + self.muxf + self.carry8 + self.dsps


ABSORBABLE_FF = {"FDRE", "FDSE"}   # DSP48E2 registers have synchronous resets only


def absorb_dsp_registers(net):
    """Marks the DSP48E2 registers Vivado would absorb (module docstring); returns the counts."""
    counts = {"AREG": 0, "BREG": 0, "PREG": 0}
    for cell in net.cells.values():
        if cell["type"] not in DSP:
            continue
        params = cell.setdefault("parameters", {})
        conn = cell["connections"]
        for port, reg in (("A", "AREG"), ("B", "BREG")):
            bits = [b for b in conn.get(port, []) if isinstance(b, int)]
            if param_int(params.get(reg), 1) or not bits:
                continue
            drivers = [net.driver.get(b) for b in bits]
            if all(d and d[1] == "Q" and net.cells[d[0]]["type"] in ABSORBABLE_FF for d in drivers):
                params[reg] = 1
                counts[reg] += 1
        used = [b for b in conn.get("P", []) if isinstance(b, int) and net.sinks.get(b)]
        if used and not param_int(params.get("PREG"), 1) and all(
                sink_port == "D" and net.cells[sink]["type"] in ABSORBABLE_FF
                for b in used for sink, sink_port in net.sinks[b]):
            params["PREG"] = 1
            counts["PREG"] += 1
    return counts


def analyse(net):
    """Arrival time of every bit reachable from a start point, then every end point's worst path."""
    cells = net.cells
    info = {name: classify(cell) for name, cell in cells.items()}
    arrival = {}
    # Combinational nodes: output bits of cells with arcs. in-degree over bits.
    comb_out = {}        # out bit -> (cell, out_port)
    deps = {}            # out bit -> [(in bit, in_port, arc delay, arc kind)]
    for name, (kind, starts, ends, arcs) in info.items():
        conn = cells[name]["connections"]
        for in_ports, out_port, delay, arc_kind in arcs:
            for ob in conn.get(out_port, []):
                if not isinstance(ob, int):
                    continue
                comb_out[ob] = (name, out_port)
                lst = deps.setdefault(ob, [])
                for ip in in_ports:
                    for ib in conn.get(ip, []):
                        if isinstance(ib, int):
                            lst.append((ib, ip, delay, arc_kind))
        for out_port, delay in starts.items():
            for ob in conn.get(out_port, []):
                if isinstance(ob, int):
                    arrival[ob] = Arrival(delay, 0, 0, 0, 0, 0, 0, None, name, name)

    # Kahn's order over combinational output bits.
    indeg = {ob: 0 for ob in deps}
    users = defaultdict(list)
    for ob, lst in deps.items():
        for ib, *_ in lst:
            if ib in deps:
                indeg[ob] += 1
                users[ib].append(ob)
    queue = deque(ob for ob, n in indeg.items() if n == 0)
    order = []
    while queue:
        ob = queue.popleft()
        order.append(ob)
        for user in users[ob]:
            indeg[user] -= 1
            if indeg[user] == 0:
                queue.append(user)
    loops = len(deps) - len(order)

    for ob in order:
        cell_name, _ = comb_out[ob]
        ctype = cells[cell_name]["type"]
        best = arrival.get(ob)   # a start delay of the same bit (LUTRAM, SRL, DSP)
        for ib, ip, delay, arc_kind in deps[ob]:
            a = arrival.get(ib)
            if a is None:
                continue
            drv = net.driver.get(ib)
            drv_type = cells[drv[0]]["type"] if drv else ""
            luts, muxf, cbits, c8, longest, dsps = a.luts, a.muxf, a.carry_bits, a.carry8, a.longest_chain, a.dsps
            if arc_kind == "carry":
                width = CARRY[ctype]
                chained = ip in ("CI", "CI_TOP") and drv_type in CARRY
                wire = 0.0 if chained else route(net.fanout(ib))
                if chained:
                    d = D_carry_cascade(width)
                    c8 += math.ceil((cbits + width) / 8) - math.ceil(cbits / 8)
                    cbits += width
                else:
                    d = DELAYS["carry_enter"]
                    c8 += math.ceil(width / 8)
                    cbits = width
                longest = max(longest, cbits)
            else:
                wire = route(net.fanout(ib))
                d = delay
                if arc_kind == "lut":
                    luts += 1
                elif arc_kind == "dsp":
                    dsps += 1
                elif arc_kind == "muxf":
                    muxf += 1
                    # MUXF inputs come from the LUTs beside it: no general routing.
                    if drv_type and (LUT.match(drv_type) or MUXF.match(drv_type)):
                        wire = 0.0
                # A path leaving a carry chain keeps its carry length for the report.
            total = a.delay + wire + d
            if best is None or total > best.delay:
                best = Arrival(total, luts, muxf, cbits, c8, longest, dsps, ib, a.start, cell_name)
        if best is not None:
            arrival[ob] = best

    # End points.
    ends = []
    for name, (kind, starts, end_pins, arcs) in info.items():
        conn = cells[name]["connections"]
        worst = None
        for pin, setup in end_pins.items():
            for ib in conn.get(pin, []):
                if not isinstance(ib, int):
                    continue
                a = arrival.get(ib)
                if a is None:
                    continue
                drv = net.driver.get(ib)
                chained = drv and cells[drv[0]]["type"] in CARRY and kind == "carry"
                total = a.delay + (0.0 if chained else route(net.fanout(ib))) + setup
                if worst is None or total > worst[0]:
                    worst = (total, pin, ib, a)
        if worst:
            ends.append((name, kind) + worst)
    return arrival, ends, loops


def D_carry_cascade(width):
    return DELAYS["carry_per_carry8"] * width / 8


def path_cells(net, arrival, bit, limit=200):
    """The cells a path goes through, start first: [(cell name, type, bit driven)]."""
    out = []
    a = arrival.get(bit)
    while a is not None and len(out) < limit:
        out.append((a.cell, net.cells[a.cell]["type"], bit))
        if a.pred is None:
            break
        bit = a.pred
        a = arrival.get(bit)
    return list(reversed(out))


def lut_depth_budget(budget_ns):
    """The deepest plain LUT path (fanout-1 nets, no carry) the model puts within budget_ns."""
    n = 0
    while True:
        nxt = n + 1
        delay = DELAYS["ff_clk_to_q"] + nxt * DELAYS["lut"] + (nxt + 1) * ROUTE_NS + DELAYS["ff_setup_d"]
        if delay > budget_ns:
            return n, DELAYS["ff_clk_to_q"] + n * DELAYS["lut"] + (n + 1) * ROUTE_NS + DELAYS["ff_setup_d"]
        n = nxt


def describe(net, arrival, end):
    name, kind, delay, pin, bit, a = end
    start = a.start
    cells = path_cells(net, arrival, bit)
    through = []
    for cname, ctype, b in cells[1:]:
        label = net.name(b)
        if not label.startswith(("$", "bit")) and label not in through:
            through.append(label)
    return {
        "delay_ns": round(delay, 3),
        "lut_levels": a.luts,
        "muxf_levels": a.muxf,
        "carry_bits": a.longest_chain,
        "carry8": a.carry8,
        "dsp_levels": a.dsps,
        "logic_levels": a.levels,
        "start_cell": start.lstrip("\\"),
        "start_type": net.cells[start]["type"],
        "start_src": net.cell_src(start),
        "start_signal": net.cell_signal(start),
        "end_cell": name.lstrip("\\"),
        "end_type": net.cells[name]["type"],
        "end_pin": pin,
        "end_src": net.cell_src(name),
        "end_signal": net.cell_signal(name),
        "through": through[:6],
        "cells": [ctype for _, ctype, _ in cells],
    }


def estimate(netlist_path, top=None):
    data = json.loads(Path(netlist_path).read_text())
    net = Netlist(data, top)
    del data
    absorbed = absorb_dsp_registers(net)
    arrival, ends, loops = analyse(net)
    paths = [describe(net, arrival, e) for e in ends]
    paths.sort(key=lambda p: -p["delay_ns"])
    unknown = sorted({c["type"] for c in net.cells.values() if classify(c)[0] == "unknown"})
    return {"top": net.top.lstrip("\\"), "paths": paths, "combinational_loops": loops,
            "unknown_cell_types": unknown, "cells": len(net.cells), "dsp_registers_absorbed": absorbed,
            "dsps": sum(1 for c in net.cells.values() if c["type"] in DSP)}


def report(result, top_n, budget_ns, title):
    paths = result["paths"]
    depth, depth_delay = lut_depth_budget(budget_ns)
    worst = paths[0] if paths else None
    lines = [f"# Timing estimate: {title}", ""]
    lines += [
        "Estimated from the technology-mapped Yosys netlist (`synth_xilinx -family xcup`, flattened), "
        "not placed or routed: a logic-depth estimate with a stated routing allowance "
        f"({ROUTE_NS:.2f} ns per net + {ROUTE_FANOUT_NS:.2f} ns per doubling of fanout, capped at "
        f"fanout {2 ** ROUTE_FANOUT_CAP}). Delay constants and their sources: "
        "`scripts/timing_estimate.py` (UltraScale+, -2 speed grade; DSP from DS923, CLB figures estimated).",
        "Logic levels count each LUT, MUXF7/F8, CARRY8 and unregistered DSP48E2 on a path (Vivado's way); "
        "Yosys maps carry chains onto CARRY4 and Vivado packs them into CARRY8, so chains count in 8-bit "
        "steps and the longest chain on a path is also given in bits.",
        "",
    ]
    if worst:
        fmax = 1000.0 / worst["delay_ns"]
        lines += [
            f"- **Estimated Fmax of `{result['top']}`: {fmax:.0f} MHz** (worst path {worst['delay_ns']:.2f} ns, "
            f"{worst['logic_levels']} logic levels: {worst['lut_levels']} LUT, {worst['muxf_levels']} MUXF, "
            f"{worst['carry8']} CARRY8, {worst['dsp_levels']} DSP; longest carry chain {worst['carry_bits']} bits; "
            f"`{worst['start_signal']}` ({short_loc(worst['start_src'])}) -> "
            f"`{worst['end_signal']}` ({short_loc(worst['end_src'])})).",
        ]
    over = [p for p in paths if p["delay_ns"] > budget_ns]
    lines += [
        f"- Budget {budget_ns:.2f} ns (300 MHz = 3.33 ns, less margin for clock uncertainty and routing): "
        f"the model puts a plain LUT path (fanout-1 nets, no carry) of {depth} levels at {depth_delay:.2f} ns.",
        f"- DSP48E2: {result.get('dsps', 0):,}; registers absorbed from the fabric as Vivado does "
        f"(docstring): AREG {result['dsp_registers_absorbed']['AREG']:,}, "
        f"BREG {result['dsp_registers_absorbed']['BREG']:,}, PREG {result['dsp_registers_absorbed']['PREG']:,}.",
        f"- End points (register/RAM/DSP inputs with a register-to-register path): {len(paths):,}; "
        f"over {budget_ns:.2f} ns: **{len(over):,}**.",
        f"- Cells: {result['cells']:,}; combinational loops left out: {result['combinational_loops']}; "
        f"cell types the model does not know (counted as 0-delay start/end points): "
        f"{', '.join(result['unknown_cell_types']) or 'none'}.",
        "",
    ]
    by_module = defaultdict(list)
    for p in paths:
        by_module[src_module(p["end_src"])].append(p)
    lines += ["## Per module (by the end point's source file)", "",
              f"| module | end points | over {budget_ns:.1f} ns | worst ns | est. Fmax MHz | worst levels (LUT/MUXF/CARRY8/DSP) | longest carry (bits) |",
              "|---|---:|---:|---:|---:|---|---:|"]
    order = sorted(by_module, key=lambda m: -by_module[m][0]["delay_ns"])
    for m in order:
        ps = by_module[m]
        w = ps[0]
        n_over = sum(1 for p in ps if p["delay_ns"] > budget_ns)
        lines.append(f"| {m} | {len(ps):,} | {n_over:,} | {w['delay_ns']:.2f} | {1000 / w['delay_ns']:.0f} | "
                     f"{w['logic_levels']} ({w['lut_levels']}/{w['muxf_levels']}/{w['carry8']}/{w['dsp_levels']}) | "
                     f"{max(p['carry_bits'] for p in ps)} |")
    lines.append("")
    for m in order:
        ps = by_module[m][:top_n]
        lines += [f"### {m}: worst {len(ps)} paths", "",
                  "| ns | levels | LUT | MUXF | CARRY8 (longest chain, bits) | DSP | start | end | through |",
                  "|---:|---:|---:|---:|---|---:|---|---|---|"]
        for p in ps:
            start = f"`{p['start_signal']}` ({p['start_type']}, {short_loc(p['start_src'])})"
            end = f"`{p['end_signal']}` ({p['end_type']}.{p['end_pin']}, {short_loc(p['end_src'])})"
            through = ", ".join(f"`{t}`" for t in p["through"][:3])
            lines.append(f"| {p['delay_ns']:.2f} | {p['logic_levels']} | {p['lut_levels']} | {p['muxf_levels']} | "
                         f"{p['carry8']} ({p['carry_bits']}) | {p['dsp_levels']} | {start} | {end} | {through} |")
        lines.append("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("netlist", type=Path)
    ap.add_argument("--out", type=Path, help="directory for timing.md / timing.json (default: the netlist's)")
    ap.add_argument("--top", type=int, default=20, help="paths listed per module (default 20)")
    ap.add_argument("--budget-ns", type=float, default=3.0)
    ap.add_argument("--title", default=None)
    args = ap.parse_args()
    out = args.out or args.netlist.parent
    out.mkdir(parents=True, exist_ok=True)
    result = estimate(args.netlist)
    text = report(result, args.top, args.budget_ns, args.title or result["top"])
    (out / "timing.md").write_text(text + "\n")
    slim = dict(result)
    slim["paths"] = result["paths"][:2000]
    (out / "timing.json").write_text(json.dumps(slim, indent=1) + "\n")
    summary = text.split("## Per module")[0]
    print(summary)
    print(f"timing_estimate: report in {out / 'timing.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
