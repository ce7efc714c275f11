#!/usr/bin/env python3
"""Generates every view of the mmfree_kernel contract from hw/contract/mmfree_contract.toml.

One description, several outputs, so the RTL, the host, the packaging and the docs cannot
disagree:
  --sv PATH            SystemVerilog package mmfree_reg_pkg (register offsets, bit positions)
  --sv-contract PATH   SystemVerilog package mmfree_contract_pkg (desc_t, layout functions,
                       parameter defaults)
  --cpp PATH           C++ header mmfree/regmap.hpp (constexpr offsets, masks, tables)
  --cpp-contract PATH  C++ header mmfree/contract.hpp (DeviceDescriptor, layouts,
                       describe_status, weight-port names, parameter defaults)
  --markdown PATH      the contract document (docs/registers.md is a checked-in copy)
  --kernel-xml PATH    Vitis RTL-kernel description for --weight-ports ports
  --registers-txt PATH the control registers as `name offset bits` lines for --weight-ports
                       ports (scripts/package_kernel.tcl's register view)
  --cmake PATH         the parameter defaults as CMake variables MMFREE_DEFAULT_<Name>
  --print-defaults     the parameter defaults as shell assignments, on stdout

Any inconsistency in the description (overlapping words or descriptor fields, a field outside
32 bits, duplicate names, a formula naming an unknown field) stops the build with a message
naming the entry.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

FIELD_ACCESS = {"ro", "rw", "rw1s", "rc", "rtow"}
ACCESS_TEXT = {
    "ro": "RO",
    "rw": "RW",
    "rw1s": "RW1S",
    "rc": "RC (clear on read)",
    "rtow": "RW, toggle on write",
}


class ContractError(Exception):
    pass


@dataclass
class Field:
    name: str
    bit: int
    access: str
    description: str


@dataclass
class Word:
    """A register, argument or counter; `size` is 4 or 8 bytes."""

    name: str
    offset: int
    size: int
    group: str  # register | argument | counter
    access: str
    description: str
    kind: str = ""  # arguments: buffer | scalar
    port: str = ""  # buffer arguments: the AXI master that dereferences it
    fields: list[Field] = field(default_factory=list)
    lane: int = -1  # lane_slot arguments: the lane k it belongs to


@dataclass
class Parameter:
    """A build parameter of the RTL top and its default."""

    name: str
    default: int
    description: str


# Descriptor field types: bytes each and their C++ and SystemVerilog spelling.
DESCRIPTOR_TYPES = {"u32": (4, "uint32_t"), "u64": (8, "uint64_t"), "f32": (4, "float")}


@dataclass
class DescriptorField:
    name: str
    offset: int
    size: int
    type: str  # u32 | u64 | f32 | bytes
    description: str


@dataclass
class Layout:
    """A buffer-layout formula: a function of named descriptor fields and kernel arguments."""

    name: str
    arguments: list[str]
    formula: str
    description: str
    tree: ast.expr = None


@dataclass
class Regmap:
    kernel: dict
    registers: list[Word]
    arguments: list[Word]
    counters: list[Word]
    weight_ports: dict
    weight_port_counters: dict
    parameters: list[Parameter] = field(default_factory=list)
    descriptor: dict = field(default_factory=dict)  # image_offset, bytes
    descriptor_fields: list[DescriptorField] = field(default_factory=list)
    layouts: list[Layout] = field(default_factory=list)
    lane_slots: dict = field(default_factory=dict)  # name_format, offset, stride, description

    def register(self, name: str) -> Word:
        for w in self.registers:
            if w.name == name:
                return w
        raise ContractError(f"no register '{name}'")

    @property
    def max_ports(self) -> int:
        return int(self.kernel["max_weight_ports"])

    @property
    def max_lanes(self) -> int:
        return int(self.kernel["max_batch_lanes"])

    def all_words(self) -> list[Word]:
        words = self.registers + self.arguments + self.counters
        for p in range(self.max_ports):
            words.append(self.weight_argument(p))
            words.append(self.weight_counter(p))
        return words

    def weight_argument(self, port: int) -> Word:
        wp = self.weight_ports
        return Word(
            name=wp["name_format"].format(port=port),
            offset=wp["offset"] + wp["stride"] * port,
            size=wp["size"],
            group="argument",
            access="rw",
            description=wp["description"].format(port=port),
            kind=wp["kind"],
            port=wp["port_format"].format(port=port),
        )

    def weight_counter(self, port: int) -> Word:
        wc = self.weight_port_counters
        return Word(
            name=wc["name_format"].format(port=port),
            offset=wc["offset"] + wc["stride"] * port,
            size=8,
            group="counter",
            access="ro",
            description=wc["description"].format(port=port),
        )


def camel(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def load(path: Path) -> Regmap:
    with path.open("rb") as f:
        doc = tomllib.load(f)

    def parse_fields(entry: dict) -> list[Field]:
        out = []
        for fd in entry.get("fields", []):
            access = fd.get("access", "rw")
            if access not in FIELD_ACCESS:
                raise ContractError(f"{entry['name']}.{fd['name']}: unknown access '{access}'")
            if not 0 <= fd["bit"] < 32:
                raise ContractError(f"{entry['name']}.{fd['name']}: bit {fd['bit']} outside 0..31")
            out.append(Field(fd["name"], fd["bit"], access, fd["description"]))
        return out

    registers = [
        Word(r["name"], r["offset"], 4, "register", r.get("access", "rw"), r["description"],
             fields=parse_fields(r))
        for r in doc.get("register", [])
    ]
    arguments = [
        Word(a["name"], a["offset"], a["size"], "argument", "rw", a["description"], kind=a["kind"],
             port=a.get("port", ""), fields=parse_fields(a))
        for a in doc.get("argument", [])
    ]
    counters = [
        Word(c["name"], c["offset"], 8, "counter", "ro", c["description"])
        for c in doc.get("counter", [])
    ]
    parameters = [Parameter(p["name"], int(p["default"]), p["description"]) for p in doc.get("parameter", [])]
    descriptor = dict(doc.get("descriptor", {}))
    descriptor_fields = []
    for fd in descriptor.pop("field", []):
        kind = fd["type"]
        if kind == "bytes":
            size = int(fd["size"])
        elif kind in DESCRIPTOR_TYPES:
            size = DESCRIPTOR_TYPES[kind][0]
        else:
            raise ContractError(f"descriptor field {fd['name']}: unknown type '{kind}'")
        descriptor_fields.append(DescriptorField(fd["name"], int(fd["offset"]), size, kind, fd["description"]))
    # Every view lists the fields in byte order, whatever order the description gives them in.
    descriptor_fields.sort(key=lambda f: f.offset)
    layouts = [Layout(lo["name"], list(lo["arguments"]), lo["formula"], lo["description"])
               for lo in doc.get("layout", [])]
    # The per-lane slot arguments are ordinary scalar arguments (every view lists them), expanded
    # here from one [lane_slots] entry; they follow the fixed arguments in argument order.
    ls = doc["lane_slots"]
    lanes = int(doc["kernel"]["max_batch_lanes"])
    if lanes < 1:
        raise ContractError("max_batch_lanes must be >= 1")
    for k in range(lanes):
        arguments.append(Word(ls["name_format"].format(lane=k), ls["offset"] + ls["stride"] * k, 4, "argument",
                              "rw", ls["description"].format(lane=k), kind="scalar", lane=k))
    regmap = Regmap(doc["kernel"], registers, arguments, counters, doc["weight_ports"],
                    doc["weight_port_counters"], parameters, descriptor, descriptor_fields, layouts,
                    ls)
    check(regmap)
    check_descriptor(regmap)
    check_layouts(regmap)
    return regmap


def check(regmap: Regmap) -> None:
    seen_names: dict[str, Word] = {}
    seen_words: dict[int, Word] = {}
    limit = regmap.kernel["control_range"]
    for w in regmap.all_words():
        if w.name in seen_names:
            raise ContractError(f"duplicate name '{w.name}'")
        seen_names[w.name] = w
        if w.size not in (4, 8):
            raise ContractError(f"{w.name}: size {w.size} is neither 4 nor 8")
        if w.offset % 4:
            raise ContractError(f"{w.name}: offset {w.offset:#x} is not word aligned")
        if w.offset + w.size > limit:
            raise ContractError(f"{w.name}: offset {w.offset:#x} lies outside control_range {limit:#x}")
        for word in range(w.offset, w.offset + w.size, 4):
            if word in seen_words:
                raise ContractError(f"{w.name} overlaps {seen_words[word].name} at {word:#x}")
            seen_words[word] = w
        bits = [f.bit for f in w.fields]
        if len(bits) != len(set(bits)):
            raise ContractError(f"{w.name}: two fields share a bit")
    base = regmap.counters[0].offset if regmap.counters else 0
    for i, c in enumerate(regmap.counters):
        # The RTL decodes counter i at base + 8i, so the table must be contiguous.
        if c.offset != base + 8 * i:
            raise ContractError(f"counter {c.name}: offset {c.offset:#x}, expected {base + 8 * i:#x} (contiguous)")
    if regmap.kernel["max_weight_ports"] < 1:
        raise ContractError("max_weight_ports must be >= 1")
    if regmap.lane_slots.get("stride") != 4:
        raise ContractError("lane_slots: stride must be 4 (one 32-bit word per lane)")
    for prm in regmap.parameters:
        if prm.name == "BatchLanes" and not 1 <= prm.default <= regmap.max_lanes:
            raise ContractError(f"BatchLanes default {prm.default} outside 1..max_batch_lanes {regmap.max_lanes}")


def check_descriptor(regmap: Regmap) -> None:
    magic = regmap.descriptor.get("image_magic", "")
    if len(magic) != 8 or not magic.isascii():
        raise ContractError(f"descriptor: image_magic '{magic}' is not 8 ASCII characters")
    total = int(regmap.descriptor.get("bytes", 0))
    if total <= 0 or total % 8:
        raise ContractError(f"descriptor: bytes = {total}, expected a positive multiple of 8")
    names = set()
    expected = 0
    # Fields are listed in byte order and must tile the descriptor exactly, each at an offset
    # aligned to its own size, so that the C++ struct has no padding and the SV struct no gaps.
    for fd in sorted(regmap.descriptor_fields, key=lambda f: f.offset):
        if fd.name in names:
            raise ContractError(f"descriptor: duplicate field '{fd.name}'")
        names.add(fd.name)
        if fd.offset != expected:
            what = "overlaps the field before it" if fd.offset < expected else f"leaves a gap from byte {expected}"
            raise ContractError(f"descriptor field {fd.name}: offset {fd.offset} {what}")
        if fd.type != "bytes" and fd.offset % fd.size:
            raise ContractError(f"descriptor field {fd.name}: offset {fd.offset} is not a multiple of its size {fd.size}")
        expected = fd.offset + fd.size
    if expected != total:
        raise ContractError(f"descriptor: the fields cover {expected} bytes, not {total}")


def layout_names(regmap: Regmap) -> set[str]:
    """Names a layout formula may take as arguments."""
    return ({f.name for f in regmap.descriptor_fields if f.type != "bytes"} |
            {a.name for a in regmap.arguments if a.kind == "scalar" and a.lane < 0} | {"row", "slot"})


def check_layouts(regmap: Regmap) -> None:
    allowed = layout_names(regmap)
    known: dict[str, Layout] = {}
    for lo in regmap.layouts:
        for a in lo.arguments:
            if a not in allowed:
                raise ContractError(f"layout {lo.name}: argument '{a}' is neither a descriptor field, "
                                    f"a scalar kernel argument, row nor slot")
        try:
            tree = ast.parse(lo.formula, mode="eval").body
        except SyntaxError as e:
            raise ContractError(f"layout {lo.name}: formula '{lo.formula}': {e.msg}") from None

        def visit(node: ast.AST) -> None:
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
                visit(node.left)
                visit(node.right)
            elif isinstance(node, ast.Constant) and isinstance(node.value, int) and node.value >= 0:
                pass
            elif isinstance(node, ast.Name):
                if node.id not in lo.arguments:
                    raise ContractError(f"layout {lo.name}: '{node.id}' is not one of its arguments {lo.arguments}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
                callee = node.func.id
                if callee == "round_up":
                    if len(node.args) != 2 or not isinstance(node.args[1], ast.Constant):
                        raise ContractError(f"layout {lo.name}: round_up(value, m) takes a constant m")
                    m = node.args[1].value
                    if not isinstance(m, int) or m <= 0 or m & (m - 1):
                        raise ContractError(f"layout {lo.name}: round_up to {m}, not a power of two")
                elif callee in known:
                    if len(node.args) != len(known[callee].arguments):
                        raise ContractError(f"layout {lo.name}: {callee} takes {len(known[callee].arguments)} arguments")
                else:
                    raise ContractError(f"layout {lo.name}: unknown function '{callee}' (layouts must be defined before use)")
                for a in node.args:
                    visit(a)
            else:
                raise ContractError(f"layout {lo.name}: '{ast.unparse(node)}' is not +, *, a constant, "
                                    "an argument or a call")

        visit(tree)
        lo.tree = tree
        if lo.name in known:
            raise ContractError(f"duplicate layout '{lo.name}'")
        known[lo.name] = lo


def render_formula(node: ast.AST, constant) -> str:
    """The formula in C-like syntax (C++ and SystemVerilog share it); `constant` spells a number."""
    if isinstance(node, ast.BinOp):
        op = "+" if isinstance(node.op, ast.Add) else "*"
        def side(n):
            text = render_formula(n, constant)
            # * binds tighter than +: parenthesise a sum inside a product.
            if op == "*" and isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
                return f"({text})"
            return text
        return f"{side(node.left)} {op} {side(node.right)}"
    if isinstance(node, ast.Constant):
        return constant(node.value)
    if isinstance(node, ast.Name):
        return node.id
    args = ", ".join(render_formula(a, constant) for a in node.args)
    return f"{node.func.id}({args})"


def printf_format(python_format: str) -> str:
    """A name_format such as "w{port:02d}" as a printf format ("w%02u")."""
    out = re.sub(r"\{port(?::(0?\d*)d)?\}", lambda m: "%" + (m.group(1) or "") + "u", python_format)
    if out.count("%") != 1:
        raise ContractError(f"name format '{python_format}' must name {{port}} exactly once")
    return out


def status_fields(regmap: Regmap) -> list[Field]:
    return regmap.register("status").fields


GEN = "hw/contract/gen_contract.py from hw/contract/mmfree_contract.toml"


# ---------------------------------------------------------------------------- SystemVerilog

def gen_sv(regmap: Regmap) -> str:
    aw = (regmap.kernel["control_range"] - 1).bit_length()
    lines = [
        "// Generated by hw/contract/gen_contract.py from hw/contract/mmfree_contract.toml. Do not edit.",
        "//",
        "// Byte offsets within s_axi_control and bit positions of every field. 64-bit words: the",
        "// offset names the low word, the high word follows at +4.",
        "// Not every module uses every constant of this package.",
        "/* verilator lint_off UNUSEDPARAM */",
        "package mmfree_reg_pkg;",
        "",
        f"  parameter int unsigned RegAddrWidth = {aw};",
        f"  parameter logic [31:0] KernelMagic = 32'h{regmap.kernel['magic']:08X};",
        f"  parameter logic [31:0] InterfaceVersion = 32'd{regmap.kernel['interface_version']};",
        f"  parameter int unsigned MaxWeightPorts = {regmap.max_ports};",
        f"  parameter int unsigned MaxBatchLanes = {regmap.max_lanes};",
        "",
    ]

    def offset_line(name: str, value: int) -> str:
        return f"  parameter logic [RegAddrWidth-1:0] {name} = {aw}'h{value:03X};"

    for w in regmap.registers + regmap.arguments:
        prefix = ("Arg" if w.group == "argument" else "Reg") + camel(w.name)
        lines.append(offset_line(prefix + "Offset", w.offset))
        for f in w.fields:
            lines.append(f"  parameter int unsigned {camel(w.name)}{camel(f.name)}Bit = {f.bit};")
    wp = regmap.weight_ports
    ls = regmap.lane_slots
    lines += [
        "",
        "  // Lane k's slot argument lives at ArgLaneSlotOffset + k * ArgLaneSlotStride.",
        offset_line("ArgLaneSlotOffset", ls["offset"]),
        f"  parameter int unsigned ArgLaneSlotStride = {ls['stride']};",
        "",
        "  // Weight port p's buffer argument lives at ArgWeightOffset + p * ArgWeightStride.",
        offset_line("ArgWeightOffset", wp["offset"]),
        f"  parameter int unsigned ArgWeightStride = {wp['stride']};",
        "",
        "  // Counters: index i lives at CounterOffset[i]; indices below are the order of the table.",
        f"  parameter int unsigned NumCounters = {len(regmap.counters)};",
    ]
    for i, c in enumerate(regmap.counters):
        lines.append(offset_line(f"Cnt{camel(c.name)}Offset", c.offset))
        lines.append(f"  parameter int unsigned Cnt{camel(c.name)}Idx = {i};")
    wc = regmap.weight_port_counters
    lines += [
        offset_line("CntWeightPortBytesOffset", wc["offset"]),
        f"  parameter int unsigned CntWeightPortBytesStride = {wc['stride']};",
        "",
        "endpackage",
        "/* verilator lint_on UNUSEDPARAM */",
        "",
    ]
    return "\n".join(lines)



def sv_layout_functions(regmap: Regmap) -> list[str]:
    def constant(v: int) -> str:
        return f"64'd{v}"
    lines = [
        "  // round_up(value, m) for m a power of two (the description allows no other m): a mask,",
        "  // not a divider.",
        "  function automatic logic [63:0] round_up(input logic [63:0] value, input logic [63:0] multiple);",
        "    round_up = (value + multiple - 64'd1) & ~(multiple - 64'd1);",
        "  endfunction",
        "",
    ]
    for lo in regmap.layouts:
        args = ", ".join(f"input logic [63:0] {a}" for a in lo.arguments)
        lines += [
            f"  // {lo.description}",
            f"  function automatic logic [63:0] {lo.name}({args});",
            f"    {lo.name} = {render_formula(lo.tree, constant)};",
            "  endfunction",
            "",
        ]
    return lines


def gen_sv_contract(regmap: Regmap) -> str:
    lines = [
        f"// Generated by {GEN}. Do not edit.",
        "//",
        "// The kernel's contract beyond the register map: the build-parameter defaults, the device",
        "// descriptor as a packed struct, and the layouts of the state and io buffers as functions.",
        "// Not every module uses every constant or function of this package.",
        "/* verilator lint_off UNUSEDPARAM */",
        "package mmfree_contract_pkg;",
        "",
        "  // Build-parameter defaults (docs/registers.md, Build parameters).",
    ]
    for prm in regmap.parameters:
        lines.append(f"  parameter int unsigned {prm.name} = {prm.default};  // {prm.description}")
    d = regmap.descriptor
    magic_value = int.from_bytes(d["image_magic"].encode("ascii"), "little")
    lines += [
        "",
        f"  // The image's file header: magic \"{d['image_magic']}\" (little-endian, as the first 8 bytes",
        "  // of a beat hold it) and format version.",
        f"  parameter logic [63:0] ImageMagic = 64'h{magic_value:016X};",
        f"  parameter logic [31:0] ImageFormatVersion = 32'd{d['image_format_version']};",
        "",
        "  // The device descriptor: DescriptorBytes bytes at image offset DescriptorImageOffset.",
        f"  parameter int unsigned DescriptorImageOffset = {d['image_offset']};",
        f"  parameter int unsigned DescriptorBytes = {d['bytes']};",
        "  // Byte offset of each field within the descriptor.",
    ]
    for fd in regmap.descriptor_fields:
        lines.append(f"  parameter int unsigned Desc{camel(fd.name)}Offset = {fd.offset};")
    lines += [
        "",
        "  // The descriptor as the kernel reads it: bytes little-endian, byte 0 in bits 7:0 of a beat.",
        "  // A packed struct's first member is its most significant, so the fields are declared from",
        "  // the highest byte offset down; f32 fields are the IEEE binary32 bits.",
        "  typedef struct packed {",
    ]
    for fd in sorted(regmap.descriptor_fields, key=lambda f: -f.offset):
        lines.append(f"    logic [{8 * fd.size - 1}:0] {fd.name};  // +{fd.offset} {fd.description}")
    lines += ["  } desc_t;", ""]
    lines += sv_layout_functions(regmap)
    lines += ["endpackage", "/* verilator lint_on UNUSEDPARAM */", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- C++

def gen_cpp_contract(regmap: Regmap) -> str:
    d = regmap.descriptor
    wp = regmap.weight_ports
    wc = regmap.weight_port_counters
    lines = [
        f"// Generated by {GEN}. Do not edit.",
        "//",
        "// The kernel's contract beyond the register map: build-parameter defaults, the device",
        "// descriptor, the state and io buffer layouts, weight-port names and status texts.",
        "#pragma once",
        "",
        "#include <array>",
        "#include <cstddef>",
        "#include <cstdint>",
        "#include <cstdio>",
        "#include <optional>",
        "#include <string>",
        "#include <string_view>",
        "",
        "namespace mmfree::contract {",
        "",
        "// Build-parameter defaults (a board's platform.toml [kernel] overrides them).",
    ]
    for prm in regmap.parameters:
        lines.append(f"inline constexpr uint32_t k{prm.name} = {prm.default};  // {prm.description}")
    lines += [
        "",
        f"// The device descriptor: {d['bytes']} bytes at image offset {d['image_offset']}, little-endian.",
        "// The image's file header starts with kImageMagic and the uint32 kImageFormatVersion.",
        "inline constexpr char kImageMagic[8] = {" + ", ".join(f"'{c}'" for c in d["image_magic"]) + "};",
        f"inline constexpr uint32_t kImageFormatVersion = {d['image_format_version']};",
        f"inline constexpr uint64_t kDescriptorImageOffset = {d['image_offset']};",
        f"inline constexpr uint64_t kDescriptorBytes = {d['bytes']};",
        "",
        "struct DeviceDescriptor {",
    ]
    for fd in regmap.descriptor_fields:
        if fd.type == "bytes":
            decl = f"uint8_t {fd.name}[{fd.size}];"
        else:
            decl = f"{DESCRIPTOR_TYPES[fd.type][1]} {fd.name};"
        lines.append(f"  {decl:34} // +{fd.offset} {fd.description}")
    lines += ["};", f"static_assert(sizeof(DeviceDescriptor) == {d['bytes']});"]
    for fd in regmap.descriptor_fields:
        lines.append(f"static_assert(offsetof(DeviceDescriptor, {fd.name}) == {fd.offset});")
    lines += [
        "",
        "struct DescriptorField {",
        "  std::string_view name;",
        "  uint32_t offset;",
        "  uint32_t size;  // bytes",
        "};",
        f"inline constexpr std::array<DescriptorField, {len(regmap.descriptor_fields)}> kDescriptorFields = {{{{",
    ]
    for fd in regmap.descriptor_fields:
        lines.append(f"    {{\"{fd.name}\", {fd.offset}, {fd.size}}},")
    lines += [
        "}};",
        "",
        "// Buffer layouts (docs/registers.md, Buffer layouts). round_up's multiple is a power of two.",
        "constexpr uint64_t round_up(uint64_t value, uint64_t multiple) {",
        "  return (value + multiple - 1) & ~(multiple - 1);",
        "}",
    ]
    for lo in regmap.layouts:
        args = ", ".join(f"uint64_t {a}" for a in lo.arguments)
        lines += [
            f"// {lo.description}",
            f"constexpr uint64_t {lo.name}({args}) {{",
            f"  return {render_formula(lo.tree, str)};",
            "}",
        ]
    arg_fmt = printf_format(wp["name_format"])
    port_fmt = printf_format(wp["port_format"])
    cnt_fmt = printf_format(wc["name_format"])
    lines += [
        "",
        f"inline constexpr unsigned kMaxWeightPorts = {regmap.max_ports};",
        f"inline constexpr unsigned kMaxBatchLanes = {regmap.max_lanes};",
        "",
        "namespace detail {",
        "inline std::string format_port(const char* format, unsigned port) {",
        "  char text[32];",
        "  std::snprintf(text, sizeof text, format, port);",
        "  return text;",
        "}",
        "}  // namespace detail",
        "",
        f"// Weight port p's buffer argument (\"{wp['name_format'].format(port=0)}\", ...).",
        "inline std::string weight_port_argument(unsigned port) {",
        f"  return detail::format_port(\"{arg_fmt}\", port);",
        "}",
        f"// Weight port p's AXI master (\"{wp['port_format'].format(port=0)}\", ...).",
        "inline std::string weight_port_master(unsigned port) {",
        f"  return detail::format_port(\"{port_fmt}\", port);",
        "}",
        f"// Weight port p's received-bytes counter (\"{wc['name_format'].format(port=0)}\", ...).",
        "inline std::string weight_port_counter(unsigned port) {",
        f"  return detail::format_port(\"{cnt_fmt}\", port);",
        "}",
        "// The port whose buffer argument is `argument`, if it names one.",
        "inline std::optional<unsigned> weight_port_of_argument(std::string_view argument) {",
        "  for (unsigned p = 0; p < kMaxWeightPorts; ++p)",
        "    if (argument == weight_port_argument(p)) return p;",
        "  return std::nullopt;",
        "}",
        "",
        "// The status register's codes: why a start command ended early.",
        "struct StatusCode {",
        "  uint32_t mask;",
        "  std::string_view name;",
        "  std::string_view meaning;",
        "};",
        f"inline constexpr std::array<StatusCode, {len(status_fields(regmap))}> kStatusCodes = {{{{",
    ]
    for f in status_fields(regmap):
        meaning = f.description.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f"    {{1u << {f.bit}, \"{f.name}\", \"{meaning}\"}},")
    lines += [
        "}};",
        "",
        "// A status value in words: \"name (meaning), ... [0x...]\", or only the hex value when no",
        "// known code is set.",
        "inline std::string describe_status(uint32_t status) {",
        "  char hex[16];",
        "  std::snprintf(hex, sizeof hex, \"0x%08X\", status);",
        "  std::string text;",
        "  for (const StatusCode& code : kStatusCodes) {",
        "    if ((status & code.mask) == 0) continue;",
        "    if (!text.empty()) text += \", \";",
        "    text += std::string(code.name) + \" (\" + std::string(code.meaning) + \")\";",
        "  }",
        "  return text.empty() ? std::string(hex) : text + \" [\" + hex + \"]\";",
        "}",
        "",
        "}  // namespace mmfree::contract",
        "",
    ]
    return "\n".join(lines)



def gen_cpp(regmap: Regmap) -> str:
    def ns(w: Word) -> list[str]:
        out = [f"// {w.description}", f"namespace {w.name} {{",
               f"inline constexpr uint32_t kOffset = 0x{w.offset:03X};"]
        if w.group == "argument":
            out.append(f"inline constexpr uint32_t kSize = {w.size};")
        for f in w.fields:
            out.append(f"inline constexpr uint32_t k{camel(f.name)}Bit = {f.bit};  // {f.description}")
            out.append(f"inline constexpr uint32_t k{camel(f.name)} = 1u << {f.bit};")
        out.append(f"}}  // namespace {w.name}")
        out.append("")
        return out

    wp = regmap.weight_ports
    wc = regmap.weight_port_counters
    lines = [
        "// Generated by hw/contract/gen_contract.py from hw/contract/mmfree_contract.toml. Do not edit.",
        "//",
        "// The mmfree_kernel control interface: byte offsets within s_axi_control, field masks, and",
        "// tables of the kernel arguments and performance counters. 64-bit words: kOffset is the low",
        "// word, the high word follows at kOffset + 4.",
        "#pragma once",
        "",
        "#include <array>",
        "#include <cstdint>",
        "#include <string_view>",
        "",
        "namespace mmfree::regmap {",
        "",
        f"inline constexpr std::string_view kKernelName = \"{regmap.kernel['name']}\";",
        f"inline constexpr uint32_t kAddressRange = 0x{regmap.kernel['control_range']:X};",
        f"inline constexpr uint32_t kKernelMagic = 0x{regmap.kernel['magic']:08X};",
        f"inline constexpr uint32_t kInterfaceVersion = {regmap.kernel['interface_version']};",
        f"inline constexpr unsigned kMaxWeightPorts = {regmap.max_ports};",
        f"inline constexpr unsigned kMaxBatchLanes = {regmap.max_lanes};",
        "",
    ]
    for w in regmap.registers + regmap.arguments:
        lines += ns(w)
    ls = regmap.lane_slots
    lines += [
        "// Lane k's 32-bit state-slot argument (lane_slot00 ...).",
        "constexpr uint32_t lane_slot_offset(unsigned lane) {",
        f"  return 0x{ls['offset']:03X} + {ls['stride']} * lane;",
        "}",
        "",
    ]
    lines += [
        "// Weight port p's 64-bit buffer argument.",
        "constexpr uint32_t weight_port_offset(unsigned port) {",
        f"  return 0x{wp['offset']:03X} + {wp['stride']} * port;",
        "}",
        "",
        "// The counters' offsets (64-bit, read-only).",
        "namespace counter {",
    ]
    for c in regmap.counters:
        lines.append(f"inline constexpr uint32_t k{camel(c.name)} = 0x{c.offset:03X};  // {c.description}")
    lines += [
        "}  // namespace counter",
        "",
        "// Weight port p's received-bytes counter.",
        "constexpr uint32_t weight_port_bytes_offset(unsigned port) {",
        f"  return 0x{wc['offset']:03X} + {wc['stride']} * port;",
        "}",
        "",
        "enum class ArgumentKind : uint8_t { Buffer, Scalar };",
        "",
        "struct Argument {",
        "  std::string_view name;",
        "  uint32_t offset;",
        "  uint32_t size;  // bytes: 8 for buffers (device addresses), 4 for scalars",
        "  ArgumentKind kind;",
        "};",
        "",
        "// The fixed arguments in kernel argument order; the weight ports (weight_port_offset) follow",
        "// them, so weight port p is kernel argument kArguments.size() + p.",
        f"inline constexpr std::array<Argument, {len(regmap.arguments)}> kArguments = {{{{",
    ]
    for a in regmap.arguments:
        kind = "Buffer" if a.kind == "buffer" else "Scalar"
        lines.append(f"    {{\"{a.name}\", 0x{a.offset:03X}, {a.size}, ArgumentKind::{kind}}},")
    lines += [
        "}};",
        "",
        "struct Counter {",
        "  std::string_view name;",
        "  uint32_t offset;",
        "};",
        "",
        f"inline constexpr std::array<Counter, {len(regmap.counters)}> kCounters = {{{{",
    ]
    for c in regmap.counters:
        lines.append(f"    {{\"{c.name}\", 0x{c.offset:03X}}},")
    lines += [
        "}};",
        "",
        "}  // namespace mmfree::regmap",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- Markdown

def gen_markdown(regmap: Regmap) -> str:
    k = regmap.kernel
    wp = regmap.weight_ports
    wc = regmap.weight_port_counters
    out = [
        "# mmfree_kernel contract: registers, descriptor, layouts",
        "",
        "<!-- Generated by hw/contract/gen_contract.py from hw/contract/mmfree_contract.toml. Do not edit;",
        "     refresh with: make contract-docs -->",
        "",
        f"AXI4-Lite slave `s_axi_control`, 32-bit data, {k['control_range']:#x} bytes of address space. "
        "64-bit words are two 32-bit registers, low word first. Behaviour: docs/device.md.",
        "",
        "## Control and status",
        "",
        "| offset | name | access | description |",
        "|---|---|---|---|",
    ]
    for w in sorted(regmap.registers, key=lambda w: w.offset):
        out.append(f"| 0x{w.offset:03X} | `{w.name}` | {ACCESS_TEXT.get(w.access, w.access)} | {w.description} |")
    out += ["", "### Fields", "", "| register | bit | field | access | description |", "|---|---|---|---|---|"]
    for w in sorted(regmap.registers + regmap.arguments, key=lambda w: w.offset):
        for f in w.fields:
            out.append(f"| `{w.name}` | {f.bit} | `{f.name}` | {ACCESS_TEXT[f.access]} | {f.description} |")
    out += [
        "",
        "## Kernel arguments",
        "",
        "Argument order (Vitis argument index) is the order of this table.",
        "",
        "| index | offset | name | size | kind | memory port | description |",
        "|---|---|---|---|---|---|---|",
    ]
    ls = regmap.lane_slots
    for i, a in enumerate(regmap.arguments):
        if a.lane > 0:
            continue
        if a.lane == 0:
            lastl = ls["offset"] + ls["stride"] * (regmap.max_lanes - 1)
            out.append(f"| {i}+k | 0x{ls['offset']:03X} + {ls['stride']}k (up to 0x{lastl:03X}) | "
                       f"`{a.name}`.. | 4 | scalar | - | {ls['description'].format(lane='k')} "
                       f"k < {regmap.max_lanes} (max_batch_lanes). |")
            continue
        port = f"`{a.port}`" if a.port else "-"
        out.append(f"| {i} | 0x{a.offset:03X} | `{a.name}` | {a.size} | {a.kind} | {port} | {a.description} |")
    n = len(regmap.arguments)
    last = wp["offset"] + wp["stride"] * (regmap.max_ports - 1)
    out.append(
        f"| {n}+p | 0x{wp['offset']:03X} + {wp['stride']}p (up to 0x{last:03X}) | "
        f"`{wp['name_format'].format(port=0)}`.. | {wp['size']} | {wp['kind']} | "
        f"`{wp['port_format'].format(port=0)}`.. | "
        f"{wp['description'].format(port='p')} p < NumWeightPorts <= {regmap.max_ports}. |")
    out += [
        "",
        "## Performance counters",
        "",
        "64-bit, read-only, cleared when a start command is accepted. Reading the low word latches the",
        "high word, so read low then high.",
        "",
        "| offset | name | description |",
        "|---|---|---|",
    ]
    for c in regmap.counters:
        out.append(f"| 0x{c.offset:03X} | `{c.name}` | {c.description} |")
    lastc = wc["offset"] + wc["stride"] * (regmap.max_ports - 1)
    out.append(f"| 0x{wc['offset']:03X} + {wc['stride']}p (up to 0x{lastc:03X}) | "
               f"`{wc['name_format'].format(port=0)}`.. | {wc['description'].format(port='p')} |")
    out += [
        "",
        "## Status codes",
        "",
        "The value of `status` after ap_done: 0 after a good run, otherwise the OR of these codes "
        "(the host runtime reports them by name).",
        "",
        "| mask | name | meaning |",
        "|---|---|---|",
    ]
    for f in status_fields(regmap):
        out.append(f"| 0x{1 << f.bit:02X} | `{f.name}` | {f.description} |")
    out += [
        "",
        "## Weight-port naming",
        "",
        f"Weight port p (0 <= p < NumWeightPorts <= {regmap.max_ports}) has the buffer argument "
        f"`{wp['name_format']}`, the AXI master `{wp['port_format']}` and the byte counter "
        f"`{wc['name_format']}` (Python format syntax: port 3 is `{wp['name_format'].format(port=3)}`, "
        f"`{wp['port_format'].format(port=3)}`, `{wc['name_format'].format(port=3)}`).",
        "",
        "## Build parameters",
        "",
        "Parameters of the RTL top `mmfree_kernel` and their defaults (docs/device.md's named default "
        "configuration); a board's `bitstreams/<board>/platform.toml` `[kernel]` overrides them.",
        "",
        "| parameter | default | meaning |",
        "|---|---|---|",
    ]
    for prm in regmap.parameters:
        out.append(f"| `{prm.name}` | {prm.default} | {prm.description} |")
    d = regmap.descriptor
    out += [
        "",
        "## Device descriptor",
        "",
        f"The image starts with the magic `{d['image_magic']}` and the uint32 format version "
        f"{d['image_format_version']} (the kernel checks both). The descriptor is "
        f"{d['bytes']} bytes at byte {d['image_offset']} of the `.mmf` image (docs/mmf-format.md), "
        "little-endian; the kernel reads it at the start of every command. Offsets named `*_offset` "
        "are bytes from the image start.",
        "",
        "| offset | field | type | meaning |",
        "|---|---|---|---|",
    ]
    for fd in regmap.descriptor_fields:
        kind = f"{fd.size} bytes" if fd.type == "bytes" else fd.type
        out.append(f"| {fd.offset} | `{fd.name}` | {kind} | {fd.description} |")
    out += [
        "",
        "## Buffer layouts",
        "",
        "Byte offsets and sizes in the state and io buffers, as functions of descriptor fields and "
        "kernel arguments; `round_up(x, m)` rounds x up to a multiple of m.",
        "",
        "| layout | formula | meaning |",
        "|---|---|---|",
    ]
    for lo in regmap.layouts:
        out.append(f"| `{lo.name}({', '.join(lo.arguments)})` | `{render_formula(lo.tree, str)}` | {lo.description} |")
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------- Vitis kernel.xml

def gen_kernel_xml(regmap: Regmap, ports: int, weight_width: int, gmem_width: int) -> str:
    if not 1 <= ports <= regmap.max_ports:
        raise ContractError(f"--weight-ports {ports} outside 1..{regmap.max_ports}")
    k = regmap.kernel
    vlnv = f"{k['vendor']}:{k['library']}:{k['name']}:{k['version']}"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Generated by hw/contract/gen_contract.py from hw/contract/mmfree_contract.toml. Do not edit. -->",
        '<root versionMajor="1" versionMinor="6">',
        f'  <kernel name="{k["name"]}" language="ip_c" vlnv="{vlnv}" attributes="" '
        'preferredWorkGroupSizeMultiple="0" workGroupSize="1" interrupt="true" hwControlProtocol="ap_ctrl_hs">',
        "    <ports>",
        f'      <port name="s_axi_control" mode="slave" range="0x{k["control_range"]:X}" dataWidth="32" '
        'portType="addressable" base="0x0"/>',
        f'      <port name="m_axi_gmem" mode="master" range="0xFFFFFFFFFFFFFFFF" dataWidth="{gmem_width}" '
        'portType="addressable" base="0x0"/>',
    ]
    weight_args = [regmap.weight_argument(p) for p in range(ports)]
    for w in weight_args:
        out.append(f'      <port name="{w.port}" mode="master" range="0xFFFFFFFFFFFFFFFF" '
                   f'dataWidth="{weight_width}" portType="addressable" base="0x0"/>')
    out += ["    </ports>", "    <args>"]
    for i, a in enumerate(regmap.arguments + weight_args):
        if a.kind == "buffer":
            qual, port, ctype = 1, a.port, "void*"
        else:
            qual, port, ctype = 0, "s_axi_control", "uint"
        out.append(f'      <arg name="{a.name}" addressQualifier="{qual}" id="{i}" port="{port}" '
                   f'size="0x{a.size:X}" offset="0x{a.offset:X}" type="{ctype}" hostOffset="0x0" '
                   f'hostSize="0x{a.size:X}"/>')
    out += ["    </args>", "  </kernel>", "</root>", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------- packaging

def gen_registers_txt(regmap: Regmap, ports: int) -> str:
    """The control registers (the arguments come from kernel.xml) as `name offset bits` lines, for
    the packaged IP's register view (scripts/package_kernel.tcl)."""
    if not 1 <= ports <= regmap.max_ports:
        raise ContractError(f"--weight-ports {ports} outside 1..{regmap.max_ports}")
    out = [f"{r.name} {r.offset:#x} 32" for r in regmap.registers]
    out += [f"{c.name} {c.offset:#x} 64" for c in regmap.counters]
    out += [f"{w.name} {w.offset:#x} 64" for w in (regmap.weight_counter(p) for p in range(ports))]
    return "\n".join(out) + "\n"


