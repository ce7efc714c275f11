#!/usr/bin/env python3
"""Generates every view of the mmfree_kernel register map from hw/regmap/mmfree_regs.toml.

One description, four outputs, so the RTL, the host and the docs cannot disagree:
  --sv PATH          SystemVerilog package mmfree_reg_pkg (offsets, bit positions)
  --cpp PATH         C++ header mmfree/regmap.hpp (constexpr offsets, masks, tables)
  --markdown PATH    the register table (docs/registers.md is a checked-in copy)
  --kernel-xml PATH  Vitis RTL-kernel description for --weight-ports ports

Any inconsistency in the description (overlapping words, a field outside 32 bits, duplicate
names) stops the build with a message naming the entry.
"""

from __future__ import annotations

import argparse
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


class RegmapError(Exception):
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


@dataclass
class Regmap:
    kernel: dict
    registers: list[Word]
    arguments: list[Word]
    counters: list[Word]
    weight_ports: dict
    weight_port_counters: dict

    @property
    def max_ports(self) -> int:
        return int(self.kernel["max_weight_ports"])

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
                raise RegmapError(f"{entry['name']}.{fd['name']}: unknown access '{access}'")
            if not 0 <= fd["bit"] < 32:
                raise RegmapError(f"{entry['name']}.{fd['name']}: bit {fd['bit']} outside 0..31")
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
    regmap = Regmap(doc["kernel"], registers, arguments, counters, doc["weight_ports"],
                    doc["weight_port_counters"])
    check(regmap)
    return regmap


def check(regmap: Regmap) -> None:
    seen_names: dict[str, Word] = {}
    seen_words: dict[int, Word] = {}
    limit = regmap.kernel["control_range"]
    for w in regmap.all_words():
        if w.name in seen_names:
            raise RegmapError(f"duplicate name '{w.name}'")
        seen_names[w.name] = w
        if w.size not in (4, 8):
            raise RegmapError(f"{w.name}: size {w.size} is neither 4 nor 8")
        if w.offset % 4:
            raise RegmapError(f"{w.name}: offset {w.offset:#x} is not word aligned")
        if w.offset + w.size > limit:
            raise RegmapError(f"{w.name}: offset {w.offset:#x} lies outside control_range {limit:#x}")
        for word in range(w.offset, w.offset + w.size, 4):
            if word in seen_words:
                raise RegmapError(f"{w.name} overlaps {seen_words[word].name} at {word:#x}")
            seen_words[word] = w
        bits = [f.bit for f in w.fields]
        if len(bits) != len(set(bits)):
            raise RegmapError(f"{w.name}: two fields share a bit")
    base = regmap.counters[0].offset if regmap.counters else 0
    for i, c in enumerate(regmap.counters):
        # The RTL decodes counter i at base + 8i, so the table must be contiguous.
        if c.offset != base + 8 * i:
            raise RegmapError(f"counter {c.name}: offset {c.offset:#x}, expected {base + 8 * i:#x} (contiguous)")
    if regmap.kernel["max_weight_ports"] < 1:
        raise RegmapError("max_weight_ports must be >= 1")


# ---------------------------------------------------------------------------- SystemVerilog

def gen_sv(regmap: Regmap) -> str:
    aw = (regmap.kernel["control_range"] - 1).bit_length()
    lines = [
        "// Generated by hw/regmap/gen_regmap.py from hw/regmap/mmfree_regs.toml. Do not edit.",
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
    lines += [
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


# ---------------------------------------------------------------------------- C++

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
        "// Generated by hw/regmap/gen_regmap.py from hw/regmap/mmfree_regs.toml. Do not edit.",
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
        "",
    ]
    for w in regmap.registers + regmap.arguments:
        lines += ns(w)
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
        "# mmfree_kernel registers",
        "",
        "<!-- Generated by hw/regmap/gen_regmap.py from hw/regmap/mmfree_regs.toml. Do not edit;",
        "     refresh with: python3 hw/regmap/gen_regmap.py --markdown docs/registers.md -->",
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
    for i, a in enumerate(regmap.arguments):
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
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------- Vitis kernel.xml

def gen_kernel_xml(regmap: Regmap, ports: int, weight_width: int, gmem_width: int) -> str:
    if not 1 <= ports <= regmap.max_ports:
        raise RegmapError(f"--weight-ports {ports} outside 1..{regmap.max_ports}")
    k = regmap.kernel
    vlnv = f"{k['vendor']}:{k['library']}:{k['name']}:{k['version']}"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Generated by hw/regmap/gen_regmap.py from hw/regmap/mmfree_regs.toml. Do not edit. -->",
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


def write_if_changed(path: Path, text: str) -> None:
    # Leaving an unchanged file untouched keeps its timestamp, so nothing downstream rebuilds.
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text() == text:
        return
    path.write_text(text)


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--description", type=Path, default=here / "mmfree_regs.toml")
    ap.add_argument("--sv", type=Path)
    ap.add_argument("--cpp", type=Path)
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--kernel-xml", type=Path)
    ap.add_argument("--weight-ports", type=int, default=1)
    ap.add_argument("--weight-data-width", type=int, default=512)
    ap.add_argument("--gmem-data-width", type=int, default=512)
    args = ap.parse_args(argv)
    try:
        regmap = load(args.description)
        if args.sv:
            write_if_changed(args.sv, gen_sv(regmap))
        if args.cpp:
            write_if_changed(args.cpp, gen_cpp(regmap))
        if args.markdown:
            write_if_changed(args.markdown, gen_markdown(regmap))
        if args.kernel_xml:
            write_if_changed(args.kernel_xml, gen_kernel_xml(regmap, args.weight_ports,
                                                            args.weight_data_width, args.gmem_data_width))
    except (RegmapError, KeyError, tomllib.TOMLDecodeError) as e:
        print(f"gen_regmap: {args.description}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
