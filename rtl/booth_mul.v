// booth_mul.v -- signed radix-4 Booth-encoded N x N -> 2N multiplier, written structurally.
//
// Operands and roles
//   a : multiplicand, N-bit two's complement. Selected (x1 / x2, inverted) by the partial-product
//       selectors; it never enters a Booth encoder.
//   b : multiplier,   N-bit two's complement. It feeds the Booth ENCODERS: every selector of row i
//       is steered by the digit of b[2i+1:2i-1]. Paths launched by b therefore fan out through the
//       encoder select lines to whole partial-product rows (see docs for why this matters).
//   p : a * b, 2N-bit two's complement (exact: -2^(N-1) * -2^(N-1) = 2^(2N-2) fits).
//
// Structure (N even, N >= 4)
//   1. Booth digits. Row i (i = 0 .. N/2-1) takes the triplet (b[2i+1], b[2i], b[2i-1]), b[-1] = 0,
//      digit d_i = -2 b[2i+1] + b[2i] + b[2i-1] in {-2,-1,0,1,2}; encoder outputs
//      one_i = b[2i] ^ b[2i-1], two_i = triplet in {011, 100}, neg_i = b[2i+1].
//   2. Partial-product rows. pp_i[j] = ((one_i & a[j]) | (two_i & a[j-1])) ^ neg_i for j = 0..N,
//      a[N] = a[N-1] (sign extension), a[-1] = 0: an (N+1)-bit two's-complement value equal to
//      d_i * a minus neg_i (one's complement); the missing +neg_i is added in the correction row.
//      Row i is weighted by 4^i.
//   3. Sign-extension trick. A row's value is pp_i[N-1:0] + ~pp_i[N] * 2^N - 2^N, so each row
//      contributes its N low bits plus the inverted sign bit at position N, and the constants
//      -2^(N+2i) of all rows are summed once: K = -(sum_i 2^(N+2i)) mod 2^(2N).
//      The correction row holds K (bits >= N) and neg_i at bit 2i (bits <= N-2): they never
//      overlap, so the row is plain wiring. N=8: K = 0xAB00, correction row = 0xAB00 | neg bits.
//   4. Reduction. The N/2 + 1 rows (5 for N=8, 3 for N=4) go through a Wallace tree of carry-save
//      adders: each level groups its rows in threes and turns every group into a sum row and a
//      carry row (a row of full adders; a full adder with a constant-0 input is a half adder after
//      synthesis), rows left over pass to the next level. Rows per level: 5 -> 4 -> 3 -> 2 for
//      N=8 (3 levels), 3 -> 2 for N=4 (1 level).
//   5. Final carry-propagate adder: a 2N-bit ripple-carry adder of full adders (the long carry
//      chain is deliberate: it is the critical path a timing study expects to see).
//   All arithmetic is modulo 2^(2N); carries out of bit 2N-1 are dropped.

