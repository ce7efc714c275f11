// The build-time constants of docs/numerics.md section 4 (golden::norm_constants) for the two
// vector lengths of a model, worked out once per command from the descriptor:
//   NE2(d)  = round((eps_block * eps_bl) * d * 2^32)   (IEEE double: the d-fold product is
//             rounded to 53 bits, nearest even, before the half-away rounding to an integer)
//   NE1(I)  = round(I * eps_bl * 2^32)                  (exact: 24-bit eps times a 14-bit I)
//   C(n)    = sf_from_double(sqrt(n) * 2^16 / 127)      for n = d and n = I
// eps_bl is BitLinear's own epsilon, the float32 1e-6 (0x358637BD = 8796093 * 2^-43).
// C(n) is found without a square root: its exponent e = floor(log2 c) - 16 is the largest j - 16
// with n * 2^32 >= 127^2 * 4^j, and its mantissa the largest k with
// 127^2 * (2k - 1)^2 <= 4n * 2^(32 - 2e), i.e. c * 2^-e rounded half away; 18 cycles per n,
// one bit of k per cycle. This equals the double evaluation for every n < 16129 (checked when
// this was written: the exact value is never within the double's error of a rounding tie there).
module mmfree_token_norm_constants #(
  parameter int unsigned ExpBits = 10
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      start_i,    // one cycle; the inputs then stay stable
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

  localparam logic [63:0] EpsBlMantissa = 64'd8796093;  // 1e-6f = 8796093 * 2^-43
  localparam int          EpsBlExponent = -43;
  localparam logic [63:0] Sq127         = 64'd16129;

  // ---- NE1(I) and NE2(d): combinational, registered when the search ends --------------------
  logic [63:0] ne1_i, ne2_d, shifted_hi;
  assign ne1_i = (64'(inter_i[13:0]) * EpsBlMantissa + 64'd1024) >> 11;

  always_comb begin
    logic [7:0]   biased;
    logic [23:0]  mag;
    int           x1, s, b, k;
    logic [63:0]  prod, q, low, half, mask;
    logic [127:0] rounded, shifted;
    biased = eps_i[30:23];
    mag    = (biased != 8'd0) ? {1'b1, eps_i[22:0]} : {1'b0, eps_i[22:0]};
    x1     = (biased != 8'd0) ? int'(biased) - 150 : -149;
    prod   = 64'(hidden_i[13:0]) * 64'(mag) * EpsBlMantissa;  // < 2^62
    b = 0;
    for (int unsigned i = 0; i < 64; i++) if (prod[i]) b = int'(i);
    k = (b > 52) ? b - 52 : 0;
    // Round prod to 53 significant bits, nearest even (the double product).
    mask = (k > 0) ? ((64'd1 << k) - 64'd1) : 64'd0;
    half = (k > 0) ? (64'd1 << (k - 1)) : 64'd0;
    low  = prod & mask;
    q    = prod >> k;
    if (k > 0 && (low > half || (low == half && q[0]))) q = q + 64'd1;
    rounded = 128'(q) << k;
    // Times 2^(x1 + x2 + 32), rounded half away (the value is positive).
    s = -(x1 + EpsBlExponent + 32);
    if (eps_i[31] || prod == 64'd0) begin
      shifted = '0;
    end else if (s >= 100) begin
      shifted = '0;
    end else if (s >= 1) begin
      shifted = (rounded + (128'd1 << (s - 1))) >> s;
    end else begin
      shifted = rounded << (-s);
    end
    ne2_d      = shifted[63:0];
    shifted_hi = shifted[127:64];
  end

  // ---- C(n): exponent by comparison, mantissa bit by bit --------------------------------------
  typedef enum logic [1:0] {StIdle, StSearch, StDone} state_e;
  state_e              state_q;
  logic                second_q;     // 0: n = d, 1: n = I
  logic [4:0]          bit_q;        // mantissa bit being tried, 17 .. 0
  logic [17:0]         k_q;
  logic [63:0]         lhs_q;        // 4n * 2^(32 - 2e)
  logic signed [ExpBits-1:0] e_q;
  logic [16:0]         c_d_man_q, c_i_man_q;
  logic signed [ExpBits-1:0] c_d_exp_q, c_i_exp_q;
  logic [63:0]         ne2_d_q, ne1_i_q;

  logic [13:0] n_cur;
  assign n_cur = second_q ? inter_i[13:0] : hidden_i[13:0];

  // Exponent of c = sqrt(n) * 2^16 / 127: the largest j in 0..16 with n * 2^32 >= 127^2 * 4^j.
  function automatic logic [4:0] log2_c(input logic [13:0] n);
    logic [4:0] j;
    j = 5'd0;
    for (int unsigned t = 0; t <= 16; t++) begin
      if ((64'(n) << 32) >= (Sq127 << (2 * t))) j = 5'(t);
    end
    log2_c = j;
  endfunction

  logic [4:0]  j_cur;
  logic [63:0] lhs_cur;
  assign j_cur   = log2_c(n_cur);
  // 4n * 2^(32 - 2(j - 16)) = n << (66 - 2j); j >= 9 for n >= 1, so the shift is <= 48.
  assign lhs_cur = 64'(n_cur) << (7'd66 - 7'(2 * j_cur));

  logic [17:0] k_try;
  logic [63:0] odd_sq;
  assign k_try  = k_q | (18'd1 << bit_q);
  logic [18:0] odd;
  assign odd    = {k_try, 1'b0} - 19'd1;
  assign odd_sq = 64'(odd) * 64'(odd);

  logic [16:0]               man_final;
  logic signed [ExpBits-1:0] exp_final;
  always_comb begin
    logic [17:0] k_last;
    k_last = (Sq127 * odd_sq <= lhs_q) ? k_try : k_q;
    if (k_last[17]) begin  // 2^17: sf_norm
      man_final = 17'h10000;
      exp_final = e_q + ExpBits'(1);
    end else begin
      man_final = k_last[16:0];
      exp_final = e_q;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= StIdle;
      second_q  <= 1'b0;
      bit_q     <= '0;
      k_q       <= '0;
      lhs_q     <= '0;
      e_q       <= '0;
      c_d_man_q <= '0;
      c_d_exp_q <= '0;
      c_i_man_q <= '0;
      c_i_exp_q <= '0;
      ne2_d_q   <= '0;
      ne1_i_q   <= '0;
    end else begin
      unique case (state_q)
        StIdle, StDone: begin
          if (start_i) begin
            state_q  <= StSearch;
            second_q <= 1'b0;
            bit_q    <= 5'd17;
            k_q      <= '0;
            lhs_q    <= 64'(hidden_i[13:0]) << (7'd66 - 7'(2 * log2_c(hidden_i[13:0])));
            e_q      <= ExpBits'($signed({5'd0, log2_c(hidden_i[13:0])}) - 10'sd16);
          end
        end
        StSearch: begin
          if (bit_q != 5'd0) begin
            if (Sq127 * odd_sq <= lhs_q) k_q <= k_try;
            bit_q <= bit_q - 5'd1;
          end else if (!second_q) begin
            c_d_man_q <= man_final;
            c_d_exp_q <= exp_final;
            second_q  <= 1'b1;
            bit_q     <= 5'd17;
            k_q       <= '0;
            lhs_q     <= 64'(inter_i[13:0]) << (7'd66 - 7'(2 * log2_c(inter_i[13:0])));
            e_q       <= ExpBits'($signed({5'd0, log2_c(inter_i[13:0])}) - 10'sd16);
          end else begin
            c_i_man_q <= man_final;
            c_i_exp_q <= exp_final;
            ne2_d_q   <= ne2_d;
            ne1_i_q   <= ne1_i;
            state_q   <= StDone;
          end
        end
        default: state_q <= StIdle;
      endcase
    end
  end

  logic unused;
  assign unused = ^{j_cur, lhs_cur, hidden_i[31:14], inter_i[31:14], shifted_hi};

  assign ready_o   = (state_q == StDone) && !start_i;
  assign ne2_d_o   = ne2_d_q;
  assign ne1_i_o   = ne1_i_q;
  assign c_d_man_o = c_d_man_q;
  assign c_d_exp_o = c_d_exp_q;
  assign c_i_man_o = c_i_man_q;
  assign c_i_exp_o = c_i_exp_q;

endmodule
