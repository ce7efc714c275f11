// The token engine's row-sum intake: takes a BitLinear's row sums from the ternary arrays, up to
// Group = min(P, Lanes) consecutive rows per cycle, scales them (apply_scale_a, replicated),
// tracks the argmax, and hands each group, placed in its lanes, to the destination buffer with
// the residual added one cycle later.
//
// Contract:
// - clear_i (one cycle, before a matrix's sums) starts at row 0, which port 0 holds; row r comes
//   from port r mod P. While active_i, a group is the longest prefix of rows row, row + 1, ...
//   (at most Group) whose ports hold a sum (sum_valid_i), within one word of the destination
//   (Lanes rows) and one half (cfg_i.gate: rows below cfg_i.half go to the gate half, the others
//   to the up half, each from word 0 lane 0); with cfg_i.logits only while can_push_i. Its sums
//   are taken (sum_ready_o, only on ports with a valid sum) in that cycle (take_o), each row's
//   scaled value in lane (local row) mod Lanes of group_word_o / group_lanes_o; logit_last_o
//   says the group ends a beat of the logits (a word's last lane or the matrix's last row).
//   done_o: the group holds the matrix's last row (cfg_i.rows rows in all).
// - With cfg_i.head, argmax_o follows the largest scaled value in row order (ties: the smaller
//   row; row 0 always sets it).
// - resid_ra_o is the destination word of the rows now being offered; its word of the residual
//   source comes back on resid_rd_i in the next cycle (a registered read), when the stage-2
//   outputs st_* hold the group taken: st_word_o the scaled values, st_resid_o each lane's
//   sat32(residual + scaled value) (bounded by +-(2^31 - 1)), at word st_addr_o of the up half
//   (st_up_o) or the other buffer, lanes st_lanes_o; st_v_o for one cycle per group.
// - cfg_i, the scale and can_push_i are held while active_i.
// - Lanes (num_lanes_i = K, held while active_i): every port has a sum per lane (lane k, port p
//   at [k*P + p] of sum_*). A group is taken lane by lane: lane 0 decides the group as above
//   (its valid sums), lanes 1 .. K - 1 take the same rows in the next K - 1 cycles (their arrays
//   saw the same beats, so their sums of these rows are there), each scaled with its own scale
//   (scale_*_i is the scale of lane_o, the lane now taken), its own argmax, into its own region
//   (the residual word and stage 2 name it: lane_o, st_lane_o). Lanes K .. BatchLanes - 1 (not
//   run) are emptied with lane 0. The rows advance, and done_o comes, with lane K - 1's take.
module mmfree_token_row_intake #(
  parameter int unsigned NumWeightPorts = 1,
  parameter int unsigned DataWidth      = 512,
  parameter int unsigned ExpBits        = 10,
  parameter int unsigned AddrBits       = 8,      // word address of the destination buffers
  parameter int unsigned BatchLanes     = 1,
  // Derived; not meant to be overridden.
  parameter int unsigned P              = NumWeightPorts,
  parameter int unsigned PortBits       = NumWeightPorts > 1 ? $clog2(NumWeightPorts) : 1,
  parameter int unsigned Lanes          = DataWidth / 32,
  parameter int unsigned LaneBits       = $clog2(Lanes),
  parameter int unsigned Group          = P < Lanes ? P : Lanes
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,

  input  logic                           clear_i,
  input  logic                           active_i,
  input  mmfree_token_pkg::intake_cfg_t  cfg_i,
  input  logic [16:0]                    scale_man_i,
  input  logic signed [ExpBits-1:0]      scale_exp_i,
  input  logic                           can_push_i,
  input  logic [4:0]                     num_lanes_i,

  input  logic [P*BatchLanes-1:0]        sum_valid_i,
  output logic [P*BatchLanes-1:0]        sum_ready_o,
  input  logic [32*P*BatchLanes-1:0]     sum_i,
  output logic [3:0]                     lane_o,

  output logic                           take_o,
  output logic                           done_o,
  output logic                           logit_last_o,
  output logic [DataWidth-1:0]           group_word_o,
  output logic [Lanes-1:0]               group_lanes_o,
  output logic [32*BatchLanes-1:0]       argmax_o,     // lane k's at [32k +: 32]

  output logic [31:0]                    resid_ra_o,
  input  logic [DataWidth-1:0]           resid_rd_i,
  output logic                           st_v_o,
  output logic [3:0]                     st_lane_o,
  output logic                           st_up_o,
  output logic [AddrBits-1:0]            st_addr_o,
  output logic [DataWidth-1:0]           st_word_o,
  output logic [DataWidth-1:0]           st_resid_o,
  output logic [Lanes-1:0]               st_lanes_o
);

  localparam logic signed [31:0] ActMax = 32'sh7fffffff;

  logic [PortBits-1:0] port_q;   // the port of row_q
  logic [31:0]         row_q;
  logic [3:0]          lane_q;   // the lane whose sums of the group are taken now
  logic [31:0]         n_q;      // the group's rows (lane 0's take), for the other lanes
  logic signed [31:0]  best_q [BatchLanes];
  logic [31:0]         argmax_q [BatchLanes];
  logic                lane_first, lane_last;
  assign lane_first = (lane_q == '0);
  assign lane_last  = (5'(lane_q) + 5'd1 == num_lanes_i);

  // The current lane's sums.
  logic [P-1:0]    lvalid;
  logic [32*P-1:0] lsum;
  always_comb begin
    lvalid = '0;
    lsum   = '0;
    for (int unsigned k = 0; k < BatchLanes; k++) begin
      if (lane_q == 4'(k)) begin
        lvalid = sum_valid_i[P*k +: P];
        lsum   = sum_i[32*P*k +: 32*P];
      end
    end
  end

  // Where row_q goes: its index within its half, the half's end.
  logic        in_up;
  logic [31:0] in_local, in_end;
  always_comb begin
    in_up    = cfg_i.gate && (row_q >= cfg_i.half);
    in_local = in_up ? row_q - cfg_i.half : row_q;
    in_end   = (cfg_i.gate && !in_up) ? cfg_i.half : cfg_i.rows;
  end

  logic [LaneBits-1:0] in_lane0;
  assign in_lane0 = in_local[LaneBits-1:0];

  logic [Group-1:0]    take;
  logic [PortBits-1:0] take_port [Group];
  logic signed [31:0]  scaled [Group];
  logic [31:0]         n_take;

  for (genvar j = 0; j < Group; j++) begin : g_row
    logic [31:0] port_sum;
    assign port_sum     = 32'(port_q) + j;
    assign take_port[j] = PortBits'((port_sum >= P) ? port_sum - P : port_sum);
    apply_scale_a #(.ExpBits(ExpBits)) u_apply (
      .sum_i(lsum[32*take_port[j] +: 32]), .scale_man_i, .scale_exp_i, .out_o(scaled[j])
    );
  end

  logic take_ok;
  always_comb begin
    take_ok = active_i && (!cfg_i.logits || can_push_i);
    n_take  = '0;
    for (int unsigned j = 0; j < Group; j++) begin
      if (lane_first) begin
        take_ok = take_ok && (32'(in_lane0) + j < Lanes) && (row_q + j < in_end) && lvalid[take_port[j]];
      end else begin
        take_ok = take_ok && (j < n_q);
      end
      take[j] = take_ok;
      if (take_ok) n_take = j + 1;
    end
  end
  assign take_o       = take[0];
  assign done_o       = take[0] && lane_last && (row_q + n_take == cfg_i.rows);
  assign logit_last_o = (32'(in_lane0) + n_take == Lanes) || (row_q + n_take == cfg_i.rows);
  assign lane_o       = lane_q;

  // Lanes past num_lanes_i are emptied with lane 0 (their sums are the same rows').
  always_comb begin
    sum_ready_o = '0;
    for (int unsigned j = 0; j < Group; j++) begin
      if (take[j]) begin
        for (int unsigned k = 0; k < BatchLanes; k++) begin
          if (lane_q == 4'(k) || (lane_first && 5'(k) >= num_lanes_i)) sum_ready_o[P*k + 32'(take_port[j])] = 1'b1;
        end
      end
    end
  end

  // Argmax over the group in row order: strictly greater wins, so equal maxima keep the
  // smallest index.
  logic signed [31:0] best_d;
  logic [31:0]        argmax_d;
  logic signed [31:0] best_cur;
  logic [31:0]        argmax_cur;
  always_comb begin
    best_cur   = best_q[0];
    argmax_cur = argmax_q[0];
    for (int unsigned k = 1; k < BatchLanes; k++) begin
      if (lane_q == 4'(k)) begin
        best_cur   = best_q[k];
        argmax_cur = argmax_q[k];
      end
    end
  end
  always_comb begin
    best_d   = best_cur;
    argmax_d = argmax_cur;
    for (int unsigned j = 0; j < Group; j++) begin
      if (take[j] && (row_q + j == 0 || scaled[j] > best_d)) begin
        best_d   = scaled[j];
        argmax_d = row_q + j;
      end
    end
  end

  // The group placed in its lanes.
  logic [LaneBits-1:0] group_lane;
  always_comb begin
    group_word_o  = '0;
    group_lanes_o = '0;
    group_lane    = in_lane0;
    for (int unsigned j = 0; j < Group; j++) begin
      if (take[j]) begin
        group_word_o[32*group_lane +: 32] = scaled[j];
        group_lanes_o[group_lane] = 1'b1;
      end
      group_lane = group_lane + 1'b1;
    end
  end

  assign resid_ra_o = in_local >> LaneBits;

  // Stage 2: the residual (read in the take cycle) is added.
  logic                 st_v_q, st_up_q;
  logic [3:0]           st_lane_q;
  logic [AddrBits-1:0]  st_addr_q;
  logic [DataWidth-1:0] st_word_q;
  logic [Lanes-1:0]     st_lanes_q;
  for (genvar b = 0; b < Lanes; b++) begin : g_resid
    logic signed [31:0] base, res;
    logic signed [32:0] total;
    assign base  = resid_rd_i[32*b +: 32];
    assign total = 33'(base) + 33'($signed(st_word_q[32*b +: 32]));
    assign res   = (total > 33'(ActMax)) ? ActMax : (total < -33'(ActMax)) ? -ActMax : total[31:0];
    assign st_resid_o[32*b +: 32] = res;
  end

  logic [PortBits:0] port_next;
  assign port_next = (PortBits+1)'(port_q) + (PortBits+1)'(n_take);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      port_q     <= '0;
      row_q      <= '0;
      lane_q     <= '0;
      n_q        <= '0;
      for (int unsigned k = 0; k < BatchLanes; k++) begin
        best_q[k]   <= '0;
        argmax_q[k] <= '0;
      end
      st_v_q     <= 1'b0;
      st_lane_q  <= '0;
      st_up_q    <= 1'b0;
      st_addr_q  <= '0;
      st_word_q  <= '0;
      st_lanes_q <= '0;
    end else begin
      if (clear_i) begin
        port_q <= '0;
        row_q  <= '0;
        lane_q <= '0;
      end else if (take[0] && !lane_last) begin
        lane_q <= lane_q + 4'd1;   // the same rows for the next lane
        if (lane_first) n_q <= n_take;
      end else if (take[0]) begin
        lane_q <= '0;
        row_q  <= row_q + n_take;
        port_q <= PortBits'((port_next >= (PortBits+1)'(P)) ? port_next - (PortBits+1)'(P) : port_next);
      end
      if (take[0] && cfg_i.head) begin
        for (int unsigned k = 0; k < BatchLanes; k++) begin
          if (lane_q == 4'(k)) begin
            best_q[k]   <= best_d;
            argmax_q[k] <= argmax_d;
          end
        end
      end
      st_v_q <= take[0];
      if (take[0]) begin
        st_lane_q  <= lane_q;
        st_up_q    <= in_up;
        st_addr_q  <= AddrBits'(in_local >> LaneBits);
        st_word_q  <= group_word_o;
        st_lanes_q <= group_lanes_o;
      end
    end
  end

  always_comb begin
    for (int unsigned k = 0; k < BatchLanes; k++) argmax_o[32*k +: 32] = argmax_q[k];
  end
  assign st_v_o     = st_v_q;
  assign st_lane_o  = st_lane_q;
  assign st_up_o    = st_up_q;
  assign st_addr_o  = st_addr_q;
  assign st_word_o  = st_word_q;
  assign st_lanes_o = st_lanes_q;

`ifndef SYNTHESIS
  // Checked out of reset (sva_on: the reset through a net of its own, as Verilator flags a
  // flop's asynchronous reset used synchronously in `disable iff`).
  logic sva_on;
  assign sva_on = rst_ni;
  // A sum is taken only from a port that offers one, and only while active.
  a_ready_valid: assert property (@(posedge clk_i) disable iff (!sva_on)
    (sum_ready_o & ~sum_valid_i) == '0);
  a_ready_active: assert property (@(posedge clk_i) disable iff (!sva_on) |sum_ready_o |-> active_i);
  a_ready_known: assert property (@(posedge clk_i) disable iff (!sva_on) !$isunknown({sum_ready_o, take_o}));
  // The ports' side of the handshake while the intake listens (in other modes the sums go
  // elsewhere): a sum offered stays offered, unchanged, until taken.
  for (genvar p = 0; p < P * BatchLanes; p++) begin : g_sva_port
    a_sum_held: assert property (@(posedge clk_i) disable iff (!sva_on)
      active_i && sum_valid_i[p] && !sum_ready_o[p] |=> sum_valid_i[p]);
    a_sum_stable: assert property (@(posedge clk_i) disable iff (!sva_on)
      active_i && sum_valid_i[p] && !sum_ready_o[p] |=> $stable(sum_i[32*p +: 32]));
  end
  // Logits are taken only when the writer can push them.
  a_logits_push: assert property (@(posedge clk_i) disable iff (!sva_on)
    take_o && cfg_i.logits |-> can_push_i);
`endif

endmodule
