// Token mode of mmfree_kernel (docs/device.md, "One start command" steps 3-5 and "The per-token
// schedule"): a vector micro-sequencer that runs the golden kernel's token pass
// (host/src/device/golden_token_pass.cpp, docs/numerics.md section 5) Lanes = DataWidth / 32
// elements per cycle.
//
// It owns the gmem read and write engines, the weight-port stream commands, the activation
// buffers' write port and the row sums while the sequencer is in token mode. Per token it reads
// the token id, starts every weight port's stream for the whole token, and walks the phases.
//
// Every vector buffer is an mmfree_lane_ram: element c in lane bank c mod Lanes at word c / Lanes,
// read one whole word (Lanes elements) per cycle with a registered read. The engine is made of
// parts (hw/rtl/kernel/token/, each with its contract in its header and its own testbench in
// tests/kernel_parts/; the commands between them are the packed structs of mmfree_token_pkg):
// - mmfree_token_schedule: the per-token sequence (a _d/_q state machine) that starts the others;
// - mmfree_token_vector_reader: one gmem beat per cycle, realigned by a two-beat funnel so that
//   lane b holds the elements c with c mod Lanes == b, converted by replicated shifters;
// - mmfree_token_prefetcher: every parameter and state vector of the token read ahead, in the
//   order the sequence uses them (the read engine is idle while loops run and row sums return),
//   a layer's six betas in one read, kept in a small beta cache;
// - mmfree_token_buffers: the lane RAMs and their writers;
// - mmfree_token_element_loop: a two-stage pipeline (issue the word address, then compute Lanes
//   elements through replicated datapath units and write back), with per-cycle reduction trees
//   into the exact accumulators of docs/numerics.md 3.10; the projection p = p1 * norm of I, O,
//   Gate and the lm_head runs inside the norm or output-gate loop before it, Down's inside the
//   GLU loop (only F and G keep their own loop);
// - mmfree_token_row_intake: up to min(P, Lanes) consecutive row sums per cycle (row r from port
//   r mod P; a group never crosses a word of the destination buffer), scaled by replicated
//   apply_scale_a units, written (with the residual, one cycle later) into the lane banks;
// - mmfree_token_vector_writer: h to the state slot, zeroing a slot, the argmax and the logits,
//   one beat per cycle.
// This top holds what is not a part's: the descriptor's fields and the memory layout (every
// address the engine reads or writes is computed here, from the descriptor and the arguments),
// the norm constants and the BitLinear scale unit, and the wiring.
//
// Lanes (BatchLanes = B; a command runs K = num_lanes_i of them): each weight port applies every
// beat to B activation vectors, so one weight pass runs one token on each of K lanes. Every
// token-sized vector has a region per lane in the buffers; the schedule runs each element-wise
// step lane by lane (its lane_o), each lane's quantizer into its own activation buffer of every
// port, and the row intake takes the lanes' sums of a group in turn. Lane k reads its token at
// tokens[t][k], its state from lane_slot k (a lane whose slot is lane k - 1's continues that
// chain: its MLGRU takes h from lane k - 1's region), and writes argmax[t][k] and logits row k
// (or t*K + k). Parameters (norm vectors, betas, LB) are read once a pass.
//
// Each BitLinear quantizes its input into the activation buffers, opens every port's beat gate
// for exactly its share of the matrix, and scales the row sums as they come back. Weight streams
// prefetch on their own; a port's feeder only waits at the gate until its matrix's activations
// are written.
module mmfree_token_engine #(
  parameter int unsigned NumWeightPorts  = 1,
  parameter int unsigned MaxHidden       = mmfree_contract_pkg::MaxHidden,
  parameter int unsigned MaxIntermediate = mmfree_contract_pkg::MaxIntermediate,
  parameter int unsigned BatchLanes      = mmfree_contract_pkg::BatchLanes,
  parameter int unsigned DataWidth       = 512,
  parameter int unsigned CountBits       = 32,
  // Derived; not meant to be overridden.
  parameter int unsigned P          = NumWeightPorts,
  parameter int unsigned LaneIdxBits = BatchLanes > 1 ? $clog2(BatchLanes) : 1
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,

  input  logic                    start_i,       // one cycle: run the command's tokens
  output logic                    done_o,        // one cycle
  output logic [31:0]             status_o,      // valid with done_o
  output logic                    token_done_o,  // one cycle per completed token

  // Latched arguments and the descriptor (bytes 128 .. 255 of the image).
  input  logic [63:0]             params_i,
  input  logic [63:0]             state_i,
  input  logic [63:0]             io_i,
  input  logic [31:0]             num_tokens_i,
  input  logic [31:0]             num_lanes_i,   // K (checked at accept: 1 .. BatchLanes)
  input  logic [31:0]             lane_reset_i,
  input  logic [32*BatchLanes-1:0] lane_slots_i,
  input  logic [31:0]             flags_i,
  input  mmfree_contract_pkg::desc_t desc_i,

  // Each port's share of the matrices (from the sequencer).
  input  logic [CountBits-1:0]    beats_d_i,
  input  logic [CountBits-1:0]    beats_i_i,
  input  logic [CountBits*P-1:0]  port_rows_d_i,
  input  logic [CountBits*P-1:0]  port_rows_gate_i,
  input  logic [CountBits*P-1:0]  port_rows_vocab_i,

  // gmem reads.
  output logic                    rd_cmd_valid_o,
  input  logic                    rd_cmd_ready_i,
  output logic [63:0]             rd_cmd_addr_o,
  output logic [CountBits-1:0]    rd_cmd_beats_o,
  input  logic                    rd_valid_i,
  output logic                    rd_ready_o,
  input  logic [DataWidth-1:0]    rd_data_i,
  input  logic                    rd_error_i,

  // gmem writes.
  output logic                    wr_cmd_valid_o,
  input  logic                    wr_cmd_ready_i,
  output logic [63:0]             wr_cmd_addr_o,
  output logic [CountBits-1:0]    wr_cmd_beats_o,
  output logic                    wr_in_valid_o,
  input  logic                    wr_in_ready_i,
  output logic [DataWidth-1:0]    wr_in_data_o,
  output logic [DataWidth/8-1:0]  wr_in_strb_o,
  input  logic                    wr_done_i,
  input  logic                    wr_error_i,

  // Weight ports: stream commands (address and length from the sequencer), feeders, gates.
  output logic [P-1:0]            ws_cmd_valid_o,
  input  logic [P-1:0]            ws_cmd_ready_i,
  input  logic [P-1:0]            ws_error_i,
  output logic                    pass_start_o,
  input  logic                    feeders_busy_i,
  output logic [P-1:0]            gate_open_o,
  input  logic [P-1:0]            array_fire_i,

  // Row sums of the ternary arrays.
  input  logic [P*BatchLanes-1:0]    sum_valid_i,   // lane k, port p at [k*P + p]
  output logic [P*BatchLanes-1:0]    sum_ready_o,
  input  logic [32*P*BatchLanes-1:0] sum_i,

  // Activation buffers: gmem-beat-sized words of qd (sel 0) or qi (sel 1).
  output logic                    q_wr_o,
  output logic                    q_wr_sel_o,
  output logic [CountBits-1:0]    q_wr_index_o,
  output logic [LaneIdxBits-1:0]  q_wr_lane_o,
  output logic [DataWidth-1:0]    q_wr_data_o
);


  localparam int unsigned ExpBits   = 10;
  localparam int unsigned Lanes     = DataWidth / 32;   // 16 elements per cycle
  localparam int unsigned QBytes    = DataWidth / 8;    // 64 activations per q word
  localparam int unsigned MaxVec    = MaxHidden > MaxIntermediate ? MaxHidden : MaxIntermediate;
  localparam int unsigned HWords    = (MaxHidden + Lanes - 1) / Lanes;
  localparam int unsigned VWords    = (MaxVec + Lanes - 1) / Lanes;
  localparam int unsigned HLA       = HWords * BatchLanes > 1 ? $clog2(HWords * BatchLanes) : 1;
  localparam int unsigned VA        = VWords > 1 ? $clog2(VWords) : 1;   // ... of any vector
  localparam int unsigned SsBits    = 76;                // exact sums of squares
  localparam logic [31:0] E40       = 32'd1099512;       // round(1e-6f * 2^40)

  // ---- Descriptor fields (hw/contract: the one description of the descriptor) ---------------
  logic [31:0] d, nl, ni, nv, vsd, vsi, eps, dflags;
  logic [63:0] emb_off, lb_off, lb_stride, final_off, lmh_off, betas_off;
  assign d         = desc_i.hidden_size;
  assign nl        = desc_i.num_layers;
  assign ni        = desc_i.intermediate_size;
  assign nv        = desc_i.vocab_size;
  assign vsd       = desc_i.vector_stride_d;
  assign vsi       = desc_i.vector_stride_i;
  assign emb_off   = desc_i.embeddings_offset;
  assign lb_off    = desc_i.layer_block_offset;
  assign lb_stride = desc_i.layer_block_stride;
  assign final_off = desc_i.final_norm_offset;
  assign lmh_off   = desc_i.lm_head_norm_offset;
  assign betas_off = desc_i.betas_offset;
  assign eps       = desc_i.rms_norm_eps;
  assign dflags    = desc_i.flags;

  logic unused_desc;
  assign unused_desc = ^{desc_i.row_stride_d, desc_i.row_stride_i, desc_i.weights_offset,
                         desc_i.weights_bytes, desc_i.layer_weights_stride, desc_i.weight_encoding,
                         desc_i.reserved, dflags[31:1]};

  // ---- Command-level layout (hw/contract: the state-slot and io layouts) -------------------------
  // The lanes: K, which lane continues the one before (a chain), each lane's slot (the slot of
  // the lane an address is for is chosen first, then multiplied out: one multiplier for the
  // prefetcher's reads, one for the writer's).
  logic [4:0]  nk;
  logic [15:0] lane_chain, lane_reset;
  assign nk = 5'(num_lanes_i);
  always_comb begin
    lane_chain = '0;
    lane_reset = '0;
    for (int unsigned k = 0; k < BatchLanes; k++) begin
      lane_reset[k] = lane_reset_i[k];
      if (k > 0) lane_chain[k] = (lane_slots_i[32*k +: 32] == lane_slots_i[32*(k-1) +: 32]);
    end
  end
  logic unused_lanes;   // (checked at accept: K <= BatchLanes, no reset bit past them)
  assign unused_lanes = ^{num_lanes_i[31:5], lane_reset_i[31:BatchLanes]};

  function automatic logic [31:0] lane_slot(input logic [32*BatchLanes-1:0] slots, input logic [3:0] k);
    logic [31:0] v;
    v = slots[31:0];
    for (int unsigned j = 1; j < BatchLanes; j++) if (k == 4'(j)) v = slots[32*j +: 32];
    lane_slot = v;
  endfunction

  logic [63:0] slot_bytes, pf_slot_addr, wr_slot_addr;
  logic [3:0]  pf_lane, wr_lane_q;
  assign slot_bytes   = mmfree_contract_pkg::state_slot_bytes(64'(nl), 64'(d));
  assign pf_slot_addr = state_i + mmfree_contract_pkg::state_slot_offset(64'(lane_slot(lane_slots_i, pf_lane)), 64'(nl), 64'(d));
  assign wr_slot_addr = state_i + mmfree_contract_pkg::state_slot_offset(64'(lane_slot(lane_slots_i, wr_lane)), 64'(nl), 64'(d));

  // ---- Norm constants ----------------------------------------------------------------------------
  logic                      nc_start, nc_ready;
  logic [63:0]               ne2_d, ne1_i;
  logic [16:0]               c_d_man, c_i_man;
  logic signed [ExpBits-1:0] c_d_exp, c_i_exp;

  mmfree_token_norm_constants #(.ExpBits(ExpBits)) u_constants (
    .clk_i, .rst_ni,
    .start_i(nc_start), .hidden_i(d), .inter_i(ni), .eps_i(eps), .ready_o(nc_ready),
    .ne2_d_o(ne2_d), .ne1_i_o(ne1_i), .c_d_man_o(c_d_man), .c_d_exp_o(c_d_exp), .c_i_man_o(c_i_man),
    .c_i_exp_o(c_i_exp)
  );

  // ---- Schedule (token/mmfree_token_schedule.sv) ---------------------------------------------------
  // The per-token sequence; it starts the parts below and waits for them.
  mmfree_token_pkg::matrix_e   mx;
  logic [31:0]                 tok_idx, layer, tok, mx_rows;
  logic [3:0]                  lane, wr_lane;
  logic                        lane_last;
  logic                        logits_now, tok_read, lp_start, wr_start, bs_valid_in, ig_clear, ig_active;
  mmfree_token_pkg::loop_cmd_t lp_cmd;
  mmfree_token_pkg::src_e      wr_src;
  logic [16:0]               beta_man, scale_man, cq_man;
  logic signed [ExpBits-1:0] beta_exp, scale_exp, cq_exp;
  logic [17*BatchLanes-1:0]      lane_scale_man;
  logic [ExpBits*BatchLanes-1:0] lane_scale_exp;


  // ---- Vector reader (token/mmfree_token_vector_reader.sv) ---------------------------------------
  // It runs beside the sequence: the prefetcher below issues every read of a token, the
  // sequence only the token id's (while the prefetcher is off).
  logic                       ld_issue, ld_idle, ld_can_queue, ld_beta_busy;
  mmfree_token_pkg::rd_cmd_t  ld_cmd;
  logic                       ld_we, ld_rx, ld_done, ld_error;
  logic [31:0]                ld_waddr_full, ld_rx_beat, rd_first_word;
  logic [VA-1:0]              ld_waddr;
  logic [DataWidth-1:0]       ld_word, ld_as_a, ld_as_g, ld_rx_data;
  mmfree_token_pkg::dst_e     ld_dst;
  logic [1:0]                 ld_slot;
  logic [3:0]                 ld_lane;
  logic [63:0]                ld_addr;

  mmfree_token_vector_reader #(.DataWidth(DataWidth), .CountBits(CountBits)) u_reader (
    .clk_i, .rst_ni,
    .issue_i(ld_issue), .cmd_i(ld_cmd), .idle_o(ld_idle), .can_queue_o(ld_can_queue),
    .beta_busy_o(ld_beta_busy), .rd_cmd_valid_o, .rd_cmd_ready_i, .rd_cmd_addr_o, .rd_cmd_beats_o,
    .rd_valid_i, .rd_ready_o, .rd_data_i, .rd_error_i, .we_o(ld_we), .waddr_o(ld_waddr_full),
    .word_o(ld_word), .as_a_o(ld_as_a), .as_g_o(ld_as_g), .dst_o(ld_dst), .slot_o(ld_slot), .lane_o(ld_lane),
    .addr_o(ld_addr), .rx_o(ld_rx), .rx_beat_o(ld_rx_beat), .rx_data_o(ld_rx_data),
    .rx_first_word_o(rd_first_word), .done_o(ld_done), .error_o(ld_error)
  );
  assign ld_waddr = VA'(ld_waddr_full);
  logic unused_ld;
  assign unused_ld = ^ld_waddr_full[31:VA];

  // ---- Prefetcher (token/mmfree_token_prefetcher.sv) ---------------------------------------------
  // It walks the token's items (layer 0 .. nl - 1, then the head) and reads each ahead; where
  // each item lies in memory is said here, with the rest of the layout.
  logic        pf_emb, pf_head, pf_start, pf_issue, pf_beta_pop, pf_h_lb_take, pf_h_free, pf_lb_free;
  logic [31:0] pf_l;
  logic [4:0]  pf_i;
  logic [3:0]  pf_item_lane;
  logic [1:0]  pf_n_consume, pf_n_cons;
  mmfree_token_pkg::rd_cmd_t pf_cmd;
  logic        n_avail, n_avail2, beta_avail, h_lb_ready, x_ready;
  logic [16:0]               pf_beta_man;
  logic signed [ExpBits-1:0] pf_beta_exp;

  logic [63:0] pf_block;
  assign pf_block = params_i + lb_off + 64'(pf_l) * lb_stride;
  assign pf_head  = (pf_l == nl);

  // Item (pf_emb, pf_l, pf_i): its address and length.
  logic [63:0] pf_addr;
  logic [31:0] pf_n;
  logic [63:0] pf_beta_k;
  always_comb begin
    pf_addr = pf_block;
    pf_n    = d;
    // Beta k of a layer (I, F, G, O, Gate, Down), then the lm_head's.
    unique case (pf_i)
      5'd2:    pf_beta_k = 64'd0;
      5'd4:    pf_beta_k = 64'd1;
      5'd6:    pf_beta_k = 64'd2;
      5'd11:   pf_beta_k = 64'd3;
      5'd14:   pf_beta_k = 64'd4;
      default: pf_beta_k = 64'd5;
    endcase
    if (pf_emb) begin
      pf_addr = params_i + emb_off + 64'(tok) * 64'(d) * 64'd4;   // (tok: pf_lane's)
    end else if (pf_head) begin
      unique case (pf_i)
        5'd0:    pf_addr = params_i + final_off;
        5'd1:    pf_addr = params_i + lmh_off;
        default: begin pf_addr = params_i + betas_off + 64'd4 * 64'(nl) * 64'd6; pf_n = 32'd1; end
      endcase
    end else begin
      unique case (pf_i)
        5'd0:  pf_addr = pf_block;
        5'd1:  pf_addr = pf_block + 64'd1 * 64'(vsd);
        5'd3:  pf_addr = pf_block + 64'd2 * 64'(vsd);
        5'd5:  pf_addr = pf_block + 64'd3 * 64'(vsd);
        5'd7:  pf_addr = pf_slot_addr + 64'(pf_l) * 64'(d) * 64'd4;
        5'd8:  pf_addr = pf_block + 64'd8 * 64'(vsd) + 64'(vsi);
        5'd9:  pf_addr = pf_block + 64'd4 * 64'(vsd);
        5'd10: pf_addr = pf_block + 64'd5 * 64'(vsd);
        5'd12: pf_addr = pf_block + 64'd6 * 64'(vsd);
        5'd13: pf_addr = pf_block + 64'd7 * 64'(vsd);
        5'd15: begin pf_addr = pf_block + 64'd8 * 64'(vsd); pf_n = ni; end
        default: begin   // the betas: 2, 4, 6, 11, 14, 16
          pf_addr = params_i + betas_off + 64'd4 * (64'(pf_l) * 64'd6 + pf_beta_k);
          // A beta read also fetches the layer's later betas (they follow it in the table, at
          // most two beats in all): they are then taken from the beta cache without a read.
          pf_n    = 32'd6 - 32'(pf_beta_k);
        end
      endcase
    end
  end

  assign pf_lane = pf_item_lane;

  mmfree_token_prefetcher #(.DataWidth(DataWidth), .ExpBits(ExpBits)) u_prefetcher (
    .clk_i, .rst_ni,
    .start_i(pf_start), .nl_i(nl), .num_lanes_i(nk), .item_emb_o(pf_emb), .item_layer_o(pf_l),
    .item_index_o(pf_i), .item_lane_o(pf_item_lane),
    .item_addr_i(pf_addr), .item_n_i(pf_n), .issue_o(pf_issue), .cmd_o(pf_cmd), .rd_idle_i(ld_idle),
    .rd_can_queue_i(ld_can_queue), .rd_beta_busy_i(ld_beta_busy), .rd_rx_i(ld_rx),
    .rd_rx_beat_i(ld_rx_beat), .rd_rx_data_i(ld_rx_data), .rd_first_word_i(rd_first_word),
    .rd_dst_i(ld_dst), .rd_addr_i(ld_addr), .rd_done_i(ld_done), .n_consume_i(pf_n_consume),
    .beta_pop_i(pf_beta_pop), .h_lb_take_i(pf_h_lb_take), .h_free_i(pf_h_free),
    .lb_free_i(pf_lb_free), .n_avail_o(n_avail), .n_avail2_o(n_avail2), .n_cons_o(pf_n_cons),
    .beta_avail_o(beta_avail), .beta_man_o(pf_beta_man), .beta_exp_o(pf_beta_exp),
    .h_lb_ready_o(h_lb_ready), .x_ready_o(x_ready)
  );

  // The reader's reads: the prefetcher's, else the token id's (the prefetcher is off between
  // tokens: the reader is free).
  assign ld_issue = pf_issue || tok_read;
  // (Struct fields are assigned one by one: Yosys 0.23 reads no named assignment patterns.)
  always_comb begin
    ld_cmd = pf_cmd;
    if (tok_read) begin
      ld_cmd.dst  = mmfree_token_pkg::DstTok;
      ld_cmd.slot = '0;
      ld_cmd.lane = '0;
      ld_cmd.addr = io_i + 64'(tok_idx) * 64'(nk) * 64'd4;   // tokens[t][0 .. K - 1]
      ld_cmd.n    = 32'(nk);
    end
  end

  // The pass's token ids, taken from the read's beats: lane k's is word (o + k) of the read, o
  // its first word's place in beat 0; any of them >= V is a bad token.
  logic [31:0] tok_q [BatchLanes];
  logic        tok_bad;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned k = 0; k < BatchLanes; k++) tok_q[k] <= '0;
    end else if (ld_rx && ld_dst == mmfree_token_pkg::DstTok) begin
      for (int unsigned k = 0; k < BatchLanes; k++) begin
        if (ld_rx_beat == 32'((32'(ld_addr[5:2]) + k) >> 4)) begin
          tok_q[k] <= ld_rx_data[32 * ((32'(ld_addr[5:2]) + k) % 16) +: 32];
        end
      end
    end
  end
  always_comb begin
    tok_bad = 1'b0;
    tok     = tok_q[0];
    for (int unsigned k = 0; k < BatchLanes; k++) begin
      if (5'(k) < nk && tok_q[k] >= nv) tok_bad = 1'b1;
      if (pf_lane == 4'(k)) tok = tok_q[k];
    end
  end

  // What the loops give back to the prefetcher (the schedule gives the token's start, a
  // BitLinear's beta, h and LB taken by the MLGRU): at a loop's end, the norm vectors it read (a
  // norm or output-gate loop reads its own vector and the projection's); the last readers of h
  // and LB free them.
  // (With lanes: after the last lane's loop.)
  logic lp_done_all;
  assign lp_done_all  = lp_done && lane_last;
  assign pf_h_free    = lp_done_all && (lp_kind == mmfree_token_pkg::LkOgate);
  assign pf_lb_free   = lp_done_all && (lp_kind == mmfree_token_pkg::LkMlgru);
  always_comb begin
    pf_n_consume = 2'd0;
    if (lp_done_all && (lp_kind == mmfree_token_pkg::LkNorm || lp_kind == mmfree_token_pkg::LkOgate)) pf_n_consume = 2'd2;
    if (lp_done_all && (lp_kind == mmfree_token_pkg::LkProj || lp_kind == mmfree_token_pkg::LkGlu)) pf_n_consume = 2'd1;
  end

  // ---- Buffers (token/mmfree_token_buffers.sv) and the element loop (token/mmfree_token_element_loop.sv)
  logic [DataWidth-1:0] x_rd, r_rd, h_rd, f_rd, i_rd, g_rd, p1_rd, lb_rd, yg_rd, yu_rd, n_cur_rd, n_nxt_rd;
  logic [32*QBytes-1:0] p_rd;
  logic [HLA-1:0]       xr_ra, h_ra;
  logic [31:0]          lp_ra;

  logic                        lp_busy, lp_done, lp_wr;
  mmfree_token_pkg::loop_e     lp_kind;
  logic [31:0]                 lp_wa, amax;
  logic [DataWidth-1:0]        lp_h_new, lp_z, lp_p1, lp_p, lp_q;
  logic [SsBits-1:0]           ssa, ssb;   // sum p1^2 (or z^2), sum of the first norm's input^2

  mmfree_token_buffers #(.MaxHidden(MaxHidden), .MaxIntermediate(MaxIntermediate), .DataWidth(DataWidth),
                         .BatchLanes(BatchLanes)) u_buffers (
    .clk_i, .rst_ni,
    .rd_we_i(ld_we), .rd_dst_i(ld_dst), .rd_slot_i(ld_slot), .rd_lane_i(ld_lane), .rd_waddr_i(ld_waddr),
    .rd_word_i(ld_word), .rd_as_a_i(ld_as_a), .rd_as_g_i(ld_as_g), .ig_mx_i(mx), .ig_v_i(st_v),
    .ig_up_i(st_up), .ig_lane_i(st_lane), .ig_addr_i(st_addr), .ig_lanes_i(st_lanes), .ig_word_i(st_word),
    .ig_resid_i(st_resid), .lp_wr_i(lp_wr), .lp_lane_i(lane), .lp_kind_i(lp_kind), .lp_wa_i(VA'(lp_wa)),
    .lp_h_new_i(lp_h_new), .lp_z_i(lp_z), .lp_p1_i(lp_p1), .lp_p_i(lp_p), .lp_ra_i(lp_ra),
    .xr_ra_i(xr_ra), .h_ra_i(h_ra), .n_cons_i(pf_n_cons), .x_rd_o(x_rd), .r_rd_o(r_rd),
    .h_rd_o(h_rd), .f_rd_o(f_rd), .i_rd_o(i_rd), .g_rd_o(g_rd), .p1_rd_o(p1_rd), .lb_rd_o(lb_rd),
    .n_cur_rd_o(n_cur_rd), .n_nxt_rd_o(n_nxt_rd), .yg_rd_o(yg_rd), .yu_rd_o(yu_rd), .p_rd_o(p_rd)
  );

  mmfree_token_element_loop #(.DataWidth(DataWidth), .ExpBits(ExpBits), .SsBits(SsBits)) u_loop (
    .clk_i, .rst_ni,
    .start_i(lp_start), .cmd_i(lp_cmd), .busy_o(lp_busy), .done_o(lp_done), .cq_man_i(cq_man),
    .cq_exp_i(cq_exp), .ra_o(lp_ra), .x_rd_i(x_rd), .r_rd_i(r_rd), .h_rd_i(h_rd), .f_rd_i(f_rd),
    .i_rd_i(i_rd), .g_rd_i(g_rd), .p1_rd_i(p1_rd), .lb_rd_i(lb_rd), .n_cur_rd_i(n_cur_rd),
    .n_nxt_rd_i(n_nxt_rd), .yg_rd_i(yg_rd), .yu_rd_i(yu_rd), .p_rd_i(p_rd), .wr_o(lp_wr),
    .kind_o(lp_kind), .wa_o(lp_wa), .h_new_o(lp_h_new), .z_o(lp_z), .p1_o(lp_p1), .p_o(lp_p),
    .q_o(lp_q), .ssa_o(ssa), .ssb_o(ssb), .amax_o(amax)
  );
  logic unused_lp;   // the sequence starts a loop only where none runs
  assign unused_lp = lp_busy;

  // ---- BitLinear scalars ---------------------------------------------------------------------------
  logic [16:0]               c_n_man, k_man;
  logic signed [ExpBits-1:0] c_n_exp, k_exp;
  assign c_n_man = (mx == mmfree_token_pkg::MxDown) ? c_i_man : c_d_man;
  assign c_n_exp = (mx == mmfree_token_pkg::MxDown) ? c_i_exp : c_d_exp;
  sf_mul #(.ExpBits(ExpBits)) u_k (
    .a_man_i(beta_man), .a_exp_i(beta_exp), .b_man_i(c_n_man), .b_exp_i(c_n_exp),
    .man_o(k_man), .exp_o(k_exp)
  );

  logic                      bs_valid_out;
  logic [16:0]               bs_scale_man, bs_c_man;
  logic signed [ExpBits-1:0] bs_scale_exp, bs_c_exp;

  // Each lane's sums of squares from its attention norm, kept for F's and G's scale (the other
  // lanes' loops run in between); the other BitLinears' come from the loop just run.
  logic [SsBits-1:0] ssa_lane_q [BatchLanes];
  logic [SsBits-1:0] ssb_lane_q [BatchLanes];
  logic [SsBits-1:0] ssa_sel, ssb_sel;
  always_ff @(posedge clk_i) begin
    if (lp_kind == mmfree_token_pkg::LkNorm && mx == mmfree_token_pkg::MxI) begin
      for (int unsigned k = 0; k < BatchLanes; k++) begin
        if (lane == 4'(k)) begin
          ssa_lane_q[k] <= ssa;
          ssb_lane_q[k] <= ssb;
        end
      end
    end
  end
  always_comb begin
    ssa_sel = ssa;
    ssb_sel = ssb;
    if (mx == mmfree_token_pkg::MxF || mx == mmfree_token_pkg::MxG) begin
      for (int unsigned k = 0; k < BatchLanes; k++) begin
        if (lane == 4'(k)) begin
          ssa_sel = ssa_lane_q[k];
          ssb_sel = ssb_lane_q[k];
        end
      end
    end
  end

  bitlinear_scale_unit #(.SumBits(SsBits), .TBits(80), .ExpBits(ExpBits)) u_scale (
    .clk_i, .rst_ni,
    .stall_i(1'b0), .valid_i(bs_valid_in), .double_norm_i(mx != mmfree_token_pkg::MxDown),
    .ss_primary_i(ssa_sel), .ss_input_i(ssb_sel), .e40_i(E40),
    .ne_i((mx == mmfree_token_pkg::MxDown) ? ne1_i : ne2_d), .k_man_i(k_man), .k_exp_i(k_exp),
    .amax_i(amax), .valid_o(bs_valid_out), .scale_man_o(bs_scale_man), .scale_exp_o(bs_scale_exp),
    .c_man_o(bs_c_man), .c_exp_o(bs_c_exp)
  );

  // ---- Row-sum intake (token/mmfree_token_row_intake.sv) ------------------------------------------
  // Its groups go to the projection's buffer (stage 2: st_*), the logits to the writer; while it
  // runs, x and r are read at its destination word (the residuals).
  logic                 pk_can_push;

  mmfree_token_pkg::intake_cfg_t ig_cfg;
  assign ig_cfg.gate   = (mx == mmfree_token_pkg::MxGate);
  assign ig_cfg.head   = (mx == mmfree_token_pkg::MxHead);
  assign ig_cfg.logits = logits_now;
  assign ig_cfg.half   = ni;
  assign ig_cfg.rows   = mx_rows;

  logic                 take_any, ig_done, take_logits_last;
  logic [DataWidth-1:0] group_word;
  logic [Lanes-1:0]     group_lanes;
  logic [32*BatchLanes-1:0] argmax;
  logic [31:0]          ig_resid_ra;
  logic [3:0]           ig_lane, st_lane;
  logic                 st_v, st_up;
  logic [VA-1:0]        st_addr;
  logic [DataWidth-1:0] st_word, st_resid;
  logic [Lanes-1:0]     st_lanes;

  mmfree_token_row_intake #(.NumWeightPorts(NumWeightPorts), .DataWidth(DataWidth), .ExpBits(ExpBits),
                            .AddrBits(VA), .BatchLanes(BatchLanes)) u_intake (
    .clk_i, .rst_ni,
    .clear_i(ig_clear), .active_i(ig_active), .cfg_i(ig_cfg), .scale_man_i(scale_man),
    .scale_exp_i(scale_exp), .can_push_i(pk_can_push), .num_lanes_i(nk), .sum_valid_i, .sum_ready_o,
    .sum_i, .lane_o(ig_lane),
    .take_o(take_any), .done_o(ig_done), .logit_last_o(take_logits_last), .group_word_o(group_word),
    .group_lanes_o(group_lanes), .argmax_o(argmax), .resid_ra_o(ig_resid_ra),
    .resid_rd_i((mx == mmfree_token_pkg::MxO) ? x_rd : r_rd), .st_v_o(st_v), .st_lane_o(st_lane), .st_up_o(st_up),
    .st_addr_o(st_addr), .st_word_o(st_word), .st_resid_o(st_resid), .st_lanes_o(st_lanes)
  );

  // The intake's lane's scale; x and r at the intake's lane's residual word, or the loop's.
  always_comb begin
    scale_man = lane_scale_man[16:0];
    scale_exp = lane_scale_exp[ExpBits-1:0];
    for (int unsigned k = 1; k < BatchLanes; k++) begin
      if (ig_lane == 4'(k)) begin
        scale_man = lane_scale_man[17*k +: 17];
        scale_exp = lane_scale_exp[ExpBits*k +: ExpBits];
      end
    end
  end
  assign xr_ra = ig_active ? HLA'(32'(ig_lane) * HWords + ig_resid_ra) : HLA'(32'(lane) * HWords + lp_ra);

  // ---- Vector writer (token/mmfree_token_vector_writer.sv) ----------------------------------------
  // The schedule starts a write and waits for its end; where each source goes is the layout's.
  logic                      wr_busy, wr_done, wr_done_seen, wr_h_own;
  mmfree_token_pkg::wr_cmd_t wr_cmd;
  logic [31:0]               wr_h_ra;
  always_comb begin
    wr_cmd.src = wr_src;
    unique case (wr_src)
      mmfree_token_pkg::SrcLogits: begin
        wr_cmd.addr = io_i + mmfree_contract_pkg::io_logits_offset(64'(num_tokens_i), 64'(num_lanes_i), 64'(nv),
                      flags_i[mmfree_reg_pkg::FlagsAllLogitsBit] ? 64'(tok_idx) * 64'(nk) : 64'd0);
        wr_cmd.n    = nv;
      end
      mmfree_token_pkg::SrcH: begin
        wr_cmd.addr = wr_slot_addr + 64'(layer) * 64'(d) * 64'd4;
        wr_cmd.n    = d;
      end
      mmfree_token_pkg::SrcArgmax: begin
        wr_cmd.addr = io_i + mmfree_contract_pkg::io_argmax_offset(64'(num_tokens_i), 64'(num_lanes_i)) +
                      64'(tok_idx) * 64'(nk) * 64'd4;
        wr_cmd.n    = 32'(nk);
      end
      default: begin   // SrcZero: the state slot
        wr_cmd.addr = wr_slot_addr;
        wr_cmd.n    = 32'(slot_bytes >> 2);
      end
    endcase
  end

  // The writer's lane: the schedule's when a write starts, held while it runs (h is read from
  // that lane's region).
  assign wr_lane = wr_start ? lane : wr_lane_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)       wr_lane_q <= '0;
    else if (wr_start) wr_lane_q <= lane;
  end

  mmfree_token_vector_writer #(.DataWidth(DataWidth), .CountBits(CountBits), .BatchLanes(BatchLanes)) u_writer (
    .clk_i, .rst_ni,
    .start_i(wr_start), .cmd_i(wr_cmd), .busy_o(wr_busy), .done_o(wr_done),
    .done_seen_o(wr_done_seen), .num_lanes_i(nk), .argmax_i(argmax), .h_own_o(wr_h_own), .h_raddr_o(wr_h_ra),
    .h_rdata_i(h_rd), .can_push_o(pk_can_push), .logit_take_i(take_any && logits_now),
    .logit_last_i(take_logits_last), .logit_lane_i(ig_lane), .logit_word_i(group_word), .logit_lanes_i(group_lanes),
    .wr_cmd_valid_o, .wr_cmd_ready_i, .wr_cmd_addr_o, .wr_cmd_beats_o, .wr_in_valid_o,
    .wr_in_ready_i, .wr_in_data_o, .wr_in_strb_o, .wr_done_i
  );
  // h: the writer's word of its lane, or the loop's of its lane (the MLGRU of a lane that
  // continues a chain: of the lane before, whose h it updates).
  logic [3:0] h_lane;
  assign h_lane = (lp_kind == mmfree_token_pkg::LkMlgru && lane_chain[lane]) ? lane - 4'd1 : lane;
  assign h_ra = wr_h_own ? HLA'(32'(wr_lane_q) * HWords + wr_h_ra) : HLA'(32'(h_lane) * HWords + lp_ra);
  logic unused_wr;   // the sequence starts writes only where none runs
  assign unused_wr = wr_busy;

  // ---- The schedule's instance (its signals are declared above) ----------------------------------------
  mmfree_token_schedule #(.NumWeightPorts(NumWeightPorts), .CountBits(CountBits), .ExpBits(ExpBits),
                          .BatchLanes(BatchLanes)) u_schedule (
    .clk_i, .rst_ni,
    .start_i, .done_o, .status_o, .token_done_o, .num_tokens_i, .flags_i, .num_lanes_i(nk),
    .lane_reset_i(lane_reset), .lane_chain_i(lane_chain), .lane_o(lane), .lane_last_o(lane_last),
    .d_i(d), .ni_i(ni),
    .nl_i(nl), .nv_i(nv), .bounded_i(dflags[0] && (layer != 32'd0)), .beats_d_i, .beats_i_i,
    .port_rows_d_i, .port_rows_gate_i, .port_rows_vocab_i, .mx_o(mx), .tok_idx_o(tok_idx),
    .layer_o(layer), .mx_rows_o(mx_rows), .logits_o(logits_now), .nc_start_o(nc_start),
    .nc_ready_i(nc_ready), .tok_read_o(tok_read), .rd_idle_i(ld_idle),
    .tok_bad_i(tok_bad), .rd_error_i(ld_error), .pf_start_o(pf_start), .beta_pop_o(pf_beta_pop),
    .h_lb_take_o(pf_h_lb_take), .x_ready_i(x_ready), .n_avail_i(n_avail), .n_avail2_i(n_avail2),
    .beta_avail_i(beta_avail), .h_lb_ready_i(h_lb_ready), .beta_man_i(pf_beta_man),
    .beta_exp_i(pf_beta_exp), .lp_start_o(lp_start), .lp_cmd_o(lp_cmd), .lp_done_i(lp_done),
    .beta_man_o(beta_man), .beta_exp_o(beta_exp), .bs_valid_o(bs_valid_in),
    .bs_done_i(bs_valid_out), .bs_scale_man_i(bs_scale_man), .bs_scale_exp_i(bs_scale_exp),
    .bs_c_man_i(bs_c_man), .bs_c_exp_i(bs_c_exp), .scale_man_o(lane_scale_man), .scale_exp_o(lane_scale_exp),
    .cq_man_o(cq_man), .cq_exp_o(cq_exp), .ig_clear_o(ig_clear), .ig_active_o(ig_active),
    .ig_done_i(ig_done), .wr_start_o(wr_start), .wr_src_o(wr_src), .wr_done_i(wr_done),
    .wr_done_seen_i(wr_done_seen), .gmem_wr_done_i(wr_done_i), .gmem_wr_error_i(wr_error_i),
    .ws_cmd_valid_o, .ws_cmd_ready_i, .ws_error_i, .pass_start_o, .feeders_busy_i, .gate_open_o,
    .array_fire_i
  );

  // ---- Activation buffers: the quantizer's q words ---------------------------------------------------
  assign q_wr_sel_o   = (mx == mmfree_token_pkg::MxDown);
  assign q_wr_index_o = CountBits'(lp_wa);
  assign q_wr_lane_o  = LaneIdxBits'(lane);
  assign q_wr_data_o  = lp_q;
  assign q_wr_o       = lp_wr && lp_kind == mmfree_token_pkg::LkQuant;

endmodule
