// commands.h -- constructors of the sub-commands and the option groups several of them share.
#pragma once

#include "apps/tesa/cli.h"
#include "rtl/synthesizer.h"

#include <filesystem>

namespace tesa::cli {

Command make_synth_command();
Command make_netlist_command();
Command make_flow_command();
Command make_version_command();
Command make_timing_command();
Command make_characterize_command();
Command make_tables_command();

// --corner / --pdk-dir / --liberty: which Liberty file to read.
void add_liberty_options(po::options_description& desc);
std::filesystem::path liberty_path(const po::variables_map& vm);

// --width / --rtl / --script / --top / --out: what to synthesize and where results go.
void add_design_options(po::options_description& desc);
// Synthesis options from add_design_options + add_liberty_options (+ --out-dir if defined);
// results default to <out>/synth/<top>_w<N>_<corner>.
SynthOptions synth_options(const po::variables_map& vm);

}  // namespace tesa::cli
