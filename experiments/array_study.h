// array_study.h -- a network's conv and fc layers run as GEMMs on the cycle-accurate systolic array
// with timing errors (WS vs OS, weight on port a vs b), next to the paper's uniform-previous-input
// injection at the same clock and regulation: accuracy, wrong products per MAC, cycles and
// utilisation, as Markdown and CSV.
#pragma once

#include "common/console.h"
#include "networks/datasets.h"
#include "networks/engine.h"
#include "sc_models/cosim_library.h"
#include "sc_models/gemm.h"
#include "sc_models/multiplier_backend.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tesa {

struct ArrayStudyOptions {
    int rows = 16, cols = 16;
    std::vector<Dataflow> dataflows{Dataflow::WeightStationary, Dataflow::OutputStationary};
    std::vector<WeightPort> ports{WeightPort::A, WeightPort::B};
    std::vector<std::string> regulations{"1.5sigma"};
    int seeds = 1;
    uint64_t first_seed = 1;
    MultiplierBackendKind backend = MultiplierBackendKind::Fast;
    std::shared_ptr<const CosimModels> cosim;  // backend cosim: the tables' timed models
    size_t calibration_images = 1000;
    int threads = 0;
};

// `network` on the systolic array (each dataflow and port) next to the paper's injection, with
// the error tables `tables_file` (which must hold the full transitions for the fast back-end);
// writes <dir>/<network>_s<S>_<R>x<C>.{md,csv} and returns the CSV path.
std::filesystem::path run_and_write_array_study(const std::string& network, const Model& m, const ImageSet& test,
                                                const ArrayStudyOptions& so, const std::filesystem::path& tables_file,
                                                const std::filesystem::path& data, const std::filesystem::path& dir, Console& console);

}  // namespace tesa
