// network_runner.h -- whole networks end to end on the simulated SoC (sc_models/system.h): the
// host loads the compiled program's constants and firmware into DRAM once, then for each image
// writes the quantized input, sets the error model's seed, starts the accelerator through its
// registers, sleeps until the interrupt and reads the int32 logits back over the bus.
//
// Each image's GEMM tagged t draws its slow cycles from splitmix64(seed ^ image * phi ^ t << 32),
// the seeds of sc_models/array_inference.h for single-tile layers, so the two agree bit for bit
// there; results do not depend on which images run before.
#pragma once

#include "compiler/network_mapping.h"
#include "sc_models/run_record.h"
#include "sc_models/system.h"

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace tesa {

struct NetworkRunOptions {
    SystemConfig system;   // accelerator sizes must be those the program was compiled for
    double regulation = 0;
    uint64_t seed = 1;
    // The index of each image of the set in the whole test set (the seeds); empty: 0, 1, 2, ...
    std::vector<uint64_t> image_ids;
    bool keep_logits = false;
    std::function<void(size_t done, size_t total)> progress;
    // Called after each image with that image's own result (images == 1): journals for resuming.
    std::function<void(uint64_t image_id, const NetworkRun& one)> on_image;
};

// Runs every image of `set`; throws tesa::Error if the accelerator reports an error (with the
// controller's reason) or the program does not fit the configured system.
NetworkRun run_network(const QuantizedModel& q, const NetworkProgram& program, const ImageSet& set, const NetworkRunOptions& o,
                       MultiplierBackend backend);

// The accelerator configuration's scratchpads and array as compiler options.
MappingOptions mapping_options(const AcceleratorConfig& a, Dataflow d, WeightPort port);

}  // namespace tesa
