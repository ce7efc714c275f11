// The token engine's schedule: the per-token sequence of docs/device.md ("The per-token
// schedule"), as one state machine in the _d/_q style, commanding the other parts.
//
// Per command: the norm constants (nc_start_o / nc_ready_i), the state slot zeroed if asked;
// per token: its id read (tok_read_o; tok_valid_i / tok_i bring it), checked, every port's
// weight stream started (ws_cmd_valid_o) and the pass (pass_start_o, pf_start_o for the
// prefetcher); per layer the sequence below, then the head and the argmax.
//   attn norm loop -> I; F and G with projection loops; MLGRU (h and LB from the prefetcher, the
//   loop, h written back); output gate loop -> O; mlp norm loop -> Gate; GLU loop -> Down.
// Each BitLinear: its beta popped (beta_pop_o), the scale unit run (bs_valid_o ... bs_done_i),
// the quantizer loop, [the logits' write command,] every port's gate opened for its share
// (gate_open_o), the row sums taken (ig_clear_o, ig_active_o ... ig_done_i).
//
// Contract with the parts (each start is one cycle, and the schedule then waits for the part's
// done in StLoop / StWrite, so their timing is the parts'):
// - lp_start_o / lp_cmd_o: an element loop; lp_done_i its last cycle.
// - wr_start_o / wr_src_o: a vector write (the top turns the source into an address and a
//   length); wr_done_i its end, wr_done_seen_i the write engine's response since.
// - The rest are levels: x_ready_i, n_avail_i, n_avail2_i, beta_avail_i, h_lb_ready_i (the
//   prefetcher), rd_idle_i (the vector reader).
// Status: bad arguments (no tokens), a bad token id, an AXI error (read, write, weight port)
// end the command with done_o; token_done_o marks each pass completed without error.
//
// Lanes (num_lanes_i = K): a pass runs one token on each lane. Every element-wise step runs
// lane by lane (lane_o: the lane the loops, the quantizer's q words, the scale and the vector
// writer now work on), each BitLinear's quantizer for every lane before its matrix is granted
// once for all lanes; the parameters of a step (beta, norm vectors, LB) are taken once, at lane
// 0, and given back (lane_last_o) after the last lane. The MLGRU runs in lane order, so that a
// lane that continues a chain (lane_chain_i[k]: its slot is lane k - 1's) takes h as lane k - 1
// left it (the top reads it there); a lane's h is written back unless the next lane continues
// its chain. Each lane's scale is kept (scale_*_o, lane k at [k]) for the row sums; the slots
// with a lane_reset_i bit are zeroed in lane order at the start.
module mmfree_token_schedule #(
  parameter int unsigned NumWeightPorts = 1,
  parameter int unsigned CountBits      = 32,
  parameter int unsigned ExpBits        = 10,
  parameter int unsigned BatchLanes     = 1,
  // Derived; not meant to be overridden.
  parameter int unsigned P              = NumWeightPorts
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,

  input  logic                       start_i,
  output logic                       done_o,
  output logic [31:0]                status_o,
  output logic                       token_done_o,
  input  logic [31:0]                num_tokens_i,
  input  logic [31:0]                flags_i,
  input  logic [4:0]                 num_lanes_i,   // K
  input  logic [15:0]                lane_reset_i,  // zero lane k's slot before the first pass
  input  logic [15:0]                lane_chain_i,  // lane k continues lane k - 1's chain
  output logic [3:0]                 lane_o,
  output logic                       lane_last_o,

  // Sizes (descriptor fields) and each port's share of the matrices.
  input  logic [31:0]                d_i,
  input  logic [31:0]                ni_i,
  input  logic [31:0]                nl_i,
  input  logic [31:0]                nv_i,
  input  logic                       bounded_i,     // the forget gate's lower bound (from layer 1 on)
  input  logic [CountBits-1:0]       beats_d_i,
  input  logic [CountBits-1:0]       beats_i_i,
  input  logic [CountBits*P-1:0]     port_rows_d_i,
  input  logic [CountBits*P-1:0]     port_rows_gate_i,
  input  logic [CountBits*P-1:0]     port_rows_vocab_i,

  // Where the sequence is (for addresses and the datapath's operand choices).
  output mmfree_token_pkg::matrix_e  mx_o,
  output logic [31:0]                tok_idx_o,
  output logic [31:0]                layer_o,
  output logic [31:0]                mx_rows_o,
  output logic                       logits_o,      // the lm_head's logits are written now

  // The norm constants.
  output logic                       nc_start_o,
  input  logic                       nc_ready_i,

  // The vector reader and the prefetcher.
  output logic                       tok_read_o,
  input  logic                       rd_idle_i,
  input  logic                       tok_bad_i,     // a lane's token id >= V (valid in StTokCheck)
  input  logic                       rd_error_i,
  output logic                       pf_start_o,
  output logic                       beta_pop_o,
  output logic                       h_lb_take_o,
  input  logic                       x_ready_i,
  input  logic                       n_avail_i,
  input  logic                       n_avail2_i,
  input  logic                       beta_avail_i,
  input  logic                       h_lb_ready_i,
  input  logic [16:0]                beta_man_i,
  input  logic signed [ExpBits-1:0]  beta_exp_i,

  // The element loop.
  output logic                       lp_start_o,
  output mmfree_token_pkg::loop_cmd_t lp_cmd_o,
  input  logic                       lp_done_i,

  // The BitLinear scale unit: its inputs (beta) and results.
  output logic [16:0]                beta_man_o,
  output logic signed [ExpBits-1:0]  beta_exp_o,
  output logic                       bs_valid_o,
  input  logic                       bs_done_i,
  input  logic [16:0]                bs_scale_man_i,
  input  logic signed [ExpBits-1:0]  bs_scale_exp_i,
  input  logic [16:0]                bs_c_man_i,
  input  logic signed [ExpBits-1:0]  bs_c_exp_i,
  output logic [17*BatchLanes-1:0]   scale_man_o,   // lane k's at [17k +: 17]
  output logic [ExpBits*BatchLanes-1:0] scale_exp_o,
  output logic [16:0]                cq_man_o,
  output logic signed [ExpBits-1:0]  cq_exp_o,

  // The row-sum intake.
  output logic                       ig_clear_o,
  output logic                       ig_active_o,
  input  logic                       ig_done_i,

  // The vector writer.
  output logic                       wr_start_o,
  output mmfree_token_pkg::src_e     wr_src_o,
  input  logic                       wr_done_i,
  input  logic                       wr_done_seen_i,
  input  logic                       gmem_wr_done_i,   // the write engine's response ...
  input  logic                       gmem_wr_error_i,  // ... and its error

  // Weight ports.
  output logic [P-1:0]               ws_cmd_valid_o,
  input  logic [P-1:0]               ws_cmd_ready_i,
  input  logic [P-1:0]               ws_error_i,
  output logic                       pass_start_o,
  input  logic                       feeders_busy_i,
  output logic [P-1:0]               gate_open_o,
  input  logic [P-1:0]               array_fire_i
);

  typedef enum logic [5:0] {
    StIdle, StConst,
    StTokRead, StTokWait, StTokCheck, StStream, StLayer,
    StAttnNorm, StAttnLoop,
    StProjNorm, StProjLoop, StProjScale, StProjScaleWait, StProjLogits,
    StProjGrant, StProjSums, StProjLogitsWait, StProjNext,
    StHRead, StMlgru, StHWrite,
    StGNorm, StOgate, StMlpNorm, StMlpLoop, StGlu,
    StHeadNorm, StHeadLoop, StArgmax, StTokDone, StDone,
    // Waiting for a part: the vector writer, an element loop.
    StWrite, StLoop,
    // Lanes: the slots zeroed lane by lane; the MLGRU's next lane.
    StZero, StZeroNext, StHNext
  } state_e;

  localparam int unsigned AxiErr = mmfree_reg_pkg::StatusAxiErrorBit;

  state_e                    state_q, state_d, ret_q, ret_d;
  mmfree_token_pkg::matrix_e mx_q, mx_d;
  logic [31:0]               tok_idx_q, tok_idx_d;     // t
  logic [31:0]               layer_q, layer_d;         // l
  logic [3:0]                lane_q, lane_d;           // the lane worked on
  logic [31:0]               status_q, status_d;
  logic [P-1:0]              ws_pending_q, ws_pending_d;
  logic                      wr_logits_q, wr_logits_d; // this token's logits are written
  logic [16:0]               beta_man_q, beta_man_d, cq_man_q, cq_man_d;
  logic signed [ExpBits-1:0] beta_exp_q, beta_exp_d, cq_exp_q, cq_exp_d;
  logic [16:0]               scale_man_q [BatchLanes];
  logic signed [ExpBits-1:0] scale_exp_q [BatchLanes];
  logic                      scale_we;                 // the scale unit's result for lane_q

  logic more_lanes;   // lanes after lane_q run in this pass
  assign more_lanes = (5'(lane_q) + 5'd1 < num_lanes_i);
  logic [CountBits*P-1:0]    budget_q, budget_d;       // each port's beats still to pass its gate

  // ---- The current matrix ----
  logic [31:0]          mx_cols, mx_rows;
  logic [CountBits-1:0] mx_beats;
  always_comb begin
    mx_cols  = (mx_q == mmfree_token_pkg::MxDown) ? ni_i : d_i;
    mx_beats = (mx_q == mmfree_token_pkg::MxDown) ? beats_i_i : beats_d_i;
    unique case (mx_q)
      mmfree_token_pkg::MxGate: mx_rows = 2 * ni_i;
      mmfree_token_pkg::MxHead: mx_rows = nv_i;
      default:                  mx_rows = d_i;
    endcase
  end

  // F and G have a projection loop of their own; the others' p and amax came with the loop
  // before (attn norm -> I, output gate -> O, mlp norm -> Gate, GLU -> Down, final norm ->
  // lm_head).
  logic proj_fused;
  assign proj_fused = (mx_q != mmfree_token_pkg::MxF) && (mx_q != mmfree_token_pkg::MxG);

  logic write_logits;
  assign write_logits = !flags_i[mmfree_reg_pkg::FlagsNoLogitsBit] &&
                        (flags_i[mmfree_reg_pkg::FlagsAllLogitsBit] || tok_idx_q == num_tokens_i - 1);

  function automatic logic [CountBits-1:0] port_share(
      input mmfree_token_pkg::matrix_e m, input logic [CountBits-1:0] rd, input logic [CountBits-1:0] rg,
      input logic [CountBits-1:0] rv, input logic [CountBits-1:0] bd, input logic [CountBits-1:0] bi);
    logic [CountBits-1:0] rows;
    unique case (m)
      mmfree_token_pkg::MxGate: rows = rg;
      mmfree_token_pkg::MxHead: rows = rv;
      default:                  rows = rd;
    endcase
    port_share = rows * ((m == mmfree_token_pkg::MxDown) ? bi : bd);
  endfunction

  // ---- Commands to the parts (in the states that start them) ----
  logic pass_go;   // every port's stream command is taken and the feeders are idle
  assign pass_go     = (state_q == StStream) && (ws_pending_q == '0) && !feeders_busy_i;
  assign pf_start_o  = pass_go;
  // The beta and h / LB are taken once a pass, at lane 0.
  logic proj_go;   // StProjNorm may go on
  assign proj_go     = (proj_fused || n_avail_i) && (beta_avail_i || lane_q != '0);
  assign beta_pop_o  = (state_q == StProjNorm) && proj_go && (lane_q == '0);
  assign h_lb_take_o = (state_q == StHRead) && h_lb_ready_i && (lane_q == '0);
  assign tok_read_o  = (state_q == StTokRead);
  assign bs_valid_o  = (state_q == StProjScale);
  assign ig_clear_o  = (state_q == StProjGrant);
  assign ig_active_o = (state_q == StProjSums);

  always_comb begin
    lp_start_o          = 1'b1;
    lp_cmd_o.kind       = mmfree_token_pkg::LkNorm;
    lp_cmd_o.n          = d_i;
    lp_cmd_o.clear_ss   = 1'b1;
    lp_cmd_o.clear_amax = 1'b1;
    lp_cmd_o.src_x      = 1'b1;
    lp_cmd_o.down       = (mx_q == mmfree_token_pkg::MxDown);
    lp_cmd_o.bounded    = bounded_i;
    unique case (state_q)
      StAttnLoop, StHeadLoop: ;
      StMlpLoop: lp_cmd_o.src_x = 1'b0;
      StOgate:   lp_cmd_o.kind  = mmfree_token_pkg::LkOgate;
      StGlu: begin
        lp_start_o    = n_avail_i;
        lp_cmd_o.kind = mmfree_token_pkg::LkGlu;
        lp_cmd_o.n    = ni_i;
      end
      StProjLoop: begin
        lp_cmd_o.kind     = mmfree_token_pkg::LkProj;
        lp_cmd_o.n        = mx_cols;
        lp_cmd_o.clear_ss = 1'b0;
      end
      StProjScaleWait: begin
        lp_start_o          = bs_done_i;
        lp_cmd_o.kind       = mmfree_token_pkg::LkQuant;
        lp_cmd_o.n          = mx_cols;
        lp_cmd_o.clear_ss   = 1'b0;
        lp_cmd_o.clear_amax = 1'b0;
      end
      StMlgru: begin
        lp_cmd_o.kind       = mmfree_token_pkg::LkMlgru;
        lp_cmd_o.clear_ss   = 1'b0;
        lp_cmd_o.clear_amax = 1'b0;
      end
      default: lp_start_o = 1'b0;
    endcase
  end

  always_comb begin
    wr_start_o = 1'b0;
    wr_src_o   = mmfree_token_pkg::SrcZero;   // StConst: zero the state slot
    unique case (state_q)
      StConst: wr_start_o = nc_ready_i && lane_reset_i[0];
      StZero:  wr_start_o = lane_reset_i[lane_q];
      StProjLogits: begin
        wr_start_o = (mx_q == mmfree_token_pkg::MxHead) && write_logits && !more_lanes;   // once, after the last lane
        wr_src_o   = mmfree_token_pkg::SrcLogits;
      end
      StHWrite: begin
        wr_start_o = !(more_lanes && lane_chain_i[lane_q + 4'd1]);   // the chain goes on
        wr_src_o   = mmfree_token_pkg::SrcH;
      end
      StArgmax: begin
        wr_start_o = 1'b1;
        wr_src_o   = mmfree_token_pkg::SrcArgmax;
      end
      default: ;
    endcase
  end

  // ---- The sequence ----
  always_comb begin
    state_d      = state_q;
    ret_d        = ret_q;
    mx_d         = mx_q;
    tok_idx_d    = tok_idx_q;
    layer_d      = layer_q;
    lane_d       = lane_q;
    status_d     = status_q;
    wr_logits_d  = wr_logits_q;
    beta_man_d   = beta_man_q;
    beta_exp_d   = beta_exp_q;
    scale_we     = 1'b0;
    cq_man_d     = cq_man_q;
    cq_exp_d     = cq_exp_q;
    // Stream commands are accepted whenever the engines are ready; gates drain with the beats.
    ws_pending_d = ws_pending_q & ~ws_cmd_ready_i;
    budget_d     = budget_q;
    for (int unsigned p = 0; p < P; p++) begin
      if (array_fire_i[p]) budget_d[CountBits*p +: CountBits] = budget_q[CountBits*p +: CountBits] - 1'b1;
    end
    if (gmem_wr_done_i && gmem_wr_error_i) status_d[AxiErr] = 1'b1;
    if (rd_error_i) status_d[AxiErr] = 1'b1;

    unique case (state_q)
      StIdle: begin
        if (start_i) begin
          status_d  = '0;
          tok_idx_d = '0;
          if (num_tokens_i == 32'd0) begin
            status_d[mmfree_reg_pkg::StatusBadArgumentsBit] = 1'b1;
            state_d = StDone;
          end else begin
            state_d = StConst;
          end
        end
      end

      StConst: begin
        if (nc_ready_i) begin
          lane_d = '0;
          if (lane_reset_i[0]) begin
            ret_d   = (num_lanes_i == 5'd1) ? StTokRead : StZeroNext;
            state_d = StWrite;
          end else begin
            state_d = (num_lanes_i == 5'd1) ? StTokRead : StZeroNext;
          end
        end
      end
      // The other lanes' slots (lane 0's was zeroed in StConst).
      StZeroNext: begin
        if (more_lanes) begin
          lane_d  = lane_q + 4'd1;
          state_d = StZero;
        end else begin
          lane_d  = '0;
          state_d = StTokRead;
        end
      end
      StZero: begin   // (wr_start_o if the lane's bit is set)
        if (lane_reset_i[lane_q]) begin
          ret_d   = StZeroNext;
          state_d = StWrite;
        end else begin
          state_d = StZeroNext;
        end
      end

      StTokRead: state_d = StTokWait;   // the token id's read is issued (tok_read_o)
      StTokWait: if (rd_idle_i) state_d = StTokCheck;

      StTokCheck: begin
        if (status_q[AxiErr]) begin
          state_d = StDone;
        end else if (tok_bad_i) begin
          status_d[mmfree_reg_pkg::StatusBadTokenBit] = 1'b1;
          state_d = StDone;
        end else begin
          ws_pending_d = '1;
          state_d      = StStream;
        end
      end

      StStream: begin
        if (pass_go) begin   // (the prefetcher starts the token's reads)
          layer_d = '0;
          state_d = StLayer;
        end
      end

      StLayer: state_d = (layer_q == nl_i) ? StHeadNorm : StAttnNorm;

      // Token mixer input: p1 = x * attn_norm, with sums of squares.
      StAttnNorm: if (x_ready_i && n_avail2_i) state_d = StAttnLoop;
      StAttnLoop: begin   // (lp_start_o)
        mx_d    = mmfree_token_pkg::MxI;
        ret_d   = StProjNorm;
        state_d = StLoop;
      end

      // One BitLinear: its norm, its beta, p and amax, the scalars, q, the matrix.
      StProjNorm: begin
        if (proj_go) begin
          if (beta_pop_o) begin
            beta_man_d = beta_man_i;
            beta_exp_d = beta_exp_i;
          end
          state_d = proj_fused ? StProjScale : StProjLoop;
        end
      end
      StProjLoop: begin   // (lp_start_o)
        ret_d   = StProjScale;
        state_d = StLoop;
      end
      StProjScale: state_d = StProjScaleWait;  // bs_valid_o is high here
      StProjScaleWait: begin
        if (bs_done_i) begin
          scale_we    = 1'b1;
          cq_man_d    = bs_c_man_i;
          cq_exp_d    = (bs_c_man_i == '0) ? -ExpBits'(1) : bs_c_exp_i;  // amax 0: q = 0
          ret_d       = StProjLogits;   // (lp_start_o: the quantizer)
          state_d     = StLoop;
        end
      end
      StProjLogits: begin
        wr_logits_d = (mx_q == mmfree_token_pkg::MxHead) && write_logits;
        if (more_lanes) begin
          // The next lane's input to this matrix: from its loop before the quantizer on.
          lane_d = lane_q + 4'd1;
          unique case (mx_q)
            mmfree_token_pkg::MxI:    state_d = StAttnNorm;
            mmfree_token_pkg::MxO:    state_d = StGNorm;
            mmfree_token_pkg::MxGate: state_d = StMlpNorm;
            mmfree_token_pkg::MxDown: state_d = StGlu;
            mmfree_token_pkg::MxHead: state_d = StHeadNorm;
            default:                  state_d = StProjNorm;   // F, G: their projection loop
          endcase
        end else if (mx_q == mmfree_token_pkg::MxHead && write_logits) begin
          lane_d  = '0;
          ret_d   = StProjGrant;
          state_d = StWrite;
        end else begin
          lane_d  = '0;
          state_d = StProjGrant;
        end
      end
      StProjGrant: begin
        for (int unsigned p = 0; p < P; p++) begin
          budget_d[CountBits*p +: CountBits] = port_share(mx_q,
              port_rows_d_i[CountBits*p +: CountBits], port_rows_gate_i[CountBits*p +: CountBits],
              port_rows_vocab_i[CountBits*p +: CountBits], mx_beats, mx_beats);
        end
        state_d = StProjSums;   // the intake starts at row 0 (ig_clear_o)
      end
      StProjSums: if (ig_done_i) state_d = logits_o ? StProjLogitsWait : StProjNext;
      StProjLogitsWait: if (wr_done_seen_i) state_d = StProjNext;
      StProjNext: begin
        unique case (mx_q)
          mmfree_token_pkg::MxI:    begin mx_d = mmfree_token_pkg::MxF; state_d = StProjNorm; end
          mmfree_token_pkg::MxF:    begin mx_d = mmfree_token_pkg::MxG; state_d = StProjNorm; end
          mmfree_token_pkg::MxG:    state_d = StHRead;
          mmfree_token_pkg::MxO:    state_d = StMlpNorm;
          mmfree_token_pkg::MxGate: state_d = StGlu;
          mmfree_token_pkg::MxDown: begin layer_d = layer_q + 1'b1; state_d = StLayer; end
          default:                  state_d = StArgmax;
        endcase
      end

      // MLGRU: h[l] from the slot, LB[l], the update, h[l] back to the slot.
      StHRead: if (h_lb_ready_i || lane_q != '0) state_d = StMlgru;   // (taken at lane 0)
      StMlgru: begin   // (lp_start_o)
        ret_d   = StHWrite;
        state_d = StLoop;
      end
      StHWrite: begin   // (wr_start_o unless the next lane continues the chain)
        if (!more_lanes) begin
          lane_d  = '0;
          ret_d   = StGNorm;
          state_d = StWrite;
        end else if (wr_start_o) begin
          ret_d   = StHNext;
          state_d = StWrite;
        end else begin
          state_d = StHNext;
        end
      end
      StHNext: begin
        lane_d  = lane_q + 4'd1;
        state_d = StHRead;
      end

      // Output gate input: p1 = g * g_norm * silu(h).
      StGNorm: if (n_avail2_i) state_d = StOgate;
      StOgate: begin   // (lp_start_o)
        mx_d    = mmfree_token_pkg::MxO;
        ret_d   = StProjNorm;
        state_d = StLoop;
      end

      // Channel mixer: p1 = r * mlp_norm; the GLU.
      StMlpNorm: if (n_avail2_i) state_d = StMlpLoop;
      StMlpLoop: begin   // (lp_start_o)
        mx_d    = mmfree_token_pkg::MxGate;
        ret_d   = StProjNorm;
        state_d = StLoop;
      end
      StGlu: begin
        if (n_avail_i) begin   // (lp_start_o)
          mx_d    = mmfree_token_pkg::MxDown;
          ret_d   = StProjNorm;
          state_d = StLoop;
        end
      end

      // Head: p1 = x * final_norm, then the lm_head.
      StHeadNorm: if (n_avail2_i) state_d = StHeadLoop;
      StHeadLoop: begin   // (lp_start_o)
        mx_d    = mmfree_token_pkg::MxHead;
        ret_d   = StProjNorm;
        state_d = StLoop;
      end
      StArgmax: begin   // (wr_start_o)
        ret_d   = StTokDone;
        state_d = StWrite;
      end
      StTokDone: begin
        if (|ws_error_i) status_d[AxiErr] = 1'b1;
        tok_idx_d = tok_idx_q + 1'b1;
        state_d   = (tok_idx_q + 1 == num_tokens_i || status_q[AxiErr] || (|ws_error_i)) ? StDone : StTokRead;
      end
      StDone: state_d = StIdle;

      // A part's command ends (it started the cycle before).
      StWrite: if (wr_done_i) state_d = ret_q;
      StLoop:  if (lp_done_i) state_d = ret_q;

      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= StIdle;
      ret_q        <= StIdle;
      mx_q         <= mmfree_token_pkg::MxI;
      tok_idx_q    <= '0;
      layer_q      <= '0;
      lane_q       <= '0;
      status_q     <= '0;
      ws_pending_q <= '0;
      wr_logits_q  <= 1'b0;
      beta_man_q   <= '0;
      beta_exp_q   <= '0;
      for (int unsigned k = 0; k < BatchLanes; k++) begin
        scale_man_q[k] <= '0;
        scale_exp_q[k] <= '0;
      end
      cq_man_q     <= '0;
      cq_exp_q     <= '0;
      budget_q     <= '0;
    end else begin
      state_q      <= state_d;
      ret_q        <= ret_d;
      mx_q         <= mx_d;
      tok_idx_q    <= tok_idx_d;
      layer_q      <= layer_d;
      lane_q       <= lane_d;
      status_q     <= status_d;
      ws_pending_q <= ws_pending_d;
      wr_logits_q  <= wr_logits_d;
      beta_man_q   <= beta_man_d;
      beta_exp_q   <= beta_exp_d;
      for (int unsigned k = 0; k < BatchLanes; k++) begin
        if (scale_we && lane_q == 4'(k)) begin
          scale_man_q[k] <= bs_scale_man_i;
          scale_exp_q[k] <= bs_scale_exp_i;
        end
      end
      cq_man_q     <= cq_man_d;
      cq_exp_q     <= cq_exp_d;
      budget_q     <= budget_d;
    end
  end

  // ---- Outputs ----
  always_comb begin
    for (int unsigned p = 0; p < P; p++) begin
      gate_open_o[p]    = (budget_q[CountBits*p +: CountBits] != '0);
      ws_cmd_valid_o[p] = ws_pending_q[p];
    end
  end
  assign pass_start_o = pass_go;
  assign nc_start_o   = (state_q == StIdle) && start_i;
  assign done_o       = (state_q == StDone);
  assign status_o     = status_q;
  // A token counts as completed only without an AXI error (the golden kernel's `tokens`).
  assign token_done_o = (state_q == StTokDone) && !status_q[AxiErr] && !(|ws_error_i);
  assign mx_o         = mx_q;
  assign tok_idx_o    = tok_idx_q;
  assign layer_o      = layer_q;
  assign lane_o       = lane_q;
  assign lane_last_o  = !more_lanes;
  assign mx_rows_o    = mx_rows;
  assign logits_o     = (mx_q == mmfree_token_pkg::MxHead) && wr_logits_q;
  assign beta_man_o   = beta_man_q;
  assign beta_exp_o   = beta_exp_q;
  always_comb begin
    for (int unsigned k = 0; k < BatchLanes; k++) begin
      scale_man_o[17*k +: 17]           = scale_man_q[k];
      scale_exp_o[ExpBits*k +: ExpBits] = scale_exp_q[k];
    end
  end
  assign cq_man_o     = cq_man_q;
  assign cq_exp_o     = cq_exp_q;

`ifndef SYNTHESIS
  // Checked out of reset (sva_on: the reset through a net of its own, as Verilator flags a
  // flop's asynchronous reset used synchronously in `disable iff`).
  logic sva_on;
  assign sva_on = rst_ni;
  a_known: assert property (@(posedge clk_i) disable iff (!sva_on)
    !$isunknown({done_o, ws_cmd_valid_o, pass_start_o, lp_start_o, wr_start_o, tok_read_o}));
  // A weight stream command stays offered until its engine takes it. (No check that a port
  // fires only through an open gate: outside token mode the ports stream past these gates.)
  for (genvar p = 0; p < P; p++) begin : g_sva_port
    a_ws_held: assert property (@(posedge clk_i) disable iff (!sva_on)
      ws_cmd_valid_o[p] && !ws_cmd_ready_i[p] |=> ws_cmd_valid_o[p]);
  end
  // Parts are started one command at a time: only from the schedule's own states.
  a_one_part: assert property (@(posedge clk_i) disable iff (!sva_on) !(lp_start_o && wr_start_o));
`endif

endmodule
