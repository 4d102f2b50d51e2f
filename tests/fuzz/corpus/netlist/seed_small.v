/* a flat gate-level netlist of Nangate45 cells */
module tiny(a, b, y);
  input [1:0] a;
  input b;
  output [1:0] y;
  wire n1;
  (* keep *)
  INV_X1 u0 (.A(a[0]), .ZN(n1));
  AOI21_X1 u1 (.A(n1), .B1(a[1]), .B2(b), .ZN(y[0]));
  BUF_X1 u2 (.A(1'b1), .Z(y[1]));
endmodule
