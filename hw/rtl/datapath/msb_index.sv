// Index of the highest set bit of a non-zero vector (floor(log2 v)); 0 for v = 0, which
// every caller treats separately. A priority encoder: synthesis builds it from LUTs.
module msb_index #(
  parameter int unsigned Width     = 32,
  parameter int unsigned IndexBits = $clog2(Width)
) (
  input  logic [Width-1:0]     value_i,
  output logic [IndexBits-1:0] index_o
);

  always_comb begin
    index_o = '0;
    for (int unsigned i = 0; i < Width; i++) begin
      if (value_i[i]) begin
        index_o = IndexBits'(i);
      end
    end
  end

endmodule
