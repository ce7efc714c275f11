// The token engine's vector writer: puts a vector out on the gmem write engine, one beat per
// cycle, and packs the logits the row-sum intake hands it into beats.
//
// Contract:
// - start_i (one cycle, only while idle: busy_o low) takes cmd_i: write cmd_i.n 32-bit words
//   at byte address cmd_i.addr (4-byte aligned; the beats cover it from its 64-byte beat on,
//   with byte strobes only on the vector's words) from cmd_i.src:
//   SrcZero: zeros; SrcArgmax: lane e's argmax (argmax_i[32e +: 32]) in word e; SrcH: the h buffer, word c of the vector
//   being element c (h_raddr_o / h_rdata_i, a registered read: the word addressed in one
//   cycle is on h_rdata_i in the next; the writer drives h_raddr_o while h_own_o is high);
//   SrcLogits: only the command: the beats come later from logit_* (below).
// - The command goes out on wr_cmd_* (valid held until ready, address and beats stable); then
//   one beat per cycle on wr_in_* (valid held until ready, data and strobes stable), out of a
//   one-beat output register.
// - done_o is high in exactly one cycle per command: when the command is taken (SrcLogits);
//   when the last beat is pushed into the output register (SrcH: nothing in a token reads h
//   back, and the next command waits for the write engine anyway); otherwise once the write
//   engine has reported the command done (wr_done_i). done_seen_o says whether wr_done_i came
//   since the last command was taken (the logits' end).
// - Logits: while idle, each cycle with logit_take_i ORs logit_word_i / logit_lanes_i into the
//   beat being packed; with logit_last_i as well, the packed beat is pushed. The intake only
//   takes rows while can_push_o (the output register is free or being emptied).
// - Logits of several lanes (num_lanes_i = K > 1): the intake hands the lanes' groups in turn
//   (logit_lane_i), so each lane's beat is packed on its own and the rows cannot be one
//   sequential write. SrcLogits then starts a lanes mode (done_o one cycle later; busy_o until
//   the end): every packed beat is written with a command of its own, at lane k's row
//   (cmd_i.addr + k * the logit stride of cmd_i.n words) beat j (the lanes' beats complete in
//   turn, lane K - 1's ending beat j); done_seen_o rises, and the writer is idle again, once all
//   K rows' beats are answered.
module mmfree_token_vector_writer #(
  parameter int unsigned DataWidth = 512,
  parameter int unsigned CountBits = 32,
  parameter int unsigned BatchLanes = 1,
  // Derived; not meant to be overridden.
  parameter int unsigned Lanes     = DataWidth / 32,
  parameter int unsigned LaneBits  = $clog2(Lanes)
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  input  logic                        start_i,
  input  mmfree_token_pkg::wr_cmd_t   cmd_i,
  output logic                        busy_o,
  output logic                        done_o,
  output logic                        done_seen_o,
  input  logic [4:0]                  num_lanes_i,

  // Sources.
  input  logic [32*BatchLanes-1:0]    argmax_i,
  output logic                        h_own_o,
  output logic [31:0]                 h_raddr_o,
  input  logic [DataWidth-1:0]        h_rdata_i,

  // Logits from the row-sum intake.
  output logic                        can_push_o,
  input  logic                        logit_take_i,
  input  logic                        logit_last_i,
  input  logic [3:0]                  logit_lane_i,
  input  logic [DataWidth-1:0]        logit_word_i,
  input  logic [Lanes-1:0]            logit_lanes_i,

  // The gmem write engine.
  output logic                        wr_cmd_valid_o,
  input  logic                        wr_cmd_ready_i,
  output logic [63:0]                 wr_cmd_addr_o,
  output logic [CountBits-1:0]        wr_cmd_beats_o,
  output logic                        wr_in_valid_o,
  input  logic                        wr_in_ready_i,
  output logic [DataWidth-1:0]        wr_in_data_o,
  output logic [DataWidth/8-1:0]      wr_in_strb_o,
  input  logic                        wr_done_i
);

  localparam int unsigned BeatBytesW = DataWidth / 8;

  typedef enum logic [2:0] {WrIdle, WrCmd, WrData, WrWait, WrLanesStart, WrLanes} wr_state_e;

  wr_state_e                 state_q, state_d;
  mmfree_token_pkg::wr_cmd_t cmd_q;
  logic [31:0]               j_q;          // beats pushed
  logic                      done_seen_q;
  logic [DataWidth-1:0]      prev_q;       // the previous word of h (the funnel's other half)
  logic [DataWidth-1:0]      pk_beat_q;    // logits packed so far
  logic [Lanes-1:0]          pk_strb_q;
  logic                      out_valid_q;
  logic [DataWidth-1:0]      out_data_q;
  logic [Lanes-1:0]          out_words_q;
  // Lanes mode: each lane's beat being packed, the beat index, the output beat's address and
  // whether its command went out, the beats answered.
  logic [DataWidth-1:0]      lk_beat_q [BatchLanes];
  logic [Lanes-1:0]          lk_strb_q [BatchLanes];
  logic [31:0]               lk_j_q, lk_answered_q;
  logic [63:0]               out_addr_q;
  logic                      out_sent_q;
  logic                      lanes_mode;
  logic [63:0]               lk_stride;
  logic [31:0]               lk_total;   // beats of all K rows
  assign lanes_mode = (state_q == WrLanes);
  assign lk_stride  = (64'(cmd_q.n) * 64'd4 + 64'd63) & ~64'd63;
  assign lk_total   = ((cmd_q.n + 32'(Lanes - 1)) >> LaneBits) * 32'(num_lanes_i);

  logic [LaneBits-1:0] off;
  logic [31:0]         beats;
  logic                last;
  assign off   = cmd_q.addr[2 +: LaneBits];
  assign beats = (32'(off) + cmd_q.n + 32'(Lanes - 1)) >> LaneBits;
  assign last  = (j_q == beats - 1);

  assign can_push_o = lanes_mode ? !out_valid_q : (!out_valid_q || wr_in_ready_i);

  // Lane k's packed beat so far (lanes mode).
  logic [DataWidth-1:0] lk_cur_beat;
  logic [Lanes-1:0]     lk_cur_strb;
  always_comb begin
    lk_cur_beat = lk_beat_q[0];
    lk_cur_strb = lk_strb_q[0];
    for (int unsigned k = 1; k < BatchLanes; k++) begin
      if (logit_lane_i == 4'(k)) begin
        lk_cur_beat = lk_beat_q[k];
        lk_cur_strb = lk_strb_q[k];
      end
    end
  end

  // The argmax words: element e of the write is lane e's.
  logic [DataWidth-1:0] argmax_beat;
  always_comb begin
    argmax_beat = '0;
    for (int unsigned w = 0; w < Lanes; w++) begin
      for (int unsigned e = 0; e < BatchLanes; e++) begin
        if (j_q * Lanes + w == 32'(off) + e) argmax_beat[32*w +: 32] = argmax_i[32*e +: 32];
      end
    end
  end

  // h: beat j is word j from lane 0 at word off, below it word j - 1's high lanes. The word for
  // the next beat is addressed one cycle ahead.
  logic [2*DataWidth-1:0] window;
  assign window = {h_rdata_i, prev_q} >> (32 * (Lanes - 32'(off)));
  logic unused_window;
  assign unused_window = ^window[2*DataWidth-1:DataWidth];
  assign h_own_o   = (state_q == WrCmd) || (state_q == WrData);
  assign h_raddr_o = (state_q == WrData) ? (can_push_o ? j_q + 1 : j_q) : '0;

  logic                 push;
  logic [DataWidth-1:0] push_data;
  logic [Lanes-1:0]     push_words;
  always_comb begin
    push       = 1'b0;
    push_data  = '0;
    push_words = '0;
    if (state_q == WrData && can_push_o) begin
      push = 1'b1;
      for (int unsigned w = 0; w < Lanes; w++) begin
        push_words[w] = (j_q * Lanes + w >= 32'(off)) && (j_q * Lanes + w < 32'(off) + cmd_q.n);
      end
      unique case (cmd_q.src)
        mmfree_token_pkg::SrcH:      push_data = window[DataWidth-1:0];
        mmfree_token_pkg::SrcArgmax: push_data = argmax_beat;
        default:                     push_data = '0;
      endcase
    end else if (logit_take_i && logit_last_i) begin
      push       = 1'b1;
      push_data  = (lanes_mode ? lk_cur_beat : pk_beat_q) | logit_word_i;
      push_words = (lanes_mode ? lk_cur_strb : pk_strb_q) | logit_lanes_i;
    end
  end

  always_comb begin
    state_d = state_q;
    done_o  = 1'b0;
    unique case (state_q)
      WrIdle: begin
        if (start_i) begin
          state_d = (cmd_i.src == mmfree_token_pkg::SrcLogits && num_lanes_i > 5'd1) ? WrLanesStart : WrCmd;
        end
      end
      WrLanesStart: begin
        state_d = WrLanes;
        done_o  = 1'b1;
      end
      WrLanes: if (lk_answered_q == lk_total) state_d = WrIdle;
      WrCmd: begin
        if (wr_cmd_ready_i) begin
          state_d = (cmd_q.src == mmfree_token_pkg::SrcLogits) ? WrIdle : WrData;
          done_o  = (cmd_q.src == mmfree_token_pkg::SrcLogits);
        end
      end
      WrData: begin
        if (push && last) begin
          state_d = (cmd_q.src == mmfree_token_pkg::SrcH) ? WrIdle : WrWait;
          done_o  = (cmd_q.src == mmfree_token_pkg::SrcH);
        end
      end
      WrWait: begin
        if (done_seen_q) begin
          state_d = WrIdle;
          done_o  = 1'b1;
        end
      end
      default: state_d = WrIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= WrIdle;
      cmd_q       <= '0;
      j_q         <= '0;
      done_seen_q <= 1'b0;
      prev_q      <= '0;
      pk_beat_q   <= '0;
      pk_strb_q   <= '0;
      out_valid_q <= 1'b0;
      out_data_q  <= '0;
      out_words_q <= '0;
      for (int unsigned k = 0; k < BatchLanes; k++) begin
        lk_beat_q[k] <= '0;
        lk_strb_q[k] <= '0;
      end
      lk_j_q        <= '0;
      lk_answered_q <= '0;
      out_addr_q    <= '0;
      out_sent_q    <= 1'b0;
    end else begin
      state_q <= state_d;
      if (state_q == WrIdle && start_i) cmd_q <= cmd_i;
      if (wr_done_i && !lanes_mode) done_seen_q <= 1'b1;
      if (state_q == WrCmd && wr_cmd_ready_i) begin
        j_q         <= '0;
        done_seen_q <= 1'b0;
      end
      if (state_q == WrData && push) j_q <= j_q + 1'b1;

      if (wr_in_valid_o && wr_in_ready_i) out_valid_q <= 1'b0;
      // Lanes mode: each beat's own command, then its data.
      if (state_q == WrLanesStart) begin
        done_seen_q   <= 1'b0;
        lk_j_q        <= '0;
        lk_answered_q <= '0;
        out_sent_q    <= 1'b0;
        for (int unsigned k = 0; k < BatchLanes; k++) begin
          lk_beat_q[k] <= '0;
          lk_strb_q[k] <= '0;
        end
      end
      if (lanes_mode) begin
        if (wr_cmd_valid_o && wr_cmd_ready_i) out_sent_q <= 1'b1;
        if (wr_in_valid_o && wr_in_ready_i) out_sent_q <= 1'b0;
        if (wr_done_i) begin
          lk_answered_q <= lk_answered_q + 1'b1;
          if (lk_answered_q + 1'b1 == lk_total) done_seen_q <= 1'b1;
        end
        if (logit_take_i) begin
          for (int unsigned k = 0; k < BatchLanes; k++) begin
            if (logit_lane_i == 4'(k)) begin
              lk_beat_q[k] <= logit_last_i ? '0 : (lk_beat_q[k] | logit_word_i);
              lk_strb_q[k] <= logit_last_i ? '0 : (lk_strb_q[k] | logit_lanes_i);
            end
          end
          if (logit_last_i) begin
            out_addr_q <= cmd_q.addr + 64'(logit_lane_i) * lk_stride + 64'(lk_j_q) * 64'(BeatBytesW);
            if (5'(logit_lane_i) + 5'd1 == num_lanes_i) lk_j_q <= lk_j_q + 1'b1;
          end
        end
      end
      if (push) begin
        out_valid_q <= 1'b1;
        out_data_q  <= push_data;
        out_words_q <= push_words;
        prev_q      <= h_rdata_i;
      end
      if (state_q == WrCmd) begin
        pk_beat_q <= '0;
        pk_strb_q <= '0;
      end else if (logit_take_i) begin
        if (logit_last_i) begin
          pk_beat_q <= '0;
          pk_strb_q <= '0;
        end else begin
          pk_beat_q <= pk_beat_q | logit_word_i;
          pk_strb_q <= pk_strb_q | logit_lanes_i;
        end
      end
    end
  end

  assign busy_o         = (state_q != WrIdle);
  assign done_seen_o    = done_seen_q;
  assign wr_cmd_valid_o = (state_q == WrCmd) || (lanes_mode && out_valid_q && !out_sent_q);
  assign wr_cmd_addr_o  = lanes_mode ? out_addr_q : (cmd_q.addr & ~64'd63);
  assign wr_cmd_beats_o = lanes_mode ? CountBits'(1) : CountBits'(beats);
  assign wr_in_valid_o  = out_valid_q && (!lanes_mode || out_sent_q);
  assign wr_in_data_o   = out_data_q;
  always_comb begin
    for (int unsigned b = 0; b < DataWidth / 8; b++) wr_in_strb_o[b] = out_words_q[b / 4];
  end

`ifndef SYNTHESIS
  // Handshakes: the write engine sees AXI-style valid/ready; the sequence starts one command at
  // a time; logits come only while idle and only when they can be pushed. Checked out of reset
  // (sva_on: the reset through a net of its own, as Verilator flags a flop's asynchronous reset
  // used synchronously in `disable iff`).
  logic sva_on;
  assign sva_on = rst_ni;
  a_valid_known: assert property (@(posedge clk_i) disable iff (!sva_on)
    !$isunknown({wr_cmd_valid_o, wr_in_valid_o, busy_o, done_o}));
  a_cmd_held: assert property (@(posedge clk_i) disable iff (!sva_on)
    wr_cmd_valid_o && !wr_cmd_ready_i |=> wr_cmd_valid_o);
  a_cmd_stable: assert property (@(posedge clk_i) disable iff (!sva_on)
    wr_cmd_valid_o && !wr_cmd_ready_i |=> $stable(wr_cmd_addr_o) && $stable(wr_cmd_beats_o));
  a_data_held: assert property (@(posedge clk_i) disable iff (!sva_on)
    wr_in_valid_o && !wr_in_ready_i |=> wr_in_valid_o);
  a_data_stable: assert property (@(posedge clk_i) disable iff (!sva_on)
    wr_in_valid_o && !wr_in_ready_i |=> $stable(wr_in_data_o) && $stable(wr_in_strb_o));
  a_start_idle: assert property (@(posedge clk_i) disable iff (!sva_on) start_i |-> !busy_o);
  a_logits_idle: assert property (@(posedge clk_i) disable iff (!sva_on)
    logit_take_i |-> can_push_o && (!busy_o || lanes_mode));
`endif

endmodule
