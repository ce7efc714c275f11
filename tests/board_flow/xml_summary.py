#!/usr/bin/env python3
"""Turns the two XML files the board-flow tests read into JSON on stdout, with a real XML parser
(so the tests do not rely on the regular expressions the packaging Tcl uses for the same files).

  xml_summary.py rtl-top VERILATOR_XML   the top module of `verilator --xml-only`:
      {"module": name, "parameters": {name: int}, "ports": {name: {"dir": d, "width": bits}}}
  xml_summary.py kernel-xml KERNEL_XML   a Vitis kernel.xml:
      {"kernel": {attr: value}, "ports": [{attr: value}], "args": [{attr: value}]}
"""
import json
import re
import sys
import xml.etree.ElementTree as ET


def const_value(text: str) -> int:
    # Verilator writes constants as e.g. 32'h1c or 32'sh1c.
    m = re.fullmatch(r"\d*'s?([hdbo])([0-9a-fA-F_]+)", text)
    if not m:
        raise ValueError(f"unexpected constant {text!r}")
    base = {"h": 16, "d": 10, "b": 2, "o": 8}[m.group(1)]
    return int(m.group(2).replace("_", ""), base)


def dtype_width(types: dict, dtype_id: str) -> int:
    t = types[dtype_id]
    if t.tag == "basicdtype":
        if "left" not in t.attrib:
            return 1
        return abs(int(t.get("left")) - int(t.get("right"))) + 1
    if t.tag in ("refdtype", "typedefdtype") and t.get("sub_dtype_id"):
        return dtype_width(types, t.get("sub_dtype_id"))
    if t.tag == "packarraydtype":
        rng = t.find("range")
        consts = [const_value(c.get("name")) for c in rng.iter("const")] if rng is not None else []
        if len(consts) != 2:
            raise ValueError(f"packed array dtype {dtype_id} without a constant range")
        return (abs(consts[0] - consts[1]) + 1) * dtype_width(types, t.get("sub_dtype_id"))
    raise ValueError(f"port dtype {t.tag} (id {dtype_id}) is not a packed vector")


def rtl_top(path: str) -> dict:
    root = ET.parse(path).getroot()
    netlist = root.find("netlist")
    top = next(m for m in netlist.iter("module") if m.get("topModule") == "1")
    types = {t.get("id"): t for t in netlist.find("typetable")}
    params, ports = {}, {}
    for var in top.findall("var"):
        if var.get("param") == "true":
            const = var.find("const")
            if const is not None:
                params[var.get("name")] = const_value(const.get("name"))
        elif var.get("dir"):
            ports[var.get("name")] = {"dir": var.get("dir"),
                                      "width": dtype_width(types, var.get("dtype_id"))}
    return {"module": top.get("name"), "parameters": params, "ports": ports}


def kernel_xml(path: str) -> dict:
    root = ET.parse(path).getroot()
    kernels = root.findall("kernel")
    if len(kernels) != 1:
        raise ValueError(f"{path}: expected one <kernel>, found {len(kernels)}")
    k = kernels[0]
    return {"kernel": dict(k.attrib),
            "ports": [dict(p.attrib) for p in k.find("ports").findall("port")],
            "args": [dict(a.attrib) for a in k.find("args").findall("arg")]}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("rtl-top", "kernel-xml"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        summary = rtl_top(argv[1]) if argv[0] == "rtl-top" else kernel_xml(argv[1])
    except (OSError, ET.ParseError, ValueError, StopIteration, AttributeError) as e:
        print(f"xml_summary.py: {argv[1]}: {e or 'no top module'}", file=sys.stderr)
        return 1
    json.dump(summary, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
