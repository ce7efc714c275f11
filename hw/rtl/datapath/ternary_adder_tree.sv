// Pipelined signed adder tree over one memory beat of ternary weights and int8 activations.
//
// Each lane k contributes +a_k, -a_k or 0 according to its 2-bit weight code (0b01 = +1,
// 0b11 = -1, 0b00 = 0; the unused code 0b10 also counts as 0). The lane terms are summed
// pairwise; every level of the tree is exactly one bit wider than the level below it, so no
// bit is wasted and nothing can overflow. There is no multiplication anywhere: a ternary weight
// only selects between add, subtract and skip, so synthesis infers no DSP blocks.
//
// The tree never stalls: a valid bit and a user tag (e.g. row delimiters) ride along with the
// data, and the caller guarantees room for the result (see ternary_accumulate_array).
module ternary_adder_tree #(
  parameter int unsigned Lanes          = 256,  // weights per beat (any value >= 2)
  parameter int unsigned ActBits        = 8,    // signed activation width
  parameter int unsigned TagBits        = 2,    // side-band bits delayed with the data
  parameter int unsigned LevelsPerStage = 2,    // adder levels between pipeline registers
  // Derived; not meant to be overridden.
  parameter int unsigned Levels         = $clog2(Lanes),
  parameter int unsigned SumBits        = ActBits + 1 + Levels
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     valid_i,
  input  logic [2*Lanes-1:0]       codes_i,  // weight k at bits [2k+1:2k]
  input  logic [ActBits*Lanes-1:0] acts_i,   // activation k at bits [ActBits*k +: ActBits]
  input  logic [TagBits-1:0]       tag_i,
  output logic                     valid_o,
  output logic [SumBits-1:0]       sum_o,    // signed sum of the beat
  output logic [TagBits-1:0]       tag_o
);

  // Lanes rounded up to a power of two; the padding lanes are constant zero.
  localparam int unsigned Leaves   = 1 << Levels;
  localparam int unsigned LeafBits = ActBits + 1;  // room for -(-2^(ActBits-1))

  // Level 0 is the input register; levels 1..Levels are adder levels. A level is registered
  // every LevelsPerStage adder levels and always at the root, so the latency is
  // 1 + ceil(Levels / LevelsPerStage) cycles.
  for (genvar l = 0; l <= Levels; l++) begin : g_level
    localparam int unsigned Nodes      = Leaves >> l;
    localparam int unsigned Bits       = LeafBits + l;
    localparam bit          Registered = (l == 0) || (l == Levels) || (l % LevelsPerStage == 0);

    logic [Nodes*Bits-1:0] node;        // this level's outputs, after the optional register
    logic                  valid;
    logic [TagBits-1:0]    tag;

    if (l == 0) begin : g_leaf
      // The input register holds the raw beat; the add/subtract/skip choice is made after it.
      logic [2*Lanes-1:0]       codes_q;
      logic [ActBits*Lanes-1:0] acts_q;
      logic                     valid_q;
      logic [TagBits-1:0]       tag_q;

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          valid_q <= 1'b0;
        end else begin
          valid_q <= valid_i;
        end
      end

      always_ff @(posedge clk_i) begin
        if (valid_i) begin
          codes_q <= codes_i;
          acts_q  <= acts_i;
          tag_q   <= tag_i;
        end
      end

      always_comb begin
        node = '0;
        for (int unsigned k = 0; k < Lanes; k++) begin
          logic [LeafBits-1:0] act;
          act = {acts_q[ActBits*k+ActBits-1], acts_q[ActBits*k +: ActBits]};
          unique case (codes_q[2*k +: 2])
            2'b01:   node[LeafBits*k +: LeafBits] = act;
            2'b11:   node[LeafBits*k +: LeafBits] = -act;
            default: node[LeafBits*k +: LeafBits] = '0;
          endcase
        end
      end
      assign valid = valid_q;
      assign tag   = tag_q;
    end else begin : g_add
      localparam int unsigned InBits = Bits - 1;
      logic [Nodes*Bits-1:0] node_d;

      always_comb begin
        for (int unsigned n = 0; n < Nodes; n++) begin
          logic [InBits-1:0] lhs, rhs;
          lhs = g_level[l-1].node[InBits*(2*n) +: InBits];
          rhs = g_level[l-1].node[InBits*(2*n+1) +: InBits];
          // One bit of sign extension per level keeps every sum exact.
          node_d[Bits*n +: Bits] = {lhs[InBits-1], lhs} + {rhs[InBits-1], rhs};
        end
      end

      if (Registered) begin : g_reg
        logic [Nodes*Bits-1:0] node_q;
        logic                  valid_q;
        logic [TagBits-1:0]    tag_q;

        always_ff @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            valid_q <= 1'b0;
          end else begin
            valid_q <= g_level[l-1].valid;
          end
        end

        // Data registers need no reset: they are only read while their valid bit is set.
        always_ff @(posedge clk_i) begin
          if (g_level[l-1].valid) begin
            node_q <= node_d;
            tag_q  <= g_level[l-1].tag;
          end
        end
        assign node  = node_q;
        assign valid = valid_q;
        assign tag   = tag_q;
      end else begin : g_comb
        assign node  = node_d;
        assign valid = g_level[l-1].valid;
        assign tag   = g_level[l-1].tag;
      end
    end
  end

  assign valid_o = g_level[Levels].valid;
  assign sum_o   = g_level[Levels].node;
  assign tag_o   = g_level[Levels].tag;

endmodule
