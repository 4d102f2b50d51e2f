// sta_runner.h -- static timing of the multiplier with OpenSTA, as it sits in a PE.
//
// tesa writes a wrapper that puts the mapped multiplier between launch flip-flops on every
// operand bit and capture flip-flops on every product bit (the Liberty's DFF_X1 by default), so
// input slews, output loads, CK->Q delays and setup times are the library's own. A generated Tcl
// script makes OpenSTA report the critical path and the N worst endpoints and write SDF; tesa
// parses the report. No delay is computed by tesa itself.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tesa {

struct StaOptions {
    std::filesystem::path netlist;  // mapped multiplier (netlist.v from synthesis)
    std::filesystem::path liberty;  // .lib or .lib.gz of the corner to time
    std::string top = "booth_mul";
    std::string reg_cell = "DFF_X1";  // launch/capture flip-flop (pins CK, D, Q)
    int path_count = 10;              // endpoints listed in the report
    std::filesystem::path out_dir;    // replaced as a whole on success
    std::filesystem::path liberty_cache;  // where a .gz Liberty is decompressed (OpenSTA needs text)
};

struct StaPathPoint {
    std::string pin;   // e.g. "u_mul/_575_/Z"
    std::string cell;  // e.g. "XOR2_X1"
    char edge = '^';   // '^' rise, 'v' fall
    double delay_ps = 0, time_ps = 0;
};

struct StaEndpoint {
    std::string pin;
    double arrival_ps = 0, slack_ps = 0;
};

struct StaResult {
    std::filesystem::path out_dir, sdf, report, wrapper;
    std::string startpoint, endpoint;
    double arrival_ps = 0;     // data arrival at the worst endpoint, from the clock edge (incl. CK->Q)
    double setup_ps = 0;       // library setup time at that endpoint
    double min_period_ps = 0;  // arrival + setup: the shortest clock with no violation
    std::vector<StaPathPoint> critical_path;
    std::vector<StaEndpoint> endpoints;  // worst first
    std::string report_text;   // OpenSTA's own report of the critical path
};

// Throws Error if `sta` is missing, fails, or its report cannot be understood.
StaResult run_sta(const StaOptions& options);

// Multiplier port names in the wrapper: the netlist's a, b, p are driven/captured by
// ra_<i>, rb_<i>, rp_<j>; the multiplier instance is u_mul.
std::string pe_wrapper_verilog(const std::string& top, int width, const std::string& reg_cell);

}  // namespace tesa
