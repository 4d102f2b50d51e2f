// run_record.h -- the result of running images of a network on the SoC, and its byte form: the
// payload of resume-journal records (one image each) and of the worker processes' replies.
//
// Byte form (little-endian): magic "TRUN2" (u64), images, correct, dma_bytes, layer count L, logit
// count G (u64 each), accelerator_ns (f64), the total GemmStats, the total MemoryTraffic, L
// GemmStats, L MemoryTraffic, G int32 logits.
// decode_run accepts exactly that and nothing else (no trailing bytes, no implausible counts).
#pragma once

#include "common/record_journal.h"
#include "sc_models/gemm.h"
#include "sc_models/memory_traffic.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tesa {

struct NetworkRun {
    size_t images = 0, correct = 0;
    std::vector<GemmStats> layer_stats;  // per network layer (GEMM layers only non-zero), summed over images
    GemmStats total;
    // Memory traffic per network layer (its commands) and in all (the layers' plus each stream's
    // firmware fetch), summed over images.
    std::vector<MemoryTraffic> layer_traffic;
    MemoryTraffic traffic;
    double accelerator_ns = 0;  // simulated time from START to the interrupt, summed over images
    uint64_t dma_bytes = 0;     // moved by the accelerator's DMA engine
    double wall_seconds = 0;
    std::vector<int32_t> logits;  // images x classes, with keep_logits
    double accuracy() const { return images ? static_cast<double>(correct) / static_cast<double>(images) : 0; }
    void add(const NetworkRun& o);  // merges counts, statistics, times and logits (wall time not)
};

std::string encode_run(const NetworkRun& r);
// Throws Error naming `name` when `bytes` is not exactly one well-formed run.
NetworkRun decode_run(const std::string& bytes, const std::string& name);

// One image's journal record: its index in the test set and its run.
std::string encode_image_record(uint64_t image_id, const NetworkRun& one);
// Throws Error naming `name` unless the record holds one image's run with `layers` layer entries
// and a finite, non-negative time (a record of another network or a damaged one is not trusted).
std::pair<uint64_t, NetworkRun> decode_image_record(const std::string& bytes, size_t layers, const std::string& name);

// The resume journal of one run (network, variant, dataflow, error model): a directory of journal
// files (common/record_journal.h), one per worker process and start, of image records.
struct ImageJournal {
    std::filesystem::path dir;

    // Every intact record of every file, by image id. A damaged tail or a record that does not
    // belong to a network of `layers` layers is reported through `warn` and left out (redone).
    std::map<uint64_t, NetworkRun> load(size_t layers, const std::function<void(const std::string&)>& warn) const;
    // A new journal file for this process and `worker`.
    std::unique_ptr<JournalWriter> writer(int worker) const;
};

}  // namespace tesa
