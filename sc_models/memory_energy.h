// memory_energy.h -- the energy of the SoC's memory traffic (memory_traffic.h): scratchpads and
// DRAM priced per access of `access_bytes` (a byte count is charged as bytes / access_bytes
// accesses: narrower transfers are taken to cost their share of a word).
//
// Defaults, from M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC
// 2014, 45 nm, per 64-bit access: DRAM 1.3-2.6 nJ (the midpoint, 1950 pJ, by default); SRAM (cache)
// 10 pJ at 8 KB, 20 pJ at 32 KB, 100 pJ at 1 MB -- a scratchpad of another capacity is priced by
// log-log interpolation through those three points, the end segments extended outside them.
// Memories are taken at their own fixed supply: the array's voltage does not scale them.
// Scope: no refresh, row-activation or bank-conflict modelling (a per-access average), no leakage
// of the memories, no interconnect.
#pragma once

#include "sc_models/memory_traffic.h"

#include <array>
#include <cstdint>
#include <string>

namespace tesa {

// The defaults above, the values of the price options when not given.
constexpr double kDefaultAccessBytes = 8, kDefaultDramPjPerAccess = 1950;
constexpr const char* kDefaultSramPrices = "horowitz";

struct MemoryEnergyModel {
    double access_bytes = kDefaultAccessBytes;
    double dram_pj_per_access = kDefaultDramPjPerAccess;
    std::array<double, 4> sram_pj_per_access{};  // indexed by fw::Buffer; default_memory_energy fills them
};

struct MemoryEnergy {
    std::array<double, 4> spad_pj{};  // indexed by fw::Buffer
    double dram_pj = 0;
    double sram_pj() const { return spad_pj[0] + spad_pj[1] + spad_pj[2] + spad_pj[3]; }
    double total_pj() const { return sram_pj() + dram_pj; }
};

// Horowitz's 64-bit SRAM access energy at `capacity_bytes` (> 0), interpolated as above.
double horowitz_sram_pj(uint64_t capacity_bytes);

// The model for scratchpads of `capacity` bytes (indexed by fw::Buffer): `sram` is "horowitz"
// (each scratchpad by its capacity, scaled by access_bytes / 8), one pJ-per-access figure for all
// four, or four (weights, activations, outputs, parameters). Throws Error naming the option on a
// bad value.
MemoryEnergyModel memory_energy_model(const std::array<uint64_t, 4>& capacity, const std::string& sram, double dram_pj_per_access,
                                      double access_bytes);

// The default prices for scratchpads of `capacity` bytes.
MemoryEnergyModel default_memory_energy(const std::array<uint64_t, 4>& capacity);

MemoryEnergy memory_energy(const MemoryTraffic& t, const MemoryEnergyModel& m);

// One line naming each price (for reports): "DRAM 1950 pJ, weights 56.1 pJ, ... per 8-byte access".
std::string describe(const MemoryEnergyModel& m);

}  // namespace tesa
