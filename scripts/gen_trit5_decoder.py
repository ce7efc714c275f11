#!/usr/bin/env python3
"""Writes the byte -> five 2-bit codes table of hw/rtl/kernel/mmfree_trit5_byte_decoder.sv.

A trit5 byte b < 243 holds digits d_s = (b / 3^s) mod 3, s = 0..4 (docs/mmf-format.md, "Weight
encodings"); digit 0, 1, 2 is weight -1, 0, +1, whose 2-bit code (the ternary array's) is 0b11,
0b00, 0b01. Bytes 243..255 are invalid: code 0 (weight 0) on all five and the invalid flag.

    scripts/gen_trit5_decoder.py > hw/rtl/kernel/mmfree_trit5_byte_decoder.sv
"""

CODE = {0: 0b11, 1: 0b00, 2: 0b01}


def codes(b):
    v = 0
    for s in range(5):
        v |= CODE[(b // 3 ** s) % 3] << (2 * s)
    return v


def main():
    print("""// One byte of a trit5 weight beat to the 2-bit codes of its five trits (docs/mmf-format.md,
// "Weight encodings"): codes_o[2s+1:2s] is digit s of byte_i (byte = sum of digit_s * 3^s,
// digit 0/1/2 = weight -1/0/+1, code 0b11/0b00/0b01). Bytes 243..255 never occur in an image:
// they give five zero codes and invalid_o. A 256-entry table (8 inputs, 11 outputs: LUTs only).
// Written by scripts/gen_trit5_decoder.py; do not edit by hand.
module mmfree_trit5_byte_decoder (
  input  logic [7:0] byte_i,
  output logic [9:0] codes_o,
  output logic       invalid_o
);

  always_comb begin
    invalid_o = 1'b0;
    unique case (byte_i)""")
    for b in range(243):
        print(f"      8'd{b}: codes_o = 10'h{codes(b):03x};")
    print("""      default: begin
        codes_o   = 10'h000;
        invalid_o = 1'b1;
      end
    endcase
  end

endmodule""")


if __name__ == "__main__":
    main()
