// pe_trace_file.h -- per-PE operand / product / error traces of a systolic-array run, as HDF5
// (format: traces/README.md): one row per recorded busy PE-cycle, in column datasets.
#pragma once

#include "sc_models/array_core.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tesa {

struct PeTraceInfo {  // the run the trace comes from, stored as attributes
    int rows = 0, cols = 0;
    GemmShape shape;
    std::string dataflow, weight_port, backend;
    double clock_scale = 0, clock_ps = 0, regulation = 0;
    uint64_t seed = 0, first_cycle = 0, last_cycle = 0;
};

// Written atomically (temp file + rename); throws Error naming the file on failure.
void write_pe_trace(const std::filesystem::path& file, const std::vector<PeCycleRecord>& records, const PeTraceInfo& info);

// Reads a trace back (tests, analysis tools); throws Error naming the file if it is not one.
std::vector<PeCycleRecord> read_pe_trace(const std::filesystem::path& file, PeTraceInfo* info = nullptr);

}  // namespace tesa
