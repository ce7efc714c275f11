// mlgru_update_a (docs/numerics.md 3.7, golden::mlgru_update_a:
// h' = sat32(h + ((cf * (c - h) + 2^23) >> 24))) as a five-stage pipeline: c - h, the product
// (mul_pipe, 2, with the rounding constant), the sum, then saturation. The inputs must come from
// registers; nothing is reset. Bit-exact with mlgru_update_a (tests/rtl_units: mlgru_unit).
module mlgru_update_pipe (
  input  logic               clk_i,
  input  logic               en_i,
  input  logic signed [31:0] h_i,    // previous state, format A
  input  logic signed [31:0] c_i,    // candidate silu(i_proj output), format A
  input  logic [24:0]        cf_i,   // 1 - f, format G
  output logic signed [31:0] h_o     // five cycles later
);

  logic signed [32:0] delta_q;
  logic [24:0]        cf_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      delta_q <= 33'(c_i) - 33'(h_i);
      cf_q    <= cf_i;
    end
  end

  logic signed [58:0] product;
  mul_pipe #(.AW(33), .BW(26), .BiasBit(23)) u_mul (.clk_i, .en_i, .a_i(delta_q), .b_i($signed({1'b0, cf_q})), .p_o(product));

  logic signed [31:0] h_d;
  datapath_delay #(.Width(32), .Depth(3)) u_h (.clk_i, .en_i, .d_i(h_i), .q_o(h_d));

  logic               unused_low_bits;
  assign unused_low_bits = ^product[23:0];
  // product is P + 2^23: (P + 2^23) >> 24 = ((P >> 23) + 1) >> 1 of mlgru_update_a.
  logic signed [36:0] sum_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      sum_q <= 37'(h_d) + 37'(36'(product >>> 24));
    end
  end

  logic signed [31:0] sat, h_q;
  saturate_a #(.InBits(37)) u_sat (.value_i(sum_q), .value_o(sat));
  always_ff @(posedge clk_i) begin
    if (en_i) h_q <= sat;
  end
  assign h_o = h_q;

endmodule
