// sigma(z) in format G (Q0.24, 0 .. 2^24) for z in format A (docs/numerics.md 3.4,
// golden::sigmoid_g): 2^24 - tail(|z|) for z >= 0, tail(|z|) otherwise, so
// sigma(-z) = 1 - sigma(z) holds exactly.
module sigmoid_g (
  input  logic signed [31:0] z_i,
  output logic [24:0]        g_o
);

  logic [23:0] tail;

  sigmoid_tail_g u_tail (.z_i, .tail_o(tail));

  assign g_o = z_i[31] ? {1'b0, tail} : 25'h1000000 - {1'b0, tail};

endmodule
