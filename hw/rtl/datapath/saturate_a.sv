// sat32 of docs/numerics.md: clamps a wide signed value to the symmetric format-A range
// +-(2^31 - 1). The negative limit is -(2^31 - 1), so |a| and -a never overflow downstream.
module saturate_a #(
  parameter int unsigned InBits = 64  // > 32
) (
  input  logic signed [InBits-1:0] value_i,
  output logic signed [31:0]       value_o
);

  localparam logic signed [InBits-1:0] Max = InBits'(64'sd2147483647);
  localparam logic signed [InBits-1:0] Min = -Max;

  always_comb begin
    if (value_i > Max) begin
      value_o = 32'sh7fffffff;
    end else if (value_i < Min) begin
      value_o = -32'sh7fffffff;
    end else begin
      value_o = value_i[31:0];
    end
  end

endmodule
