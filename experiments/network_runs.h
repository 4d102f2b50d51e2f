// network_runs.h -- whole networks end to end on the simulated SoC (host, bus, DRAM, accelerator
// with the cycle-accurate array), compiled by the host-side compiler, for each variant (baseline,
// EAQ, WD+EAQ) and dataflow: accuracy with its confidence interval, MACs, cycles, utilisation and
// timing errors per layer, as Markdown and CSV; energy per layer and per inference of the
// scratchpads and DRAM (their counted traffic priced by sc_models/memory_energy.h) and, when asked,
// of the array's PEs (network_energy.h, priced on the SoC's own busy and idle PE-cycles).
//
// The images are split over `jobs` forked processes (SystemC's kernel is single-threaded); each
// image draws its slow cycles from (seed, image index), so the results do not depend on the
// split. Every finished image is journaled under <dir>/journal/: an interrupted run (or one cut
// short by budget_images) continues where it stopped when the same spec runs again.
#pragma once

#include "common/console.h"
#include "networks/datasets.h"
#include "networks/engine.h"
#include "sc_models/cosim_library.h"
#include "sc_models/memory_energy.h"
#include "sc_models/multiplier_backend.h"
#include "sc_models/network_energy.h"
#include "sc_models/system.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tesa {

struct NetworkRunSpec {
    std::string network;
    std::vector<std::string> variants{"baseline"};  // baseline, eaq, wd+eaq
    std::vector<Dataflow> dataflows{Dataflow::WeightStationary};
    WeightPort weight_port = WeightPort::A;
    std::string regulation = "1.5sigma";
    std::filesystem::path tables_file;  // needed with errors or mitigated variants
    SystemConfig system;
    uint64_t seed = 1;
    double wd_fraction = 0.01;
    int jobs = 1;
    size_t budget_images = 0;  // simulate at most this many now (0: all); the journal keeps the rest
    MultiplierBackendKind backend = MultiplierBackendKind::Fast;
    std::shared_ptr<const CosimModels> cosim;  // backend cosim: the tables' timed models
    size_t calibration_images = 1000;
    std::filesystem::path dump_firmware;  // prefix; empty: none
    // Prices of the scratchpads' and DRAM's traffic (default: for the default scratchpads).
    MemoryEnergyModel memory = default_memory_energy({system.accelerator.weight_bytes, system.accelerator.activation_bytes,
                                                      system.accelerator.output_bytes, system.accelerator.parameter_bytes});
    // With a value: the array's energy of each dataflow (measured on the baseline), priced at
    // array_volts and array_clock_ps; empty: memory energy only.
    std::function<NetworkEnergy(const QuantizedModel& base, Dataflow d)> measure_array;
    double array_volts = 0, array_clock_ps = 0;
};

// Error naming the variant unless each of `variants` is baseline, eaq or wd+eaq.
void check_variants(const std::vector<std::string>& variants);
// Whether the spec needs error tables: errors injected (regulation > 0) or a mitigated variant.
bool network_runs_need_tables(const std::vector<std::string>& variants, const std::string& regulation);

// `network` (model m, data sets under `data`) end to end on the SoC for each variant and dataflow;
// writes <dir>/<network>_<RxC>_s<S>_<regulation>.{md,csv} and _layers.csv (all three or none),
// returns the CSV path (empty when budget_images left the run incomplete: it resumes from
// <dir>/journal/). Results on console.out, progress on console.err.
std::filesystem::path run_and_write_network_runs(const NetworkRunSpec& s, const Model& m, const ImageSet& test,
                                                 const std::filesystem::path& data, const std::filesystem::path& dir, Console& console);

}  // namespace tesa
