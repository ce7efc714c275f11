// Multipliers with and without flip-flops around them, for the timing estimate's model of the
// DSP48E2 registers Vivado absorbs (tests/timing/timing_estimate_test.py, scripts/
// timing_estimate.py absorb_dsp_registers): Yosys 0.23 maps each product onto one DSP48E2 with
// every internal register off and leaves the flip-flops in the fabric.
//   reg_q  <= a_q * b_q: registers before and after: A, B and P count as registered;
//   sum_q  <= a_q * b_q + c_q: the product goes through an adder first: P does not.
module known_dsp (
    input  logic               clk,
    input  logic signed [17:0] a_in,
    input  logic signed [26:0] b_in,
    input  logic signed [17:0] a2_in,
    input  logic signed [26:0] b2_in,
    input  logic signed [44:0] c_in,
    output logic signed [44:0] reg_q,
    output logic signed [44:0] sum_q
);
  logic signed [17:0] a, a2;
  logic signed [26:0] b, b2;
  logic signed [44:0] c;
  always_ff @(posedge clk) begin
    a <= a_in;
    b <= b_in;
    a2 <= a2_in;
    b2 <= b2_in;
    c <= c_in;
    reg_q <= a * b;
    sum_q <= a2 * b2 + c;
  end
endmodule
