// The performance counters of the register map: 64-bit, cleared when a start command is
// accepted, each advanced by a per-cycle increment from the unit that owns the event. The
// increments are registered first (docs/timing.md: the logic that forms them and the 64-bit
// add are a cycle apart), so a counter shows an event one cycle after it; a clear also drops
// the increment in flight.
module mmfree_perf_counters #(
  parameter int unsigned NumCounters = mmfree_reg_pkg::NumCounters,
  parameter int unsigned NumPorts    = 1,
  parameter int unsigned IncBits     = 16
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         clear_i,
  input  logic [IncBits*NumCounters-1:0] inc_i,       // counter i += inc_i[IncBits*i +: IncBits]
  input  logic [IncBits*NumPorts-1:0]  port_inc_i,    // weight port p's bytes this cycle
  output logic [64*NumCounters-1:0]    counters_o,
  output logic [64*NumPorts-1:0]       port_bytes_o
);

  logic [64*NumCounters-1:0]      counters_q;
  logic [64*NumPorts-1:0]         port_bytes_q;
  logic [IncBits*NumCounters-1:0] inc_q;
  logic [IncBits*NumPorts-1:0]    port_inc_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      counters_q   <= '0;
      port_bytes_q <= '0;
      inc_q        <= '0;
      port_inc_q   <= '0;
    end else if (clear_i) begin
      counters_q   <= '0;
      port_bytes_q <= '0;
      inc_q        <= '0;
      port_inc_q   <= '0;
    end else begin
      inc_q      <= inc_i;
      port_inc_q <= port_inc_i;
      for (int unsigned i = 0; i < NumCounters; i++) begin
        counters_q[64*i +: 64] <= counters_q[64*i +: 64] + 64'(inc_q[IncBits*i +: IncBits]);
      end
      for (int unsigned p = 0; p < NumPorts; p++) begin
        port_bytes_q[64*p +: 64] <= port_bytes_q[64*p +: 64] + 64'(port_inc_q[IncBits*p +: IncBits]);
      end
    end
  end

  assign counters_o   = counters_q;
  assign port_bytes_o = port_bytes_q;

endmodule