def gen_cmake(regmap: Regmap) -> str:
    lines = [f"# Generated by {GEN}. Do not edit.", "# The build-parameter defaults."]
    for prm in regmap.parameters:
        lines.append(f"set(MMFREE_DEFAULT_{prm.name} {prm.default} CACHE INTERNAL \"default of {prm.name}\")")
    return "\n".join(lines) + "\n"


def write_if_changed(path: Path, text: str) -> None:
    # Leaving an unchanged file untouched keeps its timestamp, so nothing downstream rebuilds.
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text() == text:
        return
    path.write_text(text)


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--description", type=Path, default=here / "mmfree_contract.toml")
    ap.add_argument("--sv", type=Path)
    ap.add_argument("--sv-contract", type=Path)
    ap.add_argument("--cpp", type=Path)
    ap.add_argument("--cpp-contract", type=Path)
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--kernel-xml", type=Path)
    ap.add_argument("--registers-txt", type=Path)
    ap.add_argument("--cmake", type=Path)
    ap.add_argument("--print-defaults", action="store_true",
                    help="print the parameter defaults as shell assignments MMFREE_DEFAULT_<Name>=value")
    # kernel.xml and registers.txt: the build's NumWeightPorts, WeightDataWidth and GmemDataWidth
    # (default: the description's parameter defaults).
    ap.add_argument("--weight-ports", type=int)
    ap.add_argument("--weight-data-width", type=int)
    ap.add_argument("--gmem-data-width", type=int)
    args = ap.parse_args(argv)
    try:
        regmap = load(args.description)
        defaults = {prm.name: prm.default for prm in regmap.parameters}
        ports = args.weight_ports if args.weight_ports is not None else defaults["NumWeightPorts"]
        weight_width = args.weight_data_width or defaults["WeightDataWidth"]
        gmem_width = args.gmem_data_width or defaults["GmemDataWidth"]
        outputs = [
            (args.sv, lambda: gen_sv(regmap)),
            (args.sv_contract, lambda: gen_sv_contract(regmap)),
            (args.cpp, lambda: gen_cpp(regmap)),
            (args.cpp_contract, lambda: gen_cpp_contract(regmap)),
            (args.markdown, lambda: gen_markdown(regmap)),
            (args.kernel_xml, lambda: gen_kernel_xml(regmap, ports, weight_width, gmem_width)),
            (args.registers_txt, lambda: gen_registers_txt(regmap, ports)),
            (args.cmake, lambda: gen_cmake(regmap)),
        ]
        for path, generate in outputs:
            if path:
                write_if_changed(path, generate())
        if args.print_defaults:
            for prm in regmap.parameters:
                print(f"MMFREE_DEFAULT_{prm.name}={prm.default}")
    except (ContractError, KeyError, tomllib.TOMLDecodeError) as e:
        print(f"gen_contract: {args.description}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
