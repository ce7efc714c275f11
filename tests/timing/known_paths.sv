// A netlist whose register-to-register depths can be counted by hand, for the timing estimate's
// test (tests/timing/timing_estimate_test.py):
//   and_q <= &x (216 bits): 216 = 6^3 inputs, so exactly 3 levels of 6-input LUTs, no carry;
//   sum_q <= a + b (32 bits): one LUT level (the propagate XOR) into 32 / 8 = 4 CARRY8s;
//   copy_q <= a[0]: a register feeding a register, no logic at all.
module known_paths (
    input  logic        clk,
    input  logic [215:0] x_in,
    input  logic [31:0] a_in,
    input  logic [31:0] b_in,
    output logic        and_q,
    output logic [31:0] sum_q,
    output logic        copy_q
);
  logic [215:0] x;
  logic [31:0] a, b;
  always_ff @(posedge clk) begin
    x <= x_in;
    a <= a_in;
    b <= b_in;
    and_q <= &x;
    sum_q <= a + b;
    copy_q <= a[0];
  end
endmodule
