// Exact signed product a * b (plus 2^BiasBit when BiasBit >= 0: the rounding constant of a
// following shift, added for free in the sum) in two or three pipeline stages, split into DSP48E2-sized partial products
// (docs/timing.md): a in 17-bit chunks (the DSP's 18-bit B port: low chunks unsigned, the top
// one signed), b in 26-bit chunks (its 27-bit A port). Stage 1 registers every partial
// product (the DSP's P register), stage 2 their shifted sum. The inputs must come straight
// from registers (they become the DSP's A/B registers); nothing here is reset (pure datapath).
// en_i holds every stage (the "valid + stall" wrappers); the element loop ties it high.
module mul_pipe #(
  parameter int unsigned AW = 32,
  parameter int unsigned BW = 32,
  parameter int          BiasBit = -1,
  // Derived; not meant to be overridden.
  parameter int unsigned PW = AW + BW
) (
  input  logic                 clk_i,
  input  logic                 en_i,
  input  logic signed [AW-1:0] a_i,
  input  logic signed [BW-1:0] b_i,
  output logic signed [PW-1:0] p_o   // a_i * b_i (+ 2^BiasBit): 2 cycles later, 3 if BW > 26
);

  localparam int unsigned ChunkA = 17;
  localparam int unsigned ChunkB = 26;
  localparam int unsigned NA     = (AW + ChunkA - 1) / ChunkA;
  localparam int unsigned NB     = (BW + ChunkB - 1) / ChunkB;

  // The chunks, each as a signed value one bit wider than the chunk.
  logic [18*NA-1:0] a_parts;
  logic [27*NB-1:0] b_parts;
  for (genvar i = 0; i < NA; i++) begin : g_a
    if (i == NA - 1) begin : g_top
      assign a_parts[18*i +: 18] = 18'($signed(a_i[AW-1:ChunkA*i]));
    end else begin : g_low
      assign a_parts[18*i +: 18] = {1'b0, a_i[ChunkA*i +: ChunkA]};
    end
  end
  for (genvar j = 0; j < NB; j++) begin : g_b
    if (j == NB - 1) begin : g_top
      assign b_parts[27*j +: 27] = 27'($signed(b_i[BW-1:ChunkB*j]));
    end else begin : g_low
      assign b_parts[27*j +: 27] = {1'b0, b_i[ChunkB*j +: ChunkB]};
    end
  end

  // Stage 1: one 18 x 27-bit signed product per chunk pair (one DSP48E2 each).
  logic [45*NA*NB-1:0] pp_q;
  for (genvar i = 0; i < NA; i++) begin : g_pa
    for (genvar j = 0; j < NB; j++) begin : g_pb
      logic signed [44:0] pp;
      assign pp = $signed(a_parts[18*i +: 18]) * $signed(b_parts[27*j +: 27]);
      always_ff @(posedge clk_i) begin
        if (en_i) pp_q[45*(i*NB+j) +: 45] <= pp;
      end
    end
  end

  // Stage 2 (and 3 with two b chunks): the shifted sum (exact: the full product, and the bias
  // its users add, fit PW bits). With two b chunks the rows (each a chunk's sum over b) are
  // registered first, so that no stage adds more than two terms.
  localparam logic [PW-1:0] Bias = (BiasBit >= 0) ? (PW'(1) << BiasBit) : '0;
  logic signed [PW-1:0] sum, p_q;
  if (NB == 1) begin : g_one_level
    always_comb begin
      sum = $signed(Bias);
      for (int unsigned i = 0; i < NA; i++) begin
        sum = sum + (PW'($signed(pp_q[45*i +: 45])) <<< (ChunkA * i));
      end
    end
  end else begin : g_two_levels
    logic [PW*NA-1:0] rows_q;
    for (genvar i = 0; i < NA; i++) begin : g_row
      logic signed [PW-1:0] row;
      always_comb begin
        row = '0;
        for (int unsigned j = 0; j < NB; j++) begin
          row = row + (PW'($signed(pp_q[45*(i*NB+j) +: 45])) <<< (ChunkB * j));
        end
      end
      always_ff @(posedge clk_i) begin
        if (en_i) rows_q[PW*i +: PW] <= row;
      end
    end
    always_comb begin
      sum = $signed(Bias);
      for (int unsigned i = 0; i < NA; i++) begin
        sum = sum + ($signed(rows_q[PW*i +: PW]) <<< (ChunkA * i));
      end
    end
  end
  always_ff @(posedge clk_i) begin
    if (en_i) p_q <= sum;
  end
  assign p_o = p_q;

endmodule
