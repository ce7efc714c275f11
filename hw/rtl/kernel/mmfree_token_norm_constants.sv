// The build-time constants of docs/numerics.md section 4 (golden::norm_constants) for the two
// vector lengths of a model, worked out once per command from the descriptor:
//   NE2(d)  = round((eps_block * eps_bl) * d * 2^32)   (IEEE double: the d-fold product is
//             rounded to 53 bits, nearest even, before the half-away rounding to an integer)
//   NE1(I)  = round(I * eps_bl * 2^32)                  (exact: 24-bit eps times a 14-bit I)
//   C(n)    = sf_from_double(sqrt(n) * 2^16 / 127)      for n = d and n = I
// eps_bl is BitLinear's own epsilon, the float32 1e-6 (0x358637BD = 8796093 * 2^-43).
// C(n) is found without a square root: its exponent e = floor(log2 c) - 16 is the largest j - 16
// with n * 2^32 >= 127^2 * 4^j, and its mantissa the largest k with
// 127^2 * (2k - 1)^2 <= 4n * 2^(32 - 2e), i.e. c * 2^-e rounded half away, one bit of k at a
// time. This equals the double evaluation for every n < 16129 (checked when this was written:
// the exact value is never within the double's error of a rounding tie there).
//
// Pipelined for 300 MHz (docs/timing.md): the inputs are latched at start_i and every step is
// one register stage. C(d) and C(I) are searched side by side, six cycles per bit of k (the
// square and the product with 127^2 are mul_pipe pipelines), NE2 and NE1 beside them (NE2's
// roundings one bit per cycle), done long before: ready_o 112 cycles after start_i. The values are kept: a start
// with the same d, I and eps as the last one (every command of a model) is ready the next cycle.
module mmfree_token_norm_constants #(
  parameter int unsigned ExpBits = 10
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      start_i,    // one cycle (the inputs are latched)
  input  logic [31:0]               hidden_i,   // d (< 16129)
  input  logic [31:0]               inter_i,    // I (< 16129)
  input  logic [31:0]               eps_i,      // the descriptor's rms_norm_eps, float32 bits
  output logic                      ready_o,    // the outputs below are valid
  output logic [63:0]               ne2_d_o,
  output logic [63:0]               ne1_i_o,
  output logic [16:0]               c_d_man_o,
  output logic signed [ExpBits-1:0] c_d_exp_o,
  output logic [16:0]               c_i_man_o,
  output logic signed [ExpBits-1:0] c_i_exp_o
);

  localparam logic [24:0] EpsBlMantissa = 25'd8796093;  // 1e-6f = 8796093 * 2^-43
  localparam logic [63:0] Sq127         = 64'd16129;

  // ---- Control (reset; the datapath registers below have none) ---------------------------------
  typedef enum logic [2:0] {StIdle, StSetup1, StSetup2, StSearch, StFinal, StDone} state_e;
  state_e      state_q;
  logic        known_q;              // the latched inputs' constants are in the output registers
  logic [13:0] hid_q, inter_q;       // the latched inputs
  logic [31:0] eps_q;
  logic [2:0]  phase_q;              // of the bit being tried: 0 .. 5
  logic [4:0]  bit_q;                // 17 .. 0
  logic        same;
  assign same = known_q && hidden_i[13:0] == hid_q && inter_i[13:0] == inter_q && eps_i == eps_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      known_q <= 1'b0;
      phase_q <= '0;
      bit_q   <= '0;
    end else if (start_i) begin
      if (!same) begin
        state_q <= StSetup1;
        known_q <= 1'b0;
      end else begin
        state_q <= StDone;
      end
    end else begin
      unique case (state_q)
        StSetup1: state_q <= StSetup2;
        StSetup2: begin
          state_q <= StSearch;
          phase_q <= '0;
          bit_q   <= 5'd17;
        end
        StSearch: begin
          if (phase_q != 3'd5) begin
            phase_q <= phase_q + 3'd1;
          end else begin
            phase_q <= '0;
            if (bit_q == 5'd0) state_q <= StFinal;
            else bit_q <= bit_q - 5'd1;
          end
        end
        StFinal: begin   // (NE2 is done long before; waited for all the same)
          if (ne_done) begin
            state_q <= StDone;
            known_q <= 1'b1;
          end
        end
        default: ;
      endcase
    end
  end
  always_ff @(posedge clk_i) begin
    if (start_i && !same) begin
      hid_q   <= hidden_i[13:0];
      inter_q <= inter_i[13:0];
      eps_q   <= eps_i;
    end
  end

  // ---- NE2(d) ----------------------------------------------------------------------------------
  // eps_block = mag * 2^x1; the value times 2^(x1 - 43 + 32) is a right shift by
  // s = 11 - x1 = 161 - E (normal) or 160 (denormal, x1 = -149).
  logic [23:0]       eps_mag_q;
  logic signed [9:0] shift_q;
  logic              negative_eps_q;
  always_ff @(posedge clk_i) begin
    eps_mag_q      <= (eps_q[30:23] != 8'd0) ? {1'b1, eps_q[22:0]} : {1'b0, eps_q[22:0]};
    shift_q        <= (eps_q[30:23] != 8'd0) ? 10'sd161 - $signed({2'b00, eps_q[30:23]}) : 10'sd160;
    negative_eps_q <= eps_q[31];
  end

  // d * mag * 8796093 (< 2^62, exact): two mul_pipe pipelines.
  logic signed [39:0] dm;
  logic signed [63:0] prod_wide;
  logic [37:0]        dm_q;
  mul_pipe #(.AW(15), .BW(25)) u_dm (.clk_i, .en_i(1'b1), .a_i($signed({1'b0, hid_q})),
    .b_i($signed({1'b0, eps_mag_q})), .p_o(dm));
  always_ff @(posedge clk_i) dm_q <= dm[37:0];
  mul_pipe #(.AW(39), .BW(25)) u_prod (.clk_i, .en_i(1'b1), .a_i($signed({1'b0, dm_q})),
    .b_i($signed(EpsBlMantissa)), .p_o(prod_wide));

  // Then, one bit per cycle (about 80 cycles at most, inside the search): the product rounded
  // to 53 significant bits, nearest even (the double multiplication), then times 2^-s rounded
  // half away from zero. With q the rounded product's 53 bits and drop the bits it dropped,
  // (q * 2^drop + 2^(s-1)) >> s is (q + 2^(t-1)) >> t for t = s - drop >= 1 (q >> t plus the
  // last bit shifted out) and q << -t otherwise; only the low 64 bits are kept.
  typedef enum logic [2:0] {NeWait, NeNormalize, NeRound, NeShift, NeDone} ne_state_e;
  ne_state_e          ne_state_q;
  logic [3:0]         ne_wait_q;     // cycles until prod_wide holds the latched inputs' product
  logic [63:0]        v_q;
  logic               guard_q, sticky_q, last_q;
  logic signed [10:0] t_q;           // shifts still to do: > 0 right, < 0 left
  logic               zero_q;
  // The state (reset, restarted by a start with new inputs) ...
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ne_state_q <= NeWait;
      ne_wait_q  <= '0;
    end else if (start_i && !same) begin
      ne_state_q <= NeWait;
      ne_wait_q  <= '0;
    end else begin
      unique case (ne_state_q)
        NeWait: begin
          ne_wait_q <= ne_wait_q + 4'd1;
          if (ne_wait_q == 4'd8) ne_state_q <= NeNormalize;
        end
        NeNormalize: if (v_q[63:53] == '0) ne_state_q <= NeRound;
        NeRound:     ne_state_q <= NeShift;
        NeShift:     if (t_q == 11'sd0) ne_state_q <= NeDone;
        default: ;
      endcase
    end
  end
  // ... and the value (no reset; it follows the state).
  always_ff @(posedge clk_i) begin
    unique case (ne_state_q)
      NeWait: begin
        v_q      <= prod_wide;
        guard_q  <= 1'b0;
        sticky_q <= 1'b0;
        t_q      <= 11'(shift_q);
        zero_q   <= negative_eps_q || prod_wide == 64'd0 || shift_q >= 10'sd100;
      end
      NeNormalize: begin
        if (v_q[63:53] != '0) begin
          sticky_q <= sticky_q | guard_q;
          guard_q  <= v_q[0];
          v_q      <= v_q >> 1;
          t_q      <= t_q - 11'sd1;
        end
      end
      NeRound: begin
        v_q    <= v_q + 64'(guard_q && (sticky_q || v_q[0]));
        last_q <= 1'b0;
        // Past 56 right shifts the value (< 2^54) is 0; past 63 left shifts the low 64 bits are.
        if (t_q > 11'sd56 || t_q < -11'sd63) zero_q <= 1'b1;
      end
      NeShift: begin
        if (t_q > 11'sd0) begin
          last_q <= v_q[0];
          v_q    <= v_q >> 1;
          t_q    <= t_q - 11'sd1;
        end else if (t_q < 11'sd0) begin
          v_q <= v_q << 1;
          t_q <= t_q + 11'sd1;
        end else begin
          v_q <= zero_q ? 64'd0 : v_q + 64'(last_q);
        end
      end
      default: ;
    endcase
  end
  logic ne_done;
  logic [63:0] ne2_q;
  assign ne_done = (ne_state_q == NeDone);
  assign ne2_q   = v_q;

  // ---- NE1(I) = (I * 8796093 + 2^10) >> 11 ----------------------------------------------------
  logic signed [39:0] ne1_wide;
  logic [63:0]        ne1_q;
  mul_pipe #(.AW(15), .BW(25), .BiasBit(10)) u_ne1 (.clk_i, .en_i(1'b1), .a_i($signed({1'b0, inter_q})),
    .b_i($signed(EpsBlMantissa)), .p_o(ne1_wide));
  always_ff @(posedge clk_i) ne1_q <= 64'(ne1_wide[39:11]);

  // ---- C(d), C(I): the exponent by comparison, the mantissa bit by bit ------------------------
  // Exponent of c = sqrt(n) * 2^16 / 127: the largest j in 0..16 with n * 2^32 >= 127^2 * 4^j.
  function automatic logic [4:0] log2_c(input logic [13:0] n);
    logic [4:0] j;
    j = 5'd0;
    for (int unsigned t = 0; t <= 16; t++) begin
      if ((64'(n) << 32) >= (Sq127 << (2 * t))) j = 5'(t);
    end
    log2_c = j;
  endfunction

  logic [2*17-1:0]      man_all;
  logic [2*ExpBits-1:0] exp_all;
  for (genvar s = 0; s < 2; s++) begin : g_c
    logic [13:0]               n;
    logic [4:0]                j_q;
    logic [63:0]               lhs_q;        // 4n * 2^(32 - 2e)
    logic signed [ExpBits-1:0] e_q;
    logic [17:0]               k_q, k_try;
    logic [18:0]               odd_q;
    logic signed [39:0]        odd_sq;
    logic signed [54:0]        scaled;
    logic [16:0]               man_q;
    logic signed [ExpBits-1:0] exp_q;
    logic                      unused_scaled;
    assign n     = (s == 0) ? hid_q : inter_q;
    assign k_try = k_q | (18'd1 << bit_q);

    // odd = 2 k_try - 1 (phase 0), odd^2 (ready at phase 3), 127^2 odd^2 (ready at phase 5).
    mul_pipe #(.AW(20), .BW(20)) u_sq (.clk_i, .en_i(1'b1), .a_i($signed({1'b0, odd_q})),
      .b_i($signed({1'b0, odd_q})), .p_o(odd_sq));
    mul_pipe #(.AW(39), .BW(16)) u_scaled (.clk_i, .en_i(1'b1), .a_i($signed({1'b0, odd_sq[37:0]})),
      .b_i($signed(16'(Sq127))), .p_o(scaled));
    assign unused_scaled = ^{odd_sq[39:38], scaled[54:52]};

    always_ff @(posedge clk_i) begin
      odd_q <= {k_try, 1'b0} - 19'd1;
      unique case (state_q)
        StSetup1: j_q <= log2_c(n);
        StSetup2: begin
          // n << (66 - 2j): j >= 9 for n >= 1, so the shift is <= 48.
          lhs_q <= 64'(n) << (7'd66 - 7'(2 * j_q));
          e_q   <= ExpBits'($signed({5'd0, j_q}) - 10'sd16);
          k_q   <= '0;
        end
        StSearch: if (phase_q == 3'd5 && 64'(scaled[51:0]) <= lhs_q) k_q <= k_try;
        StFinal: begin
          if (k_q[17]) begin  // 2^17: sf_norm
            man_q <= 17'h10000;
            exp_q <= e_q + ExpBits'(1);
          end else begin
            man_q <= k_q[16:0];
            exp_q <= e_q;
          end
        end
        default: ;
      endcase
    end
    assign man_all[17*s +: 17]           = man_q;
    assign exp_all[ExpBits*s +: ExpBits] = exp_q;
  end

  // The phases line up with the pipelines: odd_q holds 2 k_try - 1 from phase 1 (registered in
  // phase 0 from k_q and bit_q), odd^2 is out of u_sq from phase 3, 127^2 odd^2 out of u_scaled
  // from phase 5, where k takes the bit or not (tests/kernel/token_norm_constants_test.cpp).
  logic [63:0] ne2_d_q, ne1_i_q;
  always_ff @(posedge clk_i) begin
    if (state_q == StFinal && ne_done) begin
      ne2_d_q <= ne2_q;
      ne1_i_q <= ne1_q;
    end
  end

  logic unused;
  assign unused = ^{hidden_i[31:14], inter_i[31:14], dm[39:38], ne1_wide[10:0]};

  assign ready_o   = (state_q == StDone) && !start_i;
  assign ne2_d_o   = ne2_d_q;
  assign ne1_i_o   = ne1_i_q;
  assign c_d_man_o = man_all[16:0];
  assign c_d_exp_o = exp_all[ExpBits-1:0];
  assign c_i_man_o = man_all[33:17];
  assign c_i_exp_o = exp_all[2*ExpBits-1:ExpBits];

endmodule
