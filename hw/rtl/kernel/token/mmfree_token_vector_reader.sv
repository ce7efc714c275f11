// The token engine's vector reader: reads a vector of 32-bit words from gmem on the read engine,
// one beat per cycle, realigned by a two-beat funnel so that element c of the vector lands in
// lane c mod Lanes of word c / Lanes of its buffer, converted for its destination.
//
// Contract:
// - issue_i with cmd_i (a rd_cmd_t): read cmd_i.n words at byte address cmd_i.addr (4-byte
//   aligned) into cmd_i.dst. Allowed while idle (idle_o: it becomes the current read) or, once,
//   while the current one is received (can_queue_o: it waits as the next read, whose command
//   goes out ahead so that reads overlap instead of each paying a round trip). Never behind a
//   DstTok read.
// - Commands go out on rd_cmd_* (valid held until ready, address and beats stable) in issue
//   order; the data is taken on rd_valid_i / rd_ready_o.
// - Vectors (every dst but DstBeta and DstTok): word k of the vector (elements Lanes*k ..) is
//   written once, in order, on we_o / waddr_o: raw in word_o, in format A (16 fraction bits)
//   in as_a_o, in format G (24 fraction bits, clamped to the gate range) in as_g_o; dst_o,
//   slot_o and lane_o say where. A vector that ends in its last beat's high lanes takes one cycle more.
// - Scalars and the beta cache see the beats themselves: rx_o (a beat taken), rx_beat_o (its
//   index), rx_data_o, rx_first_word_o (the word at the vector's address in beat 0).
// - done_o (one cycle): the current read's last word is written (or its last beat taken), with
//   dst_o its destination. error_o (one cycle): its last beat came with an error response.
// - beta_busy_o: a DstBeta read is waiting for its command or its first beat (the beta FIFO's
//   order depends on it).
module mmfree_token_vector_reader #(
  parameter int unsigned DataWidth = 512,
  parameter int unsigned CountBits = 32,
  // Derived; not meant to be overridden.
  parameter int unsigned Lanes     = DataWidth / 32,
  parameter int unsigned LaneBits  = $clog2(Lanes)
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  input  logic                        issue_i,
  input  mmfree_token_pkg::rd_cmd_t   cmd_i,
  output logic                        idle_o,
  output logic                        can_queue_o,
  output logic                        beta_busy_o,

  // The gmem read engine.
  output logic                        rd_cmd_valid_o,
  input  logic                        rd_cmd_ready_i,
  output logic [63:0]                 rd_cmd_addr_o,
  output logic [CountBits-1:0]        rd_cmd_beats_o,
  input  logic                        rd_valid_i,
  output logic                        rd_ready_o,
  input  logic [DataWidth-1:0]        rd_data_i,
  input  logic                        rd_error_i,

  // Vector words.
  output logic                        we_o,
  output logic [31:0]                 waddr_o,
  output logic [DataWidth-1:0]        word_o,
  output logic [DataWidth-1:0]        as_a_o,
  output logic [DataWidth-1:0]        as_g_o,
  output mmfree_token_pkg::dst_e      dst_o,
  output logic [1:0]                  slot_o,
  output logic [3:0]                  lane_o,
  output logic [63:0]                 addr_o,

  // Beats.
  output logic                        rx_o,
  output logic [31:0]                 rx_beat_o,
  output logic [DataWidth-1:0]        rx_data_o,
  output logic [31:0]                 rx_first_word_o,

  output logic                        done_o,
  output logic                        error_o
);

  typedef enum logic [1:0] {LdIdle, LdCmd, LdRx, LdFlush} ld_state_e;

  ld_state_e                 state_q;
  mmfree_token_pkg::rd_cmd_t cur_q;       // the read being received
  logic [31:0]               b_q;         // its beats received
  logic [DataWidth-1:0]      prev_q;      // the previous beat (the funnel's other half)
  // The next read, queued behind the one being received so that its command reaches the read
  // engine (which accepts a command once the previous one is requested) while the current data
  // still arrives.
  logic                      nx_v_q, nx_sent_q;
  mmfree_token_pkg::rd_cmd_t nx_q;

  // Word w of beat j holds element 16j + w - off. Output word k (elements 16k .. 16k+15) is
  // beat k from word off on, then beat k+1 below word off: written when beat k+1 arrives (or,
  // for off = 0, beat k itself when it arrives), and once more after the last beat when the
  // vector ends in the last beat's high words.
  logic [LaneBits-1:0] off;
  logic [31:0]         beats, words;
  logic                vector, last_beat, take;
  assign off       = cur_q.addr[2 +: LaneBits];
  assign beats     = (32'(off) + cur_q.n + 32'(Lanes - 1)) >> LaneBits;
  assign words     = (cur_q.n + 32'(Lanes - 1)) >> LaneBits;
  assign vector    = (cur_q.dst != mmfree_token_pkg::DstBeta) && (cur_q.dst != mmfree_token_pkg::DstTok);
  assign last_beat = (b_q == beats - 1);
  assign take      = (state_q == LdRx) && rd_valid_i;

  logic [DataWidth-1:0]   cur, window_lo;
  logic [2*DataWidth-1:0] window;
  assign cur       = (state_q == LdFlush) ? '0 : rd_data_i;
  assign window    = {cur, prev_q} >> (32 * off);
  assign window_lo = window[DataWidth-1:0];
  logic unused_window;
  assign unused_window = ^window[2*DataWidth-1:DataWidth];
  assign word_o  = (off == '0) ? cur : window_lo;
  assign we_o    = (take && vector && (off == '0 || b_q != '0)) || (state_q == LdFlush);
  assign waddr_o = (state_q == LdFlush) ? beats - 1 : ((off == '0) ? b_q : b_q - 1);

  for (genvar b = 0; b < Lanes; b++) begin : g_convert
    float_to_fixed #(.FracBits(16)) u_to_a (.float_i(word_o[32*b +: 32]), .fixed_o(as_a_o[32*b +: 32]));
    float_to_fixed #(.FracBits(24), .ClampToGate(1'b1)) u_to_g (
      .float_i(word_o[32*b +: 32]), .fixed_o(as_g_o[32*b +: 32]));
  end

  // The last word of a vector that ends in the last beat's high words needs one more cycle.
  logic need_flush;
  assign need_flush = vector && off != '0 && words == beats;
  assign done_o     = (take && last_beat && !need_flush) || (state_q == LdFlush);
  assign error_o    = take && last_beat && rd_error_i;

  // The queued read's command goes out while the current one is received (never while the
  // current one's own command waits: commands leave in order).
  logic [31:0] nx_beats;
  logic        nx_cmd, nx_fire;
  assign nx_beats       = (32'(nx_q.addr[2 +: LaneBits]) + nx_q.n + 32'(Lanes - 1)) >> LaneBits;
  assign nx_cmd         = nx_v_q && !nx_sent_q && (state_q != LdCmd);
  assign nx_fire        = nx_cmd && rd_cmd_ready_i;
  assign rd_cmd_valid_o = (state_q == LdCmd) || nx_cmd;
  assign rd_cmd_addr_o  = (nx_cmd ? nx_q.addr : cur_q.addr) & ~64'd63;
  assign rd_cmd_beats_o = CountBits'(nx_cmd ? nx_beats : beats);
  assign rd_ready_o     = (state_q == LdRx);

  // (Not in the cycle the current read ends: the reader is idle in the next one.)
  assign idle_o      = (state_q == LdIdle);
  assign can_queue_o = (state_q == LdRx || state_q == LdFlush) && !nx_v_q && !done_o &&
                       (cur_q.dst != mmfree_token_pkg::DstTok);
  assign beta_busy_o = (state_q == LdCmd && cur_q.dst == mmfree_token_pkg::DstBeta) ||
                       (state_q == LdRx && cur_q.dst == mmfree_token_pkg::DstBeta && b_q == '0) ||
                       (nx_v_q && nx_q.dst == mmfree_token_pkg::DstBeta);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= LdIdle;
      cur_q     <= '0;
      b_q       <= '0;
      prev_q    <= '0;
      nx_v_q    <= 1'b0;
      nx_sent_q <= 1'b0;
      nx_q      <= '0;
    end else begin
      unique case (state_q)
        LdCmd: begin
          if (rd_cmd_ready_i) begin
            b_q     <= '0;
            state_q <= LdRx;
          end
        end
        LdRx: begin
          if (take) begin
            b_q    <= b_q + 1'b1;
            prev_q <= rd_data_i;
            if (last_beat) state_q <= need_flush ? LdFlush : LdIdle;
          end
        end
        LdFlush: state_q <= LdIdle;
        default: ;
      endcase
      // The queued read becomes the current one, its command already sent or sent from LdCmd.
      if (done_o && nx_v_q) begin
        state_q <= (nx_sent_q || nx_fire) ? LdRx : LdCmd;
        b_q     <= '0;
        cur_q   <= nx_q;
        nx_v_q  <= 1'b0;
      end
      if (nx_fire) nx_sent_q <= 1'b1;
      if (issue_i) begin
        if (state_q == LdIdle) begin
          state_q <= LdCmd;
          cur_q   <= cmd_i;
        end else begin
          nx_v_q    <= 1'b1;
          nx_sent_q <= 1'b0;
          nx_q      <= cmd_i;
        end
      end
    end
  end

  assign dst_o           = cur_q.dst;
  assign slot_o          = cur_q.slot;
  assign lane_o          = cur_q.lane;
  assign addr_o          = cur_q.addr;
  assign rx_o            = take;
  assign rx_beat_o       = b_q;
  assign rx_data_o       = rd_data_i;
  assign rx_first_word_o = rd_data_i[32*off +: 32];

`ifndef SYNTHESIS
  // Checked out of reset (sva_on: the reset through a net of its own, as Verilator flags a
  // flop's asynchronous reset used synchronously in `disable iff`).
  logic sva_on;
  assign sva_on = rst_ni;
  a_valid_known: assert property (@(posedge clk_i) disable iff (!sva_on)
    !$isunknown({rd_cmd_valid_o, rd_ready_o, we_o, done_o}));
  a_cmd_held: assert property (@(posedge clk_i) disable iff (!sva_on)
    rd_cmd_valid_o && !rd_cmd_ready_i |=> rd_cmd_valid_o);
  a_cmd_stable: assert property (@(posedge clk_i) disable iff (!sva_on)
    rd_cmd_valid_o && !rd_cmd_ready_i |=> $stable(rd_cmd_addr_o) && $stable(rd_cmd_beats_o));
  // A read is issued only where the contract allows one: the one-deep queue never overflows.
  a_issue_allowed: assert property (@(posedge clk_i) disable iff (!sva_on)
    issue_i |-> idle_o || can_queue_o);
`endif

endmodule
