// silu_a (docs/numerics.md 3.5, golden::silu_a: sat32((z * sigmoid_g(z) + 2^23) >> 24)) as an
// nine-stage pipeline: sigma(z) (sigmoid_tail_pipe, 6), the product (mul_pipe, 2), rounding
// and saturation (1). z_i must come from a register; nothing is reset. Bit-exact with silu_a
// (tests/rtl_units: glu_unit, mlgru_unit, output_gate_unit).
module silu_a_pipe (
  input  logic               clk_i,
  input  logic               en_i,
  input  logic signed [31:0] z_i,
  output logic signed [31:0] silu_o   // nine cycles later
);

  logic [24:0]        gate;
  logic signed [31:0] z_d;
  sigmoid_tail_pipe u_sigmoid (.clk_i, .en_i, .z_i, .flip_i(!z_i[31]), .out_o(gate));
  datapath_delay #(.Width(32), .Depth(6)) u_z (.clk_i, .en_i, .d_i(z_i), .q_o(z_d));

  logic signed [57:0] product;
  mul_pipe #(.AW(32), .BW(26), .BiasBit(23)) u_mul (.clk_i, .en_i, .a_i(z_d), .b_i($signed({1'b0, gate})), .p_o(product));

  logic signed [34:0] rounded;
  logic signed [31:0] sat, silu_q;
  logic               unused_low_bits;
  assign rounded = 35'(product >>> 24);   // (P + 2^23) >> 24 = ((P >> 23) + 1) >> 1
  assign unused_low_bits = ^product[23:0];
  saturate_a #(.InBits(35)) u_sat (.value_i(rounded), .value_o(sat));
  always_ff @(posedge clk_i) begin
    if (en_i) silu_q <= sat;
  end
  assign silu_o = silu_q;

endmodule
