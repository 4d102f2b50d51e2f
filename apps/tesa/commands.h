// commands.h -- constructors of the sub-commands and the option groups several of them share.
#pragma once

#include "apps/tesa/cli.h"
#include "common/text_format.h"
#include "compiler/network_mapping.h"
#include "compiler/study.h"
#include "sc_models/memory_energy.h"
#include "networks/engine.h"
#include "rtl/synthesizer.h"
#include "timing/error_tables.h"
#include "timing/table_cache.h"
#include "timing/timing_setup.h"

#include <optional>

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

// The accelerator a study's memory energy is estimated on (memory_energy_estimate).
struct StudySystem {
    MappingOptions mapping;
    MemoryEnergyModel prices = default_memory_energy({mapping.weight_bytes, mapping.activation_bytes, mapping.output_bytes, mapping.parameter_bytes});
};

// Runs the study of `network` over the error tables `files` and writes
// <dir>/<network>_<model>_port<p>.{csv,md} and a PNG per regulation; returns the CSV path.
// The Markdown ends with the memory energy estimate on `system` (baseline and EAQ share one
// mapping; WD+EAQ's extra rows from the first table's probabilities).
std::filesystem::path run_and_write_study(const std::string& network, const Model& m, const std::vector<std::filesystem::path>& files,
                                          const StudyOptions& so, const QuantOptions& qo, const ImageSet& test,
                                          const std::filesystem::path& data, const std::filesystem::path& dir, Context& ctx,
                                          const StudySystem& system = {});


// A committed network (or `file` if not empty), checked against the data set its name implies.
// --dram-pj-per-access, --sram-pj-per-access, --memory-access-bytes (sc_models/memory_energy.h),
// and the model they give for scratchpads of `capacity` bytes (weights, activations, outputs,
// parameters).
void add_memory_energy_options(po::options_description& desc);
MemoryEnergyModel memory_energy_options(const po::variables_map& vm, const std::array<uint64_t, 4>& capacity);
// The memories' energy per inference of each model in `variants` (name, model) as the compiler
// maps it onto an accelerator of `o` (firmware traffic in closed form, compiler/network_mapping.h):
// a Markdown table with SRAM and DRAM energy, bytes and pJ per MAC of the memories.
std::string memory_energy_estimate(const std::vector<std::pair<std::string, const QuantizedModel*>>& variants, const MappingOptions& o,
                                   const MemoryEnergyModel& prices);

Model load_network(const std::string& network, const std::string& file);
// Test accuracy, FP32 or INT8 (quantized with activations calibrated on training images).
EvalResult measure_accuracy(const Model& m, const ImageSet& test, bool int8, const QuantOptions& qo,
                            const std::filesystem::path& data_dir, int threads);

// The Python that draws the plots: Debian's interpreter, where python3-matplotlib installs (a
// python3 earlier on PATH may lack it), else python3 on PATH.
std::string plot_python();

// Where a command's result files go: --results when given, else <--out>/<sub>.
std::filesystem::path results_dir(const po::variables_map& vm, const std::string& sub);

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
// The corner part of synthesis directory names: typ | fast | slow, or --liberty's stem.
std::string synth_corner_name(const po::variables_map& vm);
// --array "ROWSxCOLS" -> rows, cols; throws Error quoting the value otherwise.
void parse_array(const std::string& s, int& rows, int& cols);

// --corner value checked: typ, fast or slow.
std::string check_corner(const std::string& corner);
// Timing set-up of the design options at `corner` (--liberty applies when corner is --corner).
TimingSetupOptions timing_setup_options(const po::variables_map& vm, const std::string& corner);

// The semantics tables are made and looked up in when --semantics is not given.
inline constexpr const char* kDefaultSemantics = "sdf-sim";

// --clock-scale | --clock-ps | --frequency-mhz, --voltage, --time-step, --semantics, --sigma,
// --die-seed: the operating point of an error table (timing/operating_point.h). `scale_list`:
// --clock-scale takes S,S,... (one table each; the caller parses it).
void add_operating_point_options(po::options_description& desc, double default_scale, bool scale_list = false);
// The point those options give at `corner`; `scale` replaces --clock-scale's value (a list's item).
// Throws Error when the clock is given twice or --die-seed without --sigma.
OperatingPointSpec operating_point_spec(const po::variables_map& vm, const std::string& corner,
                                        std::optional<double> scale = {});
// Timing set-up of the accelerator's built-in multiplier (8-bit rtl/booth_mul.v, synthesized under
// --out when missing) at `corner`, or at --liberty when given.
TimingSetupOptions accelerator_timing_options(const po::variables_map& vm, const std::string& corner, int width = 8);
// The point timed at `setup` (its corner name replaces spec.corner; --pdk-dir for a voltage fit).
PointTiming resolve_point(const po::variables_map& vm, const TimingSetupOptions& setup, OperatingPointSpec spec);
// The point `tables` was made at, timed again from the built-in multiplier of its width under
// --out: Error naming both unless the netlist and SDF hashes (and key) are the table's.
PointTiming resolve_table_point(const po::variables_map& vm, const std::filesystem::path& tables);
// The cached tables of the point; Error naming it and the exact `tesa characterize` command that
// makes them when they are missing.
std::filesystem::path find_cached_tables(const po::variables_map& vm, const TimingSetupOptions& setup,
                                         const OperatingPointSpec& spec);


// Exhaustive characterization of the point into its cache file (timing/table_cache.h), progress
// on ctx.err; compile_exact: sdf-sim's exact program compiled (cached), same tables. `shard`: only
// its chunks (timing/characterizer.h; IncompleteTables while other shards' are missing).
ErrorTables write_error_tables(const PointTiming& pt, const std::filesystem::path& out, int threads, uint32_t chunk,
                               bool compile_exact, Context& ctx, const ShardSpec& shard = {});
// --shard "I/N" (0 <= I < N <= 4096); Error quoting the value otherwise.
ShardSpec parse_shard(const std::string& s);

}  // namespace tesa::cli
