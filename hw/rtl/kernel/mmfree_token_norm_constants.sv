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
  localparam logic [63:0] Sq127         = 64'd16129;

  // ---- NE1(I) and NE2(d): combinational, registered when the search ends --------------------
  logic [63:0] ne1_i, ne2_d, shifted_hi;
  assign ne1_i = (64'(inter_i[13:0]) * EpsBlMantissa + 64'd1024) >> 11;

  // eps_block = mag * 2^x1; the value times 2^(x1 - 43 + 32) is a right shift by
  // s = 11 - x1 = 161 - E (normal) or 160 (denormal, x1 = -149).
  logic [7:0]         eps_biased;
  logic [23:0]        eps_mag;
  logic signed [9:0]  ne2_shift;
  logic [63:0]        ne2_prod, ne2_q, ne2_low, ne2_half, ne2_mask, ne2_q_rounded;
  logic [5:0]         ne2_msb, ne2_drop;
  logic [127:0]       ne2_rounded, ne2_shifted;
  assign eps_biased = eps_i[30:23];
  assign eps_mag    = (eps_biased != 8'd0) ? {1'b1, eps_i[22:0]} : {1'b0, eps_i[22:0]};
  assign ne2_shift  = (eps_biased != 8'd0) ? 10'sd161 - $signed({2'b00, eps_biased}) : 10'sd160;
  assign ne2_prod   = 64'(hidden_i[13:0]) * 64'(eps_mag) * EpsBlMantissa;  // < 2^62, exact

  msb_index #(.Width(64)) u_ne2_msb (.value_i(ne2_prod), .index_o(ne2_msb));

  // Round the product to 53 significant bits, nearest even (the double multiplication).
  assign ne2_drop      = (ne2_msb > 6'd52) ? ne2_msb - 6'd52 : 6'd0;
  assign ne2_mask      = (64'd1 << ne2_drop) - 64'd1;
  assign ne2_half      = (ne2_drop != 6'd0) ? (64'd1 << (ne2_drop - 6'd1)) : 64'd0;
  assign ne2_low       = ne2_prod & ne2_mask;
  assign ne2_q         = ne2_prod >> ne2_drop;
  assign ne2_q_rounded = (ne2_drop != 6'd0 && (ne2_low > ne2_half || (ne2_low == ne2_half && ne2_q[0])))
                         ? ne2_q + 64'd1 : ne2_q;
  assign ne2_rounded   = 128'(ne2_q_rounded) << ne2_drop;

  // Then times 2^-s, rounded half away from zero (the value is positive).
  always_comb begin
    if (eps_i[31] || ne2_prod == 64'd0 || ne2_shift >= 10'sd100) begin
      ne2_shifted = '0;
    end else if (ne2_shift >= 10'sd1) begin
      ne2_shifted = (ne2_rounded + (128'd1 << (ne2_shift - 10'sd1))) >> ne2_shift;
    end else begin
      ne2_shifted = ne2_rounded << (-ne2_shift);
    end
  end
  assign ne2_d      = ne2_shifted[63:0];
  assign shifted_hi = ne2_shifted[127:64];

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
