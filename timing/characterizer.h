// characterizer.h -- exhaustive characterization of the timed multiplier: every (previous,
// current) operand pair, in chunks of current pairs that survive interruption (finished chunks
// are files, format in timing/chunk_format.h; a rerun computes only the missing ones). Delay-line
// semantics: the 64-lane time-unrolled model compiled with Verilator together with
// timing/characterize_worker.cpp; sdf-sim: the in-process engine of timing/lane_engine.h.
#pragma once

#include "common/error.h"
#include "timing/error_tables.h"
#include "timing/semantics.h"
#include "timing/timed_netlist.h"

#include <filesystem>
#include <functional>
#include <string>

namespace tesa {

// A share of one characterization, for splitting it over processes or machines that see one
// work directory: shard `index` of `count` computes the chunks k with k % count == index (and uses
// the others where present); merge_only computes none. Chunks are the same bits whoever computed
// them, so the tables assembled from the shards' chunks are one run's.
struct ShardSpec {
    uint32_t index = 0, count = 1;
    bool merge_only = false;
    bool whole() const { return count == 1 && !merge_only; }
};

// Thrown instead of returning tables when chunks of other shards are still missing.
class IncompleteTables : public Error {
public:
    IncompleteTables(const std::string& message, uint32_t missing_chunks, uint32_t chunks)
        : Error(message), missing(missing_chunks), total(chunks) {}
    uint32_t missing, total;
};

struct CharacterizeOptions {
    std::filesystem::path work_dir;       // model.v, the compiled worker, chunks/
    std::filesystem::path worker_source;  // timing/characterize_worker.cpp
    int threads = 2;
    uint32_t chunk = 256;                 // current pairs per chunk
    std::string cflags = "-O2";           // for the model and the worker
    bool compile_exact = false;           // lanes: compile the exact program (timing/lane_compiler.h) once the
                                          // transitions left to it would take the interpreter as long
    // When the longest path settles before every capture, write error-free chunks without running
    // an engine (proof in characterizer.cpp); false: run the engine anyway (tests compare them).
    bool static_proof = true;
    std::function<void(const std::string&)> progress;  // one line per finished chunk
    ShardSpec shard;                      // the whole table by default
};

// The chunk files (format in timing/characterize_worker.cpp): "" when `data` is a complete,
// undamaged chunk of (width, first, count), else the reason it cannot be used.
std::string chunk_problem(const std::string& data, int width, uint32_t first, uint32_t count);
// Empty tables of `width` ready for append_chunk.
ErrorTables empty_chunk_tables(int width);
// Appends the chunk of current pairs [first, first + count), which must continue `t`; throws
// Error naming `name` on any inconsistency (framing, checksum, counts, order).
void append_chunk(const std::string& data, const std::string& name, uint32_t first, uint32_t count, ErrorTables& t);

// Fills every field of the returned tables except the provenance strings (corner, hashes, ...),
// which the caller sets before writing. The delay-line semantics (TimingConditions with COND max).
ErrorTables characterize(const TimedNetlist& timed, const GateNetlist& netlist, const CharacterizeOptions& options);

struct LaneEngineStats;
// The same in the sdf-sim (timed with CondMode::Exact) or the transport semantics (CondMode::Max),
// computed in process by timing/lane_engine.h with the same chunk files, resume and progress;
// worker_source and cflags are not used.
ErrorTables characterize_lanes(const TimedNetlist& timed, Semantics semantics, const CharacterizeOptions& options,
                               LaneEngineStats* stats = nullptr);

}  // namespace tesa
