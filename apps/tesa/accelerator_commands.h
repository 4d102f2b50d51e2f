// accelerator_commands.h -- sub-commands that run the accelerator model (SystemC), linked into
// `tesa` but not into `tesa-core` (the build's model generator).
#pragma once

#include "apps/tesa/commands.h"
#include "sc_models/cosim_library.h"
#include "sc_models/gemm.h"
#include "sc_models/memory_energy.h"
#include "sc_models/network_energy.h"
#include "sc_models/multiplier_backend.h"
#include "sc_models/system.h"

namespace tesa::cli {

Command make_flow_command();

// --backend cosim: the timed models of the table `tables` when not empty -- rebuilt from the
// accelerator's netlist and SDF under --out at the table's operating point, which must be the ones
// the table was made from (netlist and SDF hashes, key; Error otherwise) -- else of the
// operating-point options; built on demand and cached under <out>/cosim/<key>
// (sc_models/cosim_library.h). `point` receives the operating point.
std::shared_ptr<const CosimModels> cosim_models_for(const po::variables_map& vm, const std::filesystem::path& tables,
                                                    Context& ctx, OperatingPoint* point = nullptr);

// The area of the array's PEs (rtl/mac_pe.v synthesized onto the typical corner under --out, on
// demand): one line, "PE ... um^2; RxC array of PEs ... um^2 (... mm^2)".
std::string pe_area_line(const po::variables_map& vm, Dataflow dataflow, WeightPort port, int rows, int cols);
Command make_gemm_command();
Command make_power_command();
Command make_array_study_command();

// The array's energy per PE-cycle for a network's conv/fc layers (sc_models/network_energy.h):
// the dataflow's PE netlist synthesized under --out (cached), OpenSTA at the three corners of
// --pdk-dir, measured on one test image's streams at `clock_ps` and priced at any voltage; work files
// under <out>/power/network/<network>_<pe>_<RxC>_T<clock>_image<I>.
struct ArrayEnergySpec {
    std::string network;
    int rows = 16, cols = 16;
    Dataflow dataflow = Dataflow::WeightStationary;
    WeightPort port = WeightPort::A;
    int sample_pes = 8;
    uint64_t power_seed = 1;
    int energy_image = 0;
    double clock_ps = 0;
    double volts = 1.1;  // where the measurement's energies are stated (any voltage prices later)
    bool glitches = false;  // add the multiplier's glitches (pe_energy.h, GlitchSource)
};
NetworkEnergy measure_array_energy(const po::variables_map& vm, const ArrayEnergySpec& s, const QuantizedModel& base, Context& ctx);
// The multiplier netlist and SDF of the timing setup (OpenSTA at its corner), for the glitches.
GlitchSource glitch_source(const TimingSetupOptions& setup);
// --sample-pes, --power-seed, --energy-image, --glitches: the options measure_array_energy reads.
void add_array_energy_options(po::options_description& d);
void add_glitches_option(po::options_description& d);  // --glitches

Command make_run_command();

Command make_explore_command();
Command make_sweep_command();

struct ExploreSpec {
    std::string network = "lenet5-mnist";
    std::vector<double> voltages{1.10};
    std::vector<ClockSpec> clocks{{ClockSpec::Kind::Scale, 0.85}};
    double time_step_ps = 10;
    Semantics semantics = Semantics::SdfSim;
    int dies = 0;              // unregulated rows over this many dies (0: none)
    double sigma = 0.05;
    uint64_t first_die = 1;
    StudyOptions study;        // regulations, seeds, port (also the energy's), model, wd_fraction, threads
    size_t images = 0;         // test images (0: all)
    int rows = 16, cols = 16;  // the array the energy is measured on
    Dataflow dataflow = Dataflow::WeightStationary;
    int sample_pes = 8;
    uint64_t power_seed = 1;
    int energy_image = 0;
    bool glitches = false;     // the energy with the multiplier's glitches
    bool array_accuracy = false;  // the variants also on the cycle-accurate array (errors "array")
    bool plot = true;
};

// The trade-off of `s` over the grid voltages x clocks (tables from the cache under --out,
// characterized when missing; --pdk-dir, --corner, --data-dir from vm); writes
// <out>/explore/<network>_<grid>.{csv,md,png} and returns the CSV path.
std::filesystem::path run_and_write_explore(const po::variables_map& vm, const ExploreSpec& s, Context& ctx);

}  // namespace tesa::cli
