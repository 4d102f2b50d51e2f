# synth.tcl -- map rtl/booth_mul.v onto a Liberty library with Yosys (run as `yosys -c synth.tcl`).
#
# Inputs come from the environment so that the CLI (`tesa synth`) and the CMake build use one script:
#   TESA_RTL      Verilog sources, separated by ';' (rtl/booth_mul.v; the PE: rtl/mac_pe.v;rtl/booth_mul.v)
#   TESA_TOP      top module (booth_mul, mac_pe_ws, mac_pe_os)
#   TESA_WIDTH    operand width N (even, >= 4)
#   TESA_PARAMS   optional further top parameters, NAME=VALUE separated by ';' (WEIGHT_ON_B=1)
#   TESA_LIBERTY  uncompressed Liberty file
#   TESA_OUTDIR   directory for netlist.v, netlist.json, cells.v, stat.txt
# The flow keeps the netlist readable by OpenSTA: flattened, no assign of concatenations
# (splitnets + insbuf), constants from tie cells.
yosys -import

set rtl     $::env(TESA_RTL)
set top     $::env(TESA_TOP)
set width   $::env(TESA_WIDTH)
set lib     $::env(TESA_LIBERTY)
set outdir  $::env(TESA_OUTDIR)

read_liberty -lib $lib
foreach source [split $rtl ";"] { read_verilog -defer $source }
chparam -set N $width $top
if {[info exists ::env(TESA_PARAMS)] && $::env(TESA_PARAMS) ne ""} {
    foreach assignment [split $::env(TESA_PARAMS) ";"] {
        set kv [split $assignment "="]
        chparam -set [lindex $kv 0] [lindex $kv 1] $top
    }
}
hierarchy -check -top $top
synth -top $top -flatten
dfflibmap -liberty $lib
abc -liberty $lib
opt_clean -purge
hilomap -hicell LOGIC1_X1 Z -locell LOGIC0_X1 Z
setundef -zero
splitnets
opt_clean -purge
insbuf -buf BUF_X1 A Z
check -assert
tee -q -o $outdir/stat.txt stat -liberty $lib
write_verilog -noattr -noexpr $outdir/netlist.v
write_json $outdir/netlist.json

# Simulation models of every cell, from the Liberty `function` attributes (cells without one, such
# as clock-gating cells, are skipped by -ignore_miss_func).
design -reset
read_liberty -ignore_miss_func $lib
write_verilog -noattr $outdir/cells.v
