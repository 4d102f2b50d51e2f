// mac_pe.v -- the processing element of tesa's systolic array as hardware: operand registers with
// their valid bits, the radix-4 Booth multiplier (rtl/booth_mul.v) and the accumulate adder into the
// partial-sum register. Two tops, one per dataflow; sc_models/array_core.h is the cycle model they
// implement (tests/rtl/mac_pe_test.cpp checks every register against it, cycle by cycle).
//
// Clock periods and registers
//   After the clock edge that begins period t the operand registers hold the operands of period t:
//   the multiplier sees them for the whole period and the partial-sum register captures
//   psum_in + product at the next edge. So the partial-sum register lags the C++ model's `psum`
//   (which names the adder's output) by one period, and its control (drain) is that of
//   the period that has just ended. The multiplier's inputs are the operand registers themselves:
//   its previous operands are whatever they held one period earlier, bubbles included -- the
//   transition the error tables are indexed by.
//   A product is added only when both valid bits are set (busy); otherwise the adder adds 0.
//
// Ports common to both tops
//   act_in / act_valid_in      from the left neighbour's act_out (column 0: the row's edge)
//   flush                      the first period of a fold: the valid registers take 0 instead of
//                              their neighbour's bit (sc_models/array_core.cpp, start_fold: data of
//                              the last fold still in flight must not meet the new fold's operands).
//                              Edge PEs take the edge's bit regardless; the array's controller
//                              drives flush only into interior PEs.
//   WEIGHT_ON_B = 0            the weight is the multiplicand a (port A), the activation drives the
//                              Booth encoders b; 1: the other way round (weight port B).
`default_nettype none
/* verilator lint_off DECLFILENAME */

// Weight-stationary: the weight is loaded in parallel (load) and held for a fold; activations move
// right, partial sums move down (psum_in from the PE above, 0 in row 0).
module mac_pe_ws #(
    parameter integer N = 8,
    parameter integer ACC = 32,
    parameter integer WEIGHT_ON_B = 0
) (
    input  wire           clk,
    input  wire [N-1:0]   act_in,
    input  wire           act_valid_in,
    input  wire           flush,
    input  wire           load,
    input  wire [N-1:0]   weight_in,
    input  wire           weight_valid_in,
    input  wire [ACC-1:0] psum_in,
    output wire [N-1:0]   act_out,
    output wire           act_valid_out,
    output wire [N-1:0]   weight_out,
    output wire           weight_valid_out,
    output wire [ACC-1:0] psum_out
);
    reg [N-1:0]   act_r, weight_r;
    reg           act_v_r, weight_v_r;
    reg [ACC-1:0] psum_r;
    wire [ACC-1:0] addend;

    mac_pe_datapath #(.N(N), .ACC(ACC), .WEIGHT_ON_B(WEIGHT_ON_B)) dp (
        .weight(weight_r), .act(act_r), .busy(act_v_r & weight_v_r), .addend(addend));

    always @(posedge clk) begin
        act_r   <= act_in;
        act_v_r <= act_valid_in & ~flush;
        if (load) begin
            weight_r   <= weight_in;
            weight_v_r <= weight_valid_in;
        end
        psum_r <= psum_in + addend;
    end

    assign act_out = act_r;
    assign act_valid_out = act_v_r;
    assign weight_out = weight_r;
    assign weight_valid_out = weight_v_r;
    assign psum_out = psum_r;
endmodule

// Output-stationary: activations move right, weights move down (both with valid bits), the
// partial-sum register accumulates. drain: the period that ended was a drain period, so the
// accumulator takes psum_in (the PE above's; 0 in row 0) and the results leave through the bottom
// row, one per period. A fold's R drain periods shift zeros into every accumulator, so the next
// fold starts from 0 without a clear.
module mac_pe_os #(
    parameter integer N = 8,
    parameter integer ACC = 32,
    parameter integer WEIGHT_ON_B = 0
) (
    input  wire           clk,
    input  wire [N-1:0]   act_in,
    input  wire           act_valid_in,
    input  wire           flush,
    input  wire [N-1:0]   weight_in,
    input  wire           weight_valid_in,
    input  wire           drain,
    input  wire [ACC-1:0] psum_in,
    output wire [N-1:0]   act_out,
    output wire           act_valid_out,
    output wire [N-1:0]   weight_out,
    output wire           weight_valid_out,
    output wire [ACC-1:0] psum_out
);
    reg [N-1:0]   act_r, weight_r;
    reg           act_v_r, weight_v_r;
    reg [ACC-1:0] acc_r;
    wire [ACC-1:0] addend;

    mac_pe_datapath #(.N(N), .ACC(ACC), .WEIGHT_ON_B(WEIGHT_ON_B)) dp (
        .weight(weight_r), .act(act_r), .busy(act_v_r & weight_v_r), .addend(addend));

    always @(posedge clk) begin
        act_r      <= act_in;
        act_v_r    <= act_valid_in & ~flush;
        weight_r   <= weight_in;
        weight_v_r <= weight_valid_in & ~flush;
        acc_r      <= drain ? psum_in : acc_r + addend;
    end

    assign act_out = act_r;
    assign act_valid_out = act_v_r;
    assign weight_out = weight_r;
    assign weight_valid_out = weight_v_r;
    assign psum_out = acc_r;
endmodule

// The multiplier and the gating of its product: addend = busy ? sign-extended weight * act : 0.
module mac_pe_datapath #(
    parameter integer N = 8,
    parameter integer ACC = 32,
    parameter integer WEIGHT_ON_B = 0
) (
    input  wire [N-1:0]   weight,
    input  wire [N-1:0]   act,
    input  wire           busy,
    output wire [ACC-1:0] addend
);
    wire [2*N-1:0] p;
    booth_mul #(.N(N)) mul (
        .a(WEIGHT_ON_B != 0 ? act : weight),
        .b(WEIGHT_ON_B != 0 ? weight : act),
        .p(p));
    assign addend = busy ? {{(ACC - 2 * N){p[2*N-1]}}, p} : {ACC{1'b0}};
endmodule
