// mul_a (docs/numerics.md 1, golden::mul_a: sat32((a * b + 2^15) >> 16)) as a pipeline:
// [input registers (InReg)], the partial products, their sum (two stages), then rounding and
// saturation.
// Latency 4 + InReg cycles. With InReg = 0 the inputs must come straight from registers.
// Bit-exact with mul_a (tests/rtl_units: mul_a_unit, output_gate_unit, glu_unit).
module mul_a_pipe #(
  parameter bit InReg = 1'b1
) (
  input  logic               clk_i,
  input  logic               en_i,
  input  logic signed [31:0] a_i,
  input  logic signed [31:0] b_i,
  output logic signed [31:0] product_o
);

  logic signed [31:0] a, b;
  if (InReg) begin : g_in
    logic signed [31:0] a_q, b_q;
    always_ff @(posedge clk_i) begin
      if (en_i) begin
        a_q <= a_i;
        b_q <= b_i;
      end
    end
    assign a = a_q;
    assign b = b_q;
  end else begin : g_direct
    assign a = a_i;
    assign b = b_i;
  end

  logic signed [63:0] product;
  mul_pipe #(.AW(32), .BW(32), .BiasBit(15)) u_mul (.clk_i, .en_i, .a_i(a), .b_i(b), .p_o(product));

  // product is P + 2^15: (P + 2^15) >> 16 = ((P >> 15) + 1) >> 1 of mul_a.
  logic signed [48:0] rounded;
  logic signed [31:0] sat, product_q;
  logic               unused_low_bits;
  assign rounded = 49'(product >>> 16);
  assign unused_low_bits = ^product[15:0];
  saturate_a #(.InBits(49)) u_sat (.value_i(rounded), .value_o(sat));

  always_ff @(posedge clk_i) begin
    if (en_i) product_q <= sat;
  end
  assign product_o = product_q;

endmodule
