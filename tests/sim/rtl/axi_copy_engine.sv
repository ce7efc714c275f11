// A small AXI4 DMA used to test the simulation harness (sim/): copies `beats` full-width beats
// from `src` to `dst` over one AXI4 master, with several bursts outstanding in each direction,
// bursts split at 4 KiB boundaries, and an ap_ctrl_hs-style AXI4-Lite control slave with the
// same ctrl/gie/ier/isr registers and interrupt behaviour as mmfree_kernel.
//
// Registers: 0x00 ctrl (bit 0 ap_start, bit 1 ap_done clear-on-read, bit 2 ap_idle),
// 0x04 gie, 0x08 ier, 0x0c isr (write 1 toggles), 0x10/0x14 src, 0x18/0x1c dst, 0x20 beats,
// 0x24 sum of every 32-bit word read in the last copy (a check that the data arrived whole).
module axi_copy_engine #(
  parameter int unsigned DataWidth = 512,
  parameter int unsigned MaxBurstBeats = 16,
  parameter int unsigned FifoDepth = 64,  // power of two, >= MaxBurstBeats
  // Derived; not meant to be overridden.
  parameter int unsigned DataBytes = DataWidth / 8
) (
  input  logic                   ap_clk,
  input  logic                   ap_rst_n,
  // The Vitis kernel contract names this port; it is no C++ keyword, only a common word.
  /* verilator lint_off SYMRSVDWORD */
  output logic                   interrupt,
  /* verilator lint_on SYMRSVDWORD */

  input  logic                   s_axi_control_awvalid,
  output logic                   s_axi_control_awready,
  input  logic [11:0]            s_axi_control_awaddr,
  input  logic                   s_axi_control_wvalid,
  output logic                   s_axi_control_wready,
  input  logic [31:0]            s_axi_control_wdata,
  input  logic [3:0]             s_axi_control_wstrb,
  output logic                   s_axi_control_bvalid,
  input  logic                   s_axi_control_bready,
  output logic [1:0]             s_axi_control_bresp,
  input  logic                   s_axi_control_arvalid,
  output logic                   s_axi_control_arready,
  input  logic [11:0]            s_axi_control_araddr,
  output logic                   s_axi_control_rvalid,
  input  logic                   s_axi_control_rready,
  output logic [31:0]            s_axi_control_rdata,
  output logic [1:0]             s_axi_control_rresp,

  output logic                   m_axi_gmem_arvalid,
  input  logic                   m_axi_gmem_arready,
  output logic [63:0]            m_axi_gmem_araddr,
  output logic [7:0]             m_axi_gmem_arlen,
  output logic [2:0]             m_axi_gmem_arsize,
  output logic [1:0]             m_axi_gmem_arburst,
  input  logic                   m_axi_gmem_rvalid,
  output logic                   m_axi_gmem_rready,
  input  logic [DataWidth-1:0]   m_axi_gmem_rdata,
  input  logic [1:0]             m_axi_gmem_rresp,
  input  logic                   m_axi_gmem_rlast,
  output logic                   m_axi_gmem_awvalid,
  input  logic                   m_axi_gmem_awready,
  output logic [63:0]            m_axi_gmem_awaddr,
  output logic [7:0]             m_axi_gmem_awlen,
  output logic [2:0]             m_axi_gmem_awsize,
  output logic [1:0]             m_axi_gmem_awburst,
  output logic                   m_axi_gmem_wvalid,
  input  logic                   m_axi_gmem_wready,
  output logic [DataWidth-1:0]   m_axi_gmem_wdata,
  output logic [DataBytes-1:0]   m_axi_gmem_wstrb,
  output logic                   m_axi_gmem_wlast,
  input  logic                   m_axi_gmem_bvalid,
  output logic                   m_axi_gmem_bready,
  input  logic [1:0]             m_axi_gmem_bresp
);

  localparam int unsigned BeatShift = $clog2(DataBytes);
  localparam int unsigned PtrBits = $clog2(FifoDepth);
  localparam int unsigned LenQueueDepth = 4;

  // ------------------------------------------------------------------ control registers
  logic        busy_q, done_q, gie_q;
  logic [1:0]  ier_q, isr_q;
  logic [63:0] src_q, dst_q;
  logic [31:0] beats_q, sum_q;
  logic        finish;  // the copy completes this cycle

  logic        lite_write, lite_read, rvalid_q, bvalid_q;
  logic [31:0] rdata_q;
  logic [31:0] read_word;

  assign lite_write = s_axi_control_awvalid && s_axi_control_wvalid && !bvalid_q;
  assign lite_read  = s_axi_control_arvalid && !rvalid_q;
  assign s_axi_control_awready = lite_write;
  assign s_axi_control_wready  = lite_write;
  assign s_axi_control_bvalid  = bvalid_q;
  assign s_axi_control_bresp   = 2'b00;
  assign s_axi_control_arready = lite_read;
  assign s_axi_control_rvalid  = rvalid_q;
  assign s_axi_control_rdata   = rdata_q;
  assign s_axi_control_rresp   = 2'b00;
  assign interrupt = gie_q && (isr_q != 2'b00);

  logic unused_lite;
  assign unused_lite = ^{s_axi_control_wstrb, m_axi_gmem_rresp, m_axi_gmem_bresp, m_axi_gmem_rlast};

  always_comb begin
    read_word = 32'h0;
    unique case (s_axi_control_araddr)
      12'h000: read_word = {29'h0, !busy_q, done_q, busy_q};
      12'h004: read_word = {31'h0, gie_q};
      12'h008: read_word = {30'h0, ier_q};
      12'h00c: read_word = {30'h0, isr_q};
      12'h010: read_word = src_q[31:0];
      12'h014: read_word = src_q[63:32];
      12'h018: read_word = dst_q[31:0];
      12'h01c: read_word = dst_q[63:32];
      12'h020: read_word = beats_q;
      12'h024: read_word = sum_q;
      default: read_word = 32'h0;
    endcase
  end

  logic start;
  assign start = lite_write && (s_axi_control_awaddr == 12'h000) && s_axi_control_wdata[0] && !busy_q;

  always_ff @(posedge ap_clk or negedge ap_rst_n) begin
    if (!ap_rst_n) begin
      busy_q   <= 1'b0;
      done_q   <= 1'b0;
      gie_q    <= 1'b0;
      ier_q    <= '0;
      isr_q    <= '0;
      src_q    <= '0;
      dst_q    <= '0;
      beats_q  <= '0;
      rvalid_q <= 1'b0;
      bvalid_q <= 1'b0;
      rdata_q  <= '0;
    end else begin
      if (lite_write) begin
        bvalid_q <= 1'b1;
        unique case (s_axi_control_awaddr)
          12'h004: gie_q <= s_axi_control_wdata[0];
          12'h008: ier_q <= s_axi_control_wdata[1:0];
          12'h00c: isr_q <= isr_q ^ s_axi_control_wdata[1:0];
          12'h010: src_q[31:0] <= s_axi_control_wdata;
          12'h014: src_q[63:32] <= s_axi_control_wdata;
          12'h018: dst_q[31:0] <= s_axi_control_wdata;
          12'h01c: dst_q[63:32] <= s_axi_control_wdata;
          12'h020: beats_q <= s_axi_control_wdata;
          default: ;
        endcase
      end else if (bvalid_q && s_axi_control_bready) begin
        bvalid_q <= 1'b0;
      end
      if (lite_read) begin
        rvalid_q <= 1'b1;
        rdata_q  <= read_word;
        if (s_axi_control_araddr == 12'h000) done_q <= 1'b0;  // clear on read
      end else if (rvalid_q && s_axi_control_rready) begin
        rvalid_q <= 1'b0;
      end
      if (start) begin
        busy_q <= 1'b1;
      end else if (finish) begin
        busy_q <= 1'b0;
        done_q <= 1'b1;
        if (ier_q[0]) isr_q[0] <= 1'b1;
      end
    end
  end

  // ------------------------------------------------------------------ burst sizing
  // Beats of the next burst from `addr` with `left` beats to go: at most MaxBurstBeats and
  // never past the next 4 KiB boundary.
  function automatic logic [8:0] burst_beats(logic [11:0] addr, logic [31:0] left);
    logic [12:0] to_boundary;
    logic [31:0] n;
    to_boundary = 13'h1000 - {1'b0, addr};
    n = {19'h0, to_boundary} >> BeatShift;
    if (n > 32'(MaxBurstBeats)) n = 32'(MaxBurstBeats);
    if (n > left) n = left;
    return n[8:0];
  endfunction

  // ------------------------------------------------------------------ read side
  logic [63:0]      rd_addr_q;
  logic [31:0]      rd_left_q;
  logic [PtrBits:0] reserved_q;  // FIFO slots promised to requested beats
  logic             arvalid_q;
  logic [63:0]      araddr_q;
  logic [7:0]       arlen_q;
  logic [8:0]       rd_burst;
  logic             issue_read, pop;

  assign rd_burst   = burst_beats(rd_addr_q[11:0], rd_left_q);
  assign issue_read = busy_q && !arvalid_q && (rd_left_q != 0) &&
                      (32'(reserved_q) + 32'(rd_burst) <= 32'(FifoDepth));

  assign m_axi_gmem_arvalid = arvalid_q;
  assign m_axi_gmem_araddr  = araddr_q;
  assign m_axi_gmem_arlen   = arlen_q;
  assign m_axi_gmem_arsize  = 3'(BeatShift);
  assign m_axi_gmem_arburst = 2'b01;
  assign m_axi_gmem_rready  = 1'b1;  // every requested beat has a reserved FIFO slot

  always_ff @(posedge ap_clk or negedge ap_rst_n) begin
    if (!ap_rst_n) begin
      rd_addr_q  <= '0;
      rd_left_q  <= '0;
      reserved_q <= '0;
      arvalid_q  <= 1'b0;
      araddr_q   <= '0;
      arlen_q    <= '0;
    end else begin
      if (start) begin
        rd_addr_q <= src_q;
        rd_left_q <= beats_q;
      end else if (issue_read) begin
        arvalid_q <= 1'b1;
        araddr_q  <= rd_addr_q;
        arlen_q   <= 8'(rd_burst - 9'd1);
        rd_addr_q <= rd_addr_q + ({55'h0, rd_burst} << BeatShift);
        rd_left_q <= rd_left_q - {23'h0, rd_burst};
      end else if (arvalid_q && m_axi_gmem_arready) begin
        arvalid_q <= 1'b0;
      end
      reserved_q <= reserved_q + (issue_read ? (PtrBits+1)'(rd_burst) : '0) - (PtrBits+1)'(pop);
    end
  end

  // ------------------------------------------------------------------ data FIFO
  logic [DataWidth-1:0] fifo_q [FifoDepth];
  logic [PtrBits-1:0]   fifo_wr_q, fifo_rd_q;
  logic [PtrBits:0]     fifo_count_q;
  logic                 push;

  assign push = m_axi_gmem_rvalid;

  always_ff @(posedge ap_clk or negedge ap_rst_n) begin
    if (!ap_rst_n) begin
      fifo_wr_q    <= '0;
      fifo_rd_q    <= '0;
      fifo_count_q <= '0;
      sum_q        <= '0;
    end else begin
      if (push) fifo_wr_q <= fifo_wr_q + 1'b1;
      if (pop) fifo_rd_q <= fifo_rd_q + 1'b1;
      fifo_count_q <= fifo_count_q + (PtrBits+1)'(push) - (PtrBits+1)'(pop);
      if (start) begin
        sum_q <= '0;
      end else if (push) begin
        sum_q <= sum_q + word_sum(m_axi_gmem_rdata);
      end
    end
  end

  always_ff @(posedge ap_clk) begin
    if (push) fifo_q[fifo_wr_q] <= m_axi_gmem_rdata;
  end

  function automatic logic [31:0] word_sum(logic [DataWidth-1:0] beat);
    logic [31:0] s;
    s = '0;
    for (int unsigned k = 0; k < DataWidth / 32; k++) s = s + beat[32*k +: 32];
    return s;
  endfunction

  // ------------------------------------------------------------------ write side
  logic [63:0] wr_addr_q;
  logic [31:0] aw_left_q;
  logic        awvalid_q;
  logic [63:0] awaddr_q;
  logic [7:0]  awlen_q;
  logic [8:0]  wr_burst;
  logic        issue_write;
  // Lengths (beats - 1) of the bursts whose address is issued but whose data is not all sent.
  logic [7:0]  len_queue_q [LenQueueDepth];
  logic [1:0]  lq_wr_q, lq_rd_q;
  logic [2:0]  lq_count_q;
  logic [7:0]  w_beat_q;
  logic [31:0] awaiting_b_q;  // bursts fully sent, response not yet received
  logic        w_fire, w_last, b_fire;

  assign wr_burst    = burst_beats(wr_addr_q[11:0], aw_left_q);
  assign issue_write = busy_q && !awvalid_q && (aw_left_q != 0) && (lq_count_q < 3'(LenQueueDepth));

  assign m_axi_gmem_awvalid = awvalid_q;
  assign m_axi_gmem_awaddr  = awaddr_q;
  assign m_axi_gmem_awlen   = awlen_q;
  assign m_axi_gmem_awsize  = 3'(BeatShift);
  assign m_axi_gmem_awburst = 2'b01;
  assign m_axi_gmem_wvalid  = (fifo_count_q != 0) && (lq_count_q != 0);
  assign m_axi_gmem_wdata   = fifo_q[fifo_rd_q];
  assign m_axi_gmem_wstrb   = '1;
  assign w_last             = (w_beat_q == len_queue_q[lq_rd_q]);
  assign m_axi_gmem_wlast   = w_last;
  assign m_axi_gmem_bready  = 1'b1;
  assign w_fire             = m_axi_gmem_wvalid && m_axi_gmem_wready;
  assign b_fire             = m_axi_gmem_bvalid;
  assign pop                = w_fire;

  always_ff @(posedge ap_clk or negedge ap_rst_n) begin
    if (!ap_rst_n) begin
      wr_addr_q    <= '0;
      aw_left_q    <= '0;
      awvalid_q    <= 1'b0;
      awaddr_q     <= '0;
      awlen_q      <= '0;
      lq_wr_q      <= '0;
      lq_rd_q      <= '0;
      lq_count_q   <= '0;
      w_beat_q     <= '0;
      awaiting_b_q <= '0;
    end else begin
      if (start) begin
        wr_addr_q <= dst_q;
        aw_left_q <= beats_q;
      end else if (issue_write) begin
        awvalid_q <= 1'b1;
        awaddr_q  <= wr_addr_q;
        awlen_q   <= 8'(wr_burst - 9'd1);
        wr_addr_q <= wr_addr_q + ({55'h0, wr_burst} << BeatShift);
        aw_left_q <= aw_left_q - {23'h0, wr_burst};
        lq_wr_q   <= lq_wr_q + 1'b1;
      end else if (awvalid_q && m_axi_gmem_awready) begin
        awvalid_q <= 1'b0;
      end
      if (w_fire) begin
        w_beat_q <= w_last ? '0 : w_beat_q + 1'b1;
        if (w_last) lq_rd_q <= lq_rd_q + 1'b1;
      end
      lq_count_q   <= lq_count_q + 3'(issue_write) - 3'(w_fire && w_last);
      awaiting_b_q <= awaiting_b_q + 32'(w_fire && w_last) - 32'(b_fire);
    end
  end

  always_ff @(posedge ap_clk) begin
    if (issue_write) len_queue_q[lq_wr_q] <= 8'(wr_burst - 9'd1);
  end

  assign finish = busy_q && !start && (rd_left_q == 0) && (aw_left_q == 0) && !arvalid_q && !awvalid_q &&
                  (lq_count_q == 0) && (awaiting_b_q == 0) && (reserved_q == 0);

endmodule
