// error_tables.h -- the characterized error behaviour of one timed multiplier, as stored in HDF5.
//
// Schema (one file per netlist, corner, clock and model; all datasets little-endian):
//   /table2/offsets  uint32 [2^(2N)+1]  current pair c = a | b << N: its outputs are
//   /table2/outputs  uint16 [K]          outputs[offsets[c] .. offsets[c+1]), ascending, with
//   /table2/counts   uint32 [K]          counts over the 2^(2N) previous pairs (Table II)
//   /weight_error_probability/port_a  float64 [2^N]  P(wrong | a = w), b uniform (Table III)
//   /weight_error_probability/port_b  float64 [2^N]  P(wrong | b = w), a uniform
//   /stationary/a_held  uint16 [2^N][2^N][2^N]  [a][b_prev][b]: output with a held (a_prev = a)
//   /stationary/b_held  uint16 [2^N][2^N][2^N]  [b][a_prev][a]: output with b held (b_prev = b)
//   /summary/error_magnitude_histogram uint64 [2N+2]  bin k: 2^(k-1) <= |captured - exact| < 2^k
//                                                      (bin 0: correct), signed 2N-bit values
//   /summary/failing_bits  uint64 [2N]  wrong captures per product bit
//   /transitions/offsets   uint64 [2^(2N)+1]  optional (tesa >= 0.1.0 characterizations): the
//   /transitions/previous  uint16 [T]          full transition behaviour as a TransitionTable
//   /transitions/outputs   uint16 [T]          (transition_table.h)
//   attributes on /: width, clock_ps, clock_scale, time_step_ps, corner, model, semantics
//   (sdf-sim | transport | delay-line, timing/semantics.h; absent in tables made before it was
//   recorded, which are all delay-line), netlist_hash, sdf_hash (FNV-1a 64 of the files' bytes,
//   hex), tesa_version, pairs, wrong_pairs; and (absent in tables made before operating points,
//   which read as the corner unscaled, nominal die, no key) voltage (V; 0: the corner's nominal
//   voltage, unscaled), delay_scale, sigma, die_seed, key (timing/operating_point.h).
// Operands and outputs are two's-complement bit patterns (a = 0x80 is -128).
#pragma once

#include "timing/transition_table.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tesa {

struct ErrorTables {
    int width = 8;
    double clock_ps = 0, clock_scale = 0, time_step_ps = 0;
    std::string corner, model, netlist_hash, sdf_hash, tesa_version;
    std::string semantics = "delay-line";  // timing/semantics.h names
    double voltage = 0, delay_scale = 1, sigma = 0;  // operating point (timing/operating_point.h)
    uint64_t die_seed = 0;
    std::string key;                       // content key (table_key); "" in older tables
    std::vector<uint32_t> offsets;
    std::vector<uint16_t> outputs;
    std::vector<uint32_t> counts;
    std::vector<double> p_weight_a, p_weight_b;
    std::vector<uint16_t> a_held, b_held;
    std::vector<uint64_t> magnitude_hist, failing_bits;
    uint64_t pairs = 0, wrong_pairs = 0;
    TransitionTable transitions;  // written when not empty; read() leaves it empty (see below)

    uint32_t exact(uint32_t a, uint32_t b) const;  // exact product pattern of current pair (a, b)
    double error_rate() const { return pairs ? static_cast<double>(wrong_pairs) / static_cast<double>(pairs) : 0; }
    // Fills the per-weight probabilities and the summary from the Table II data.
    void derive();

    void write(const std::filesystem::path& file) const;  // atomic (temp file + rename)
    // Throws Error naming `file` unless every dataset has the schema's size for `width`, Table II's
    // offsets rise from 0 to its length, each pair's outputs ascend, fit 2N bits and their counts
    // add up to 2^(2N), and the probabilities lie in [0, 1]. read() calls it.
    void validate(const std::string& file) const;
    // Reads a table; throws Error naming the file if it is missing, not a tesa table, or its
    // netlist/SDF hashes or clock differ from the expected ones (empty / <= 0: not checked).
    // Only the attributes (clock, corner, hashes, counts), without reading the tables.
    static ErrorTables read_attributes(const std::filesystem::path& file);
    static ErrorTables read(const std::filesystem::path& file, const std::string& netlist_hash = "",
                            const std::string& sdf_hash = "", double clock_ps = 0);
};

// The full transitions of a table file (hundreds of MB, so read only on request), with the file's
// width, clock and netlist hash; throws Error naming the file if they are missing or inconsistent.
TransitionTable read_transition_table(const std::filesystem::path& file);

// Tables used side by side (one study over several clocks, say) must share their semantics: throws
// Error naming both files and semantics otherwise. `files` and `tables` run in parallel.
void require_same_semantics(const std::vector<std::string>& files, const std::vector<const ErrorTables*>& tables);

// FNV-1a 64-bit hash of a file's bytes, as 16 hex digits.
std::string file_hash(const std::filesystem::path& file);
// The same hash of a string's bytes.
std::string bytes_hash(const std::string& bytes);

}  // namespace tesa