`default_nettype none
/* verilator lint_off DECLFILENAME */

module booth_mul #(
    parameter integer N = 8
) (
    input  wire [N-1:0]   a,
    input  wire [N-1:0]   b,
    output wire [2*N-1:0] p
);
    localparam integer W      = 2 * N;      // product / row width
    localparam integer DIGITS = N / 2;      // Booth digits = partial-product rows
    localparam integer ROWS0  = DIGITS + 1; // + correction row
    localparam integer LEVELS = wallace_levels(ROWS0);

    // Rows entering Wallace level l.
    function automatic integer rows_at(input integer r0, input integer l);
        integer r, k;
        begin
            r = r0;
            for (k = 0; k < l; k = k + 1) r = 2 * (r / 3) + (r % 3);
            rows_at = r;
        end
    endfunction

    function automatic integer wallace_levels(input integer r0);
        integer r, k;
        begin
            r = r0;
            k = 0;
            while (r > 2) begin
                r = 2 * (r / 3) + (r % 3);
                k = k + 1;
            end
            wallace_levels = k;
        end
    endfunction

    // K = -(sum_i 2^(N+2i)) mod 2^W
    function automatic [W-1:0] sign_constant(input integer n);
        integer i;
        reg [W-1:0] s;
        begin
            s = {W{1'b0}};
            for (i = 0; i < n / 2; i = i + 1) s = s + ({{(W-1){1'b0}}, 1'b1} << (n + 2 * i));
            sign_constant = ~s + {{(W-1){1'b0}}, 1'b1};
        end
    endfunction

    localparam [W-1:0] K = sign_constant(N);

    // Every row of every Wallace level, flattened: row r of level l is t[(l*ROWS0 + r)*W +: W].
    // Slots past a level's row count are tied to 0 and never read.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [(LEVELS+1)*ROWS0*W-1:0] t /*verilator split_var*/;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [DIGITS-1:0] neg;

    genvar i, j, l, g;

    // ---- 1-3: Booth encoders, partial-product selectors, rows of level 0 -------------------------
    generate
        for (i = 0; i < DIGITS; i = i + 1) begin : digit
            wire b_lo, one, two;
            if (i == 0) begin : first
                assign b_lo = 1'b0;
            end else begin : inner
                assign b_lo = b[2*i-1];
            end
            wire [N:0] pp;
            booth_encoder enc (.b2(b[2*i+1]), .b1(b[2*i]), .b0(b_lo),
                               .one(one), .two(two), .neg(neg[i]));
            for (j = 0; j <= N; j = j + 1) begin : sel
                wire a_j, a_jm1;
                if (j == N) begin : sext
                    assign a_j = a[N-1];
                end else begin : body
                    assign a_j = a[j];
                end
                if (j == 0) begin : lsb
                    assign a_jm1 = 1'b0;
                end else begin : shifted
                    assign a_jm1 = a[j-1];
                end
                booth_selector s (.one(one), .two(two), .neg(neg[i]),
                                  .a_j(a_j), .a_jm1(a_jm1), .pp(pp[j]));
            end
            // Row i: pp[N-1:0] at bits 2i.., the inverted sign ~pp[N] at bit N+2i, zero elsewhere.
            for (j = 0; j < W; j = j + 1) begin : place
                if (j >= 2*i && j < 2*i + N) begin : low
                    assign t[(0*ROWS0 + i)*W + j] = pp[j - 2*i];
                end else if (j == 2*i + N) begin : sign
                    assign t[(0*ROWS0 + i)*W + j] = ~pp[N];
                end else begin : zero
                    assign t[(0*ROWS0 + i)*W + j] = 1'b0;
                end
            end
        end

        // Correction row: sign constant K and the +1 of every negated row.
        for (j = 0; j < W; j = j + 1) begin : corr
            if (j < N && j % 2 == 0)
                assign t[(0*ROWS0 + DIGITS)*W + j] = neg[j/2];
            else
                assign t[(0*ROWS0 + DIGITS)*W + j] = K[j];
        end
    endgenerate

    // ---- 4: Wallace tree of carry-save adders --------------------------------------------------
    generate
        for (l = 0; l < LEVELS; l = l + 1) begin : level
            localparam integer NR  = rows_at(ROWS0, l);
            localparam integer NG  = NR / 3;              // full groups of three rows
            localparam integer NXT = rows_at(ROWS0, l + 1);
            for (g = 0; g < NG; g = g + 1) begin : group
                csa_row #(.W(W)) csa (
                    .x(t[(l*ROWS0 + 3*g)*W +: W]),
                    .y(t[(l*ROWS0 + 3*g + 1)*W +: W]),
                    .z(t[(l*ROWS0 + 3*g + 2)*W +: W]),
                    .s(t[((l+1)*ROWS0 + 2*g)*W +: W]),
                    .c(t[((l+1)*ROWS0 + 2*g + 1)*W +: W]));
            end
            for (g = 3 * NG; g < NR; g = g + 1) begin : pass
                assign t[((l+1)*ROWS0 + 2*NG + (g - 3*NG))*W +: W] = t[(l*ROWS0 + g)*W +: W];
            end
            for (g = NXT; g < ROWS0; g = g + 1) begin : unused
                assign t[((l+1)*ROWS0 + g)*W +: W] = {W{1'b0}};
            end
        end
    endgenerate

    // ---- 5: ripple-carry adder of the two remaining rows -----------------------------------------
    ripple_adder #(.W(W)) cpa (
        .x(t[(LEVELS*ROWS0 + 0)*W +: W]),
        .y(t[(LEVELS*ROWS0 + 1)*W +: W]),
        .s(p));
endmodule

// Radix-4 Booth encoder for the triplet (b2, b1, b0): digit = -2 b2 + b1 + b0.
module booth_encoder (
    input  wire b2, b1, b0,
    output wire one, two, neg
);
    assign one = b1 ^ b0;
    assign two = (b2 & ~b1 & ~b0) | (~b2 & b1 & b0);
    assign neg = b2;
endmodule

// Partial-product bit: selects a_j (x1) or a_{j-1} (x2), inverted for a negative digit.
module booth_selector (
    input  wire one, two, neg, a_j, a_jm1,
    output wire pp
);
    assign pp = ((one & a_j) | (two & a_jm1)) ^ neg;
endmodule

module full_adder (
    input  wire x, y, cin,
    output wire s, cout
);
    assign s    = x ^ y ^ cin;
    assign cout = (x & y) | (x & cin) | (y & cin);
endmodule

// Carry-save adder: three rows in, a sum row and a carry row (shifted left by one) out.
module csa_row #(
    parameter integer W = 16
) (
    input  wire [W-1:0] x, y, z,
    output wire [W-1:0] s, c
);
    /* verilator lint_off UNUSEDSIGNAL */
    wire [W:0] carry; // carry[W] falls off the 2N-bit product (mod 2^2N)
    /* verilator lint_on UNUSEDSIGNAL */
    genvar k;
    generate
        for (k = 0; k < W; k = k + 1) begin : bit_
            full_adder fa (.x(x[k]), .y(y[k]), .cin(z[k]), .s(s[k]), .cout(carry[k+1]));
        end
    endgenerate
    assign carry[0] = 1'b0;
    assign c = carry[W-1:0];
endmodule

module ripple_adder #(
    parameter integer W = 16
) (
    input  wire [W-1:0] x, y,
    output wire [W-1:0] s
);
    /* verilator lint_off UNUSEDSIGNAL */
    wire [W:0] carry; // carry[W] falls off the 2N-bit product (mod 2^2N)
    /* verilator lint_on UNUSEDSIGNAL */
    genvar k;
    generate
        for (k = 0; k < W; k = k + 1) begin : bit_
            full_adder fa (.x(x[k]), .y(y[k]), .cin(carry[k]), .s(s[k]), .cout(carry[k+1]));
        end
    endgenerate
    assign carry[0] = 1'b0;
endmodule

`default_nettype wire
