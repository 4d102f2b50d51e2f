// commands.h -- constructors of the sub-commands and the option groups several of them share.
#pragma once

#include "apps/tesa/cli.h"
#include "compiler/study.h"
#include "networks/engine.h"
#include "rtl/synthesizer.h"
#include "timing/error_tables.h"
#include "timing/timing_setup.h"

#include <filesystem>

namespace tesa::cli {

Command make_synth_command();
Command make_netlist_command();
Command make_version_command();
Command make_timing_command();
Command make_characterize_command();
Command make_tables_command();
Command make_data_command();
Command make_eval_command();
Command make_study_command();
Command make_fw_command();

// Runs the study of `network` over the error tables `files` and writes
// <out>/study/<network>_<model>_port<p>.{csv,md} and a PNG per regulation; returns the CSV path.
std::filesystem::path run_and_write_study(const std::string& network, const Model& m, const std::vector<std::filesystem::path>& files,
                                          const StudyOptions& so, const QuantOptions& qo, const ImageSet& test,
                                          const std::filesystem::path& data, const std::filesystem::path& out, Context& ctx);

// "a,b,c" -> {"a", "b", "c"} (empty items dropped); `sep` other than ',' for nested lists.
std::vector<std::string> split_list(const std::string& s, char sep = ',');
// One number through a printf format ("%.2f"), for tables.
std::string fmt(const char* format, double v);

// A committed network (or `file` if not empty), checked against the data set its name implies.
Model load_network(const std::string& network, const std::string& file);
// Test accuracy, FP32 or INT8 (quantized with activations calibrated on training images).
EvalResult measure_accuracy(const Model& m, const ImageSet& test, bool int8, const QuantOptions& qo,
                            const std::filesystem::path& data_dir, int threads);

// --data-dir: the data-set cache.
void add_data_dir_option(po::options_description& desc);

// --corner / --pdk-dir / --liberty: which Liberty file to read.
void add_liberty_options(po::options_description& desc);
std::filesystem::path liberty_path(const po::variables_map& vm);

// --width / --rtl / --script / --top / --out: what to synthesize and where results go.
void add_design_options(po::options_description& desc);
// Synthesis options from add_design_options + add_liberty_options (+ --out-dir if defined);
// results default to <out>/synth/<top>_w<N>_<corner>.
SynthOptions synth_options(const po::variables_map& vm);

// --corner value checked: typ, fast or slow.
std::string check_corner(const std::string& corner);
// Timing set-up of the design options at `corner` (--liberty applies when corner is --corner).
TimingSetupOptions timing_setup_options(const po::variables_map& vm, const std::string& corner);

// Where write_error_tables puts the tables of module `top` (width, corner, clock scale, step,
// semantics name; delay-line tables keep the name they had before semantics were recorded).
std::filesystem::path error_tables_file(const std::filesystem::path& out, const std::string& top, int width,
                                        const std::string& corner, double clock_scale, double time_step,
                                        const std::string& semantics = "delay-line");

// Exhaustive characterization at clock_scale x OpenSTA's min period; tables with their provenance
// written to <out>/tables/<name>.h5 (returned), work files under <out>/characterize/<name>.
// The built-in co-simulated multipliers (--backend cosim) are Verilated delay-line models: tables
// of another semantics would silently be compared with them. Throws Error naming `file` then.
void require_cosim_semantics(const ErrorTables& tables, const std::string& file);

// `semantics`: delay-line or sdf-sim (timing/semantics.h); compile_exact: sdf-sim's exact program
// compiled (cached) rather than interpreted, same tables.
std::filesystem::path write_error_tables(const TimingSetup& t, const std::string& corner, double clock_scale,
                                         double time_step, const std::filesystem::path& out, int threads,
                                         uint32_t chunk, Context& ctx, ErrorTables& tables,
                                         const std::string& semantics = "delay-line", bool compile_exact = false);

}  // namespace tesa::cli
