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
//
// Structure. The input register holds the raw beat; then come ceil(Levels / LevelsPerStage)
// pipeline stages, each adding up to LevelsPerStage levels of the tree and registering its
// sums, so the latency is 1 + ceil(Levels / LevelsPerStage) cycles.
//
// How it is written, and why (the hardware is the same adders and registers either way):
// - A stage's adders sit inside its register's enable. A cycle-based simulator (Verilator) then
//   evaluates the tree only in cycles that carry a beat, not at every clock edge, and keeps the
//   partial sums of a node in function-local variables.
// - Lane terms are summed in offset binary: each lane adds term + 2^(ActBits-1) >= 0, so every
//   sum is a plain unsigned number (no sign extension between levels), and the root takes the
//   total offset, Leaves * 2^(ActBits-1), off again.
// - An adder level whose operands come straight from other adders is written as
//   ~(~a + ~b + 1), which is a + b over the result's width: the inverters keep synthesis (Yosys
//   alumacc) from fusing the levels of a stage into one multi-operand adder, which maps to far
//   more LUTs than a tree of two-input carry-chain adders. Levels alternate between that form
//   and a plain a + b, so that no two inversions meet and cancel.
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

  // Lanes rounded up to a power of two; the padding lanes have code 0 (the term 0).
  localparam int unsigned Leaves   = 1 << Levels;
  localparam int unsigned LeafBits = ActBits + 1;  // a lane term plus its offset: 0 .. 2^ActBits
  localparam int unsigned Stages   = (Levels + LevelsPerStage - 1) / LevelsPerStage;
  localparam int unsigned Offset   = Leaves << (ActBits - 1);  // the offsets of all leaves

  // ---------------------------------------------------------------------------------------
  // Input register: the raw beat; the add/subtract/skip choice is made after it.
  logic [2*Lanes-1:0]       codes_q;
  logic [ActBits*Lanes-1:0] acts_q;
  logic                     in_valid_q;
  logic [TagBits-1:0]       in_tag_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_valid_q <= 1'b0;
    end else begin
      in_valid_q <= valid_i;
    end
  end

  // Data registers need no reset: they are only read while their valid bit is set.
  always_ff @(posedge clk_i) begin
    if (valid_i) begin
      codes_q  <= codes_i;
      acts_q   <= acts_i;
      in_tag_q <= tag_i;
    end
  end

  logic [2*Leaves-1:0]       codes_padded;
  logic [ActBits*Leaves-1:0] acts_padded;
  assign codes_padded = (2*Leaves)'(codes_q);
  assign acts_padded  = (ActBits*Leaves)'(acts_q);

  // ---------------------------------------------------------------------------------------
  // Adder stages: stage s adds tree levels InLevel+1 .. OutLevel and holds Nodes sums of Bits
  // bits each (offset binary, except the root's, which is the signed sum).
  for (genvar s = 1; s <= Stages; s++) begin : g_stage
    localparam int unsigned InLevel  = (s - 1) * LevelsPerStage;
    localparam int unsigned OutLevel = (s * LevelsPerStage < Levels) ? s * LevelsPerStage : Levels;
    localparam int unsigned Span     = OutLevel - InLevel;  // adder levels in this stage
    localparam int unsigned Fan      = 1 << Span;           // inputs per node
    localparam int unsigned Nodes    = Leaves >> OutLevel;
    localparam int unsigned InBits   = LeafBits + InLevel;  // width of this stage's inputs
    localparam int unsigned Bits     = LeafBits + OutLevel;
    localparam bit          Root     = (s == Stages);

    logic [Nodes*Bits-1:0] node_q;  // node n at bits [Bits*n +: Bits]
    logic                  valid_q;
    logic [TagBits-1:0]    tag_q;
    // What this stage adds up: the beat (stage 1) or the nodes of the stage below; each stage
    // ties the input it does not use to zero.
    logic                         in_valid;
    logic [TagBits-1:0]           in_tag;
    logic [2*Fan*Nodes-1:0]       in_codes;
    logic [ActBits*Fan*Nodes-1:0] in_acts;
    logic [InBits*Fan*Nodes-1:0]  in_nodes;

    if (s == 1) begin : g_from_input
      assign in_valid = in_valid_q;
      assign in_tag   = in_tag_q;
      assign in_codes = codes_padded;
      assign in_acts  = acts_padded;
      assign in_nodes = '0;
    end else begin : g_from_stage
      assign in_valid = g_stage[s-1].valid_q;
      assign in_tag   = g_stage[s-1].tag_q;
      assign in_codes = '0;
      assign in_acts  = '0;
      assign in_nodes = g_stage[s-1].node_q;
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        valid_q <= 1'b0;
      end else begin
        valid_q <= in_valid;
      end
    end

    always_ff @(posedge clk_i) begin
      if (in_valid) begin
        tag_q <= in_tag;
      end
    end

    // Whether adder level `level` (1 .. Span) of this stage takes the inverted form: stage 1's
    // first level does (its operands are the lane adders' outputs), and the root's last level
    // does (the offset is subtracted from its output); the levels in between alternate.
    function automatic bit inverted_level(int unsigned level);
      inverted_level = (s == 1) ? (level % 2 == 1) : ((Span - level) % 2 == 0);
    endfunction

    // Each node is computed inside its register's enable (see the header) by node_sum, which
    // takes its Fan leaves (stage 1: lane terms, see lane_term; later stages: the Fan nodes of
    // the stage below, zero-extended to Bits) and adds them pairwise with pair_sum; the root
    // also takes the offset off.
    //
    // a + b for operands of operand_bits bits (zero-extended to Bits), optionally in the
    // inverted form ~(~a + ~b + 1), the complements taken over the sum's operand_bits + 1 bits.
    function automatic logic [Bits-1:0] pair_sum(logic [Bits-1:0] a, logic [Bits-1:0] b,
                                                 int unsigned operand_bits, bit inverted);
      logic [Bits-1:0] ones;
      ones = ~({Bits{1'b1}} << (operand_bits + 1));
      if (inverted) begin
        pair_sum = (((a ^ ones) + (b ^ ones) + Bits'(1)) ^ ones) & ones;
      end else begin
        pair_sum = a + b;
      end
    endfunction

    function automatic logic [Bits-1:0] node_sum(logic [2*Fan-1:0]       code,
                                                 logic [ActBits*Fan-1:0] act,
                                                 logic [Fan*InBits-1:0]  lower);
      logic [Bits-1:0] part [Fan];
      for (int unsigned f = 0; f < Fan; f++) begin
        if (s == 1) begin
          part[f] = Bits'(lane_term(code[2*f +: 2], act[ActBits*f +: ActBits]));
        end else begin
          part[f] = Bits'(lower[InBits*f +: InBits]);
        end
      end
      for (int unsigned level = 1; level <= Span; level++) begin
        for (int unsigned i = 0; i < (Fan >> level); i++) begin
          part[i] = pair_sum(part[2*i], part[2*i+1], InBits + level - 1, inverted_level(level));
        end
      end
      node_sum = Root ? part[0] - Bits'(Offset) : part[0];
    endfunction

    always_ff @(posedge clk_i) begin
      if (in_valid) begin
        for (int unsigned n = 0; n < Nodes; n++) begin
          node_q[Bits*n +: Bits] <= node_sum(in_codes[2*Fan*n +: 2*Fan], in_acts[ActBits*Fan*n +: ActBits*Fan],
                                             in_nodes[InBits*Fan*n +: InBits*Fan]);
        end
      end
    end
  end

  // One lane's term plus 2^(ActBits-1): act, -act or 0 (for code 0b10 as well), offset. -act is
  // ~act + 1, and flipping the sign bit of a signed number adds 2^(ActBits-1) to it.
  function automatic logic [LeafBits-1:0] lane_term(logic [1:0] code, logic [ActBits-1:0] act);
    logic [ActBits-1:0] ones_or_zero, biased;
    logic               negate;
    negate       = code[1] & code[0];
    ones_or_zero = (act ^ {ActBits{code[1]}}) & {ActBits{code[0]}};  // act, ~act or 0
    biased       = ones_or_zero ^ {1'b1, {(ActBits-1){1'b0}}};
    lane_term    = {1'b0, biased} + {{ActBits{1'b0}}, negate};
  endfunction

  assign valid_o = g_stage[Stages].valid_q;
  assign sum_o   = g_stage[Stages].node_q;
  assign tag_o   = g_stage[Stages].tag_q;

endmodule
