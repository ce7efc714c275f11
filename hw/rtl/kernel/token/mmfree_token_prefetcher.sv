// The token engine's prefetcher: issues every parameter and state read of a token to the
// vector reader, in the order the sequence uses them, as soon as the buffer each goes to has
// room, and keeps the betas (a FIFO of converted scalars, and a cache of the last beta read's
// raw beats).
//
// The read engine is otherwise idle while loops run and row sums come back, so all vectors are
// read ahead, one after another:
// - the norm vectors (9 per layer, then the final and lm_head norms) go round-robin into the
//   four slots of the n buffer (slot: the vector's number mod 4); vector k is read once vector
//   k - 4 is consumed;
// - the betas go into a 4-deep FIFO, taken when a BitLinear starts; a beta read also fetches
//   the layer's later betas (at most two beats), which are then taken from the beta cache
//   without a read;
// - h[l] and LB[l] into their own buffers once the previous layer is done with them (h: one
//   read per lane, each into its lane's region; ready once all have arrived);
// - the embedding rows into x at the start of the pass, one per lane.
// The parameters (norm vectors, betas, LB) are read once a pass, whatever the lanes.
// Items of a layer: 0 attn_norm, 1 I norm, 2 beta I, 3 F norm, 4 beta F, 5 G norm, 6 beta G,
// 7 h, 8 LB, 9 g_norm, 10 O norm, 11 beta O, 12 mlp_norm, 13 Gate norm, 14 beta Gate,
// 15 Down norm, 16 beta Down; of the head (layer nl_i): 0 final norm, 1 lm_head norm, 2 beta.
//
// Contract:
// - start_i (one cycle, no read of the previous token outstanding) starts a pass of
//   num_lanes_i lanes (1 .. 16, held while it runs): items (emb, lane 0 .. K - 1) first, then
//   layer 0 item 0 on (item 7, h, once per lane). The next item is item_emb_o / item_layer_o /
//   item_index_o / item_lane_o; its address and length come back combinationally on item_addr_i / item_n_i
//   (the engine's memory layout lives in the engine's top, not here).
// - An item is issued (issue_o with cmd_o) when its buffer has room and the reader may take it
//   (rd_idle_i or rd_can_queue_i); a beta found in the beta cache is pushed without a read,
//   but only once no earlier beta read waits for its first beat (rd_beta_busy_i), so that betas
//   enter their FIFO in order.
// - The reader's beats (rd_*) fill the beta FIFO and cache; its done_o (rd_done_i) marks a
//   vector loaded.
// - The sequence consumes: n_consume_i norm vectors (0, 1 or 2, at a loop's end), beta_pop_i
//   (the FIFO's head, beta_man_o / beta_exp_o, while beta_avail_o), h_lb_take_i (h and LB, while
//   h_lb_ready_o), h_free_i / lb_free_i (their last reader is done). It waits on n_avail_o
//   (a norm vector loaded and not consumed), n_avail2_o (two), x_ready_o (the embedding row).
module mmfree_token_prefetcher #(
  parameter int unsigned DataWidth = 512,
  parameter int unsigned ExpBits   = 10,
  // Derived; not meant to be overridden.
  parameter int unsigned Lanes     = DataWidth / 32,
  parameter int unsigned LaneBits  = $clog2(Lanes),
  parameter int unsigned BeatBytes = DataWidth / 8
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  input  logic                        start_i,
  input  logic [31:0]                 nl_i,
  input  logic [4:0]                  num_lanes_i,

  output logic                        item_emb_o,
  output logic [31:0]                 item_layer_o,
  output logic [4:0]                  item_index_o,
  output logic [3:0]                  item_lane_o,
  input  logic [63:0]                 item_addr_i,
  input  logic [31:0]                 item_n_i,

  // The vector reader.
  output logic                        issue_o,
  output mmfree_token_pkg::rd_cmd_t   cmd_o,
  input  logic                        rd_idle_i,
  input  logic                        rd_can_queue_i,
  input  logic                        rd_beta_busy_i,
  input  logic                        rd_rx_i,
  input  logic [31:0]                 rd_rx_beat_i,
  input  logic [DataWidth-1:0]        rd_rx_data_i,
  input  logic [31:0]                 rd_first_word_i,
  input  mmfree_token_pkg::dst_e      rd_dst_i,
  input  logic [63:0]                 rd_addr_i,
  input  logic                        rd_done_i,

  // The sequence.
  input  logic [1:0]                  n_consume_i,
  input  logic                        beta_pop_i,
  input  logic                        h_lb_take_i,
  input  logic                        h_free_i,
  input  logic                        lb_free_i,
  output logic                        n_avail_o,
  output logic                        n_avail2_o,
  output logic [1:0]                  n_cons_o,      // norm vectors consumed, mod 4
  output logic                        beta_avail_o,
  output logic [16:0]                 beta_man_o,
  output logic signed [ExpBits-1:0]   beta_exp_o,
  output logic                        h_lb_ready_o,
  output logic                        x_ready_o
);

  localparam int unsigned NSlots = 4;

  typedef enum logic [2:0] {PkX, PkN, PkBeta, PkH, PkLb} pf_kind_e;
  typedef enum logic [1:0] {BufFree, BufLoading, BufReady, BufInUse} buf_state_e;

  logic        on_q, emb_q;
  logic [31:0] l_q;
  logic [4:0]  i_q;
  logic [3:0]  lane_q;                                // the lane of an emb or h item
  logic [4:0]  x_loaded_q, h_loaded_q;                // rows of x / h arrived this pass / layer
  logic        lane_last;
  logic [31:0] n_issued_q, n_loaded_q, n_cons_q;      // norm vectors of this token
  logic [31:0] b_issued_q, b_pushed_q, b_popped_q;    // betas of this token
  buf_state_e  h_st_q, lb_st_q;
  logic        x_ready_q;
  logic [16:0]               bq_man_q [NSlots];
  logic signed [ExpBits-1:0] bq_exp_q [NSlots];

  logic head;
  assign head = (l_q == nl_i);
  assign lane_last = (5'(lane_q) + 5'd1 == num_lanes_i);

  pf_kind_e kind;
  always_comb begin
    kind = PkN;
    if (emb_q) begin
      kind = PkX;
    end else if (head) begin
      if (i_q == 5'd2) kind = PkBeta;
    end else begin
      unique case (i_q)
        5'd2, 5'd4, 5'd6, 5'd11, 5'd14, 5'd16: kind = PkBeta;
        5'd7:    kind = PkH;
        5'd8:    kind = PkLb;
        default: kind = PkN;
      endcase
    end
  end

  mmfree_token_pkg::dst_e dst;
  always_comb begin
    unique case (kind)
      PkX:     dst = mmfree_token_pkg::DstX;
      PkN:     dst = mmfree_token_pkg::DstN;
      PkBeta:  dst = mmfree_token_pkg::DstBeta;
      PkH:     dst = mmfree_token_pkg::DstH;
      default: dst = mmfree_token_pkg::DstLb;
    endcase
  end

  // ---- Beta cache: the beats of the last beta read ----
  // A gmem read is a whole round trip, so the six betas of a layer are read with one command
  // and kept here, raw, until the next token.
  logic [2*DataWidth-1:0] bc_data_q;
  logic [63:0]            bc_base_q;    // address of its first beat
  logic [1:0]             bc_valid_q;   // which of its two beats hold data
  logic [63:0]            item_beat;
  logic                   bc_hit_lo, bc_hit_hi, beta_hit;
  logic [31:0]            bc_word;
  assign item_beat = item_addr_i & ~(64'(BeatBytes) - 64'd1);
  assign bc_hit_lo = bc_valid_q[0] && (item_beat == bc_base_q);
  assign bc_hit_hi = bc_valid_q[1] && (item_beat == bc_base_q + 64'(BeatBytes));
  assign beta_hit  = (kind == PkBeta) && (bc_hit_lo || bc_hit_hi);
  assign bc_word   = bc_data_q[(bc_hit_hi ? DataWidth : 0) + 32 * item_addr_i[2 +: LaneBits] +: 32];

  // The betas' converter: a beta arriving now, else one from the beta cache. A beta read
  // pushes at its first beat; cache hits are held off until then, so the two never want the
  // converter in the same cycle.
  logic                      beta_rx_first;
  logic [16:0]               conv_man;
  logic signed [ExpBits-1:0] conv_exp;
  assign beta_rx_first = rd_rx_i && (rd_dst_i == mmfree_token_pkg::DstBeta) && (rd_rx_beat_i == '0);
  float_to_sf #(.ExpBits(ExpBits)) u_to_sf (
    .float_i(beta_rx_first ? rd_first_word_i : bc_word), .man_o(conv_man), .exp_o(conv_exp));

  logic room, issue, hit_push, last_item;
  always_comb begin
    unique case (kind)
      PkN:     room = (n_issued_q - n_cons_q) < NSlots;
      PkBeta:  room = (b_issued_q - b_popped_q) < NSlots;
      PkH:     room = (h_st_q == BufFree) || (lane_q != '0);   // lanes after the first continue
      PkLb:    room = (lb_st_q == BufFree);
      default: room = 1'b1;
    endcase
  end
  // (A read is not queued behind the token id's read: the sequence runs that one while the
  // prefetcher is off. Nor in the cycle the current read ends: the reader is idle in the next.)
  assign issue     = on_q && room && (beta_hit ? !rd_beta_busy_i : (rd_idle_i || rd_can_queue_i));
  assign hit_push  = issue && beta_hit;
  assign last_item = head && !emb_q && (i_q == 5'd2);

  assign issue_o = issue && !beta_hit;
  assign cmd_o.dst  = dst;
  assign cmd_o.slot = n_issued_q[1:0];   // the slot of a norm vector: its number mod 4
  assign cmd_o.lane = lane_q;
  assign cmd_o.addr = item_addr_i;
  assign cmd_o.n    = item_n_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      on_q       <= 1'b0;
      emb_q      <= 1'b0;
      l_q        <= '0;
      i_q        <= '0;
      lane_q     <= '0;
      x_loaded_q <= '0;
      h_loaded_q <= '0;
      n_issued_q <= '0;
      n_loaded_q <= '0;
      n_cons_q   <= '0;
      b_issued_q <= '0;
      b_pushed_q <= '0;
      b_popped_q <= '0;
      bc_data_q  <= '0;
      bc_base_q  <= '0;
      bc_valid_q <= '0;
      h_st_q     <= BufFree;
      lb_st_q    <= BufFree;
      x_ready_q  <= 1'b0;
      for (int unsigned k = 0; k < NSlots; k++) begin
        bq_man_q[k] <= '0;
        bq_exp_q[k] <= '0;
      end
    end else begin
      // What the reader brings.
      if (beta_rx_first) begin
        bq_man_q[b_pushed_q[1:0]] <= conv_man;
        bq_exp_q[b_pushed_q[1:0]] <= conv_exp;
        b_pushed_q <= b_pushed_q + 1'b1;
        bc_data_q[DataWidth-1:0] <= rd_rx_data_i;
        bc_base_q  <= rd_addr_i & ~(64'(BeatBytes) - 64'd1);
        bc_valid_q <= 2'b01;
      end
      if (rd_rx_i && rd_rx_beat_i == 32'd1 && rd_dst_i == mmfree_token_pkg::DstBeta) begin
        bc_data_q[2*DataWidth-1:DataWidth] <= rd_rx_data_i;
        bc_valid_q[1] <= 1'b1;
      end
      if (rd_done_i) begin
        unique case (rd_dst_i)
          mmfree_token_pkg::DstN:  n_loaded_q <= n_loaded_q + 1'b1;
          mmfree_token_pkg::DstH: begin
            h_loaded_q <= h_loaded_q + 5'd1;
            if (h_loaded_q + 5'd1 == num_lanes_i) h_st_q <= BufReady;
          end
          mmfree_token_pkg::DstLb: lb_st_q    <= BufReady;
          mmfree_token_pkg::DstX: begin
            x_loaded_q <= x_loaded_q + 5'd1;
            if (x_loaded_q + 5'd1 == num_lanes_i) x_ready_q <= 1'b1;
          end
          default: ;
        endcase
      end

      // The next item.
      if (hit_push) begin
        // From the beta cache: no read (every earlier beta read has pushed).
        bq_man_q[b_pushed_q[1:0]] <= conv_man;
        bq_exp_q[b_pushed_q[1:0]] <= conv_exp;
        b_pushed_q <= b_pushed_q + 1'b1;
        b_issued_q <= b_issued_q + 1'b1;
      end else if (issue) begin
        unique case (kind)
          PkN:     n_issued_q <= n_issued_q + 1'b1;
          PkBeta:  b_issued_q <= b_issued_q + 1'b1;
          PkH: begin
            if (lane_q == '0) begin
              h_st_q     <= BufLoading;
              h_loaded_q <= '0;
            end
          end
          PkLb:    lb_st_q    <= BufLoading;
          default: ;
        endcase
      end
      if (issue) begin
        if ((emb_q || kind == PkH) && !lane_last) begin
          lane_q <= lane_q + 4'd1;   // the same item for the next lane
        end else if (emb_q) begin
          emb_q  <= 1'b0;
          lane_q <= '0;
        end else if (last_item) begin
          on_q <= 1'b0;
        end else if (!head && i_q == 5'd16) begin
          i_q <= '0;
          l_q <= l_q + 1'b1;
        end else begin
          i_q    <= i_q + 1'b1;
          lane_q <= '0;
        end
      end

      // The sequence's side.
      if (start_i) begin
        on_q       <= 1'b1;
        emb_q      <= 1'b1;
        l_q        <= '0;
        i_q        <= '0;
        lane_q     <= '0;
        x_loaded_q <= '0;
        n_issued_q <= '0;
        n_loaded_q <= '0;
        n_cons_q   <= '0;
        b_issued_q <= '0;
        b_pushed_q <= '0;
        b_popped_q <= '0;
        bc_valid_q <= '0;   // the parameters may change between commands
        h_st_q     <= BufFree;
        lb_st_q    <= BufFree;
        x_ready_q  <= 1'b0;
      end
      if (beta_pop_i) b_popped_q <= b_popped_q + 1'b1;
      if (h_lb_take_i) begin
        h_st_q  <= BufInUse;
        lb_st_q <= BufInUse;
      end
      if (n_consume_i != '0) n_cons_q <= n_cons_q + 32'(n_consume_i);
      if (h_free_i) h_st_q <= BufFree;
      if (lb_free_i) lb_st_q <= BufFree;
    end
  end

  assign item_emb_o   = emb_q;
  assign item_layer_o = l_q;
  assign item_index_o = i_q;
  assign item_lane_o  = lane_q;
  assign n_avail_o    = (n_loaded_q != n_cons_q);
  assign n_avail2_o   = (n_loaded_q - n_cons_q) >= 2;
  assign n_cons_o     = n_cons_q[1:0];
  assign beta_avail_o = (b_pushed_q != b_popped_q);
  assign beta_man_o   = bq_man_q[b_popped_q[1:0]];
  assign beta_exp_o   = bq_exp_q[b_popped_q[1:0]];
  assign h_lb_ready_o = (h_st_q == BufReady) && (lb_st_q == BufReady);
  assign x_ready_o    = x_ready_q;

`ifndef SYNTHESIS
  // Checked out of reset (sva_on: the reset through a net of its own, as Verilator flags a
  // flop's asynchronous reset used synchronously in `disable iff`).
  logic sva_on;
  assign sva_on = rst_ni;
  a_issue_known: assert property (@(posedge clk_i) disable iff (!sva_on) !$isunknown({issue_o, beta_avail_o}));
  // The FIFOs: the beta FIFO is never pushed when full nor popped when empty; no more norm
  // vectors are consumed than loaded, nor read ahead than there are slots.
  a_beta_pop_nonempty: assert property (@(posedge clk_i) disable iff (!sva_on) beta_pop_i |-> beta_avail_o);
  a_beta_push_room: assert property (@(posedge clk_i) disable iff (!sva_on)
    beta_rx_first || hit_push |-> (b_pushed_q - b_popped_q) < NSlots);
  a_n_consume_loaded: assert property (@(posedge clk_i) disable iff (!sva_on)
    32'(n_consume_i) <= n_loaded_q - n_cons_q);
  a_n_slots: assert property (@(posedge clk_i) disable iff (!sva_on) n_issued_q - n_cons_q <= NSlots);
  a_h_lb_take_ready: assert property (@(posedge clk_i) disable iff (!sva_on) h_lb_take_i |-> h_lb_ready_o);
`endif

endmodule
