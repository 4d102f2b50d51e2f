// memory_energy.cpp -- Horowitz's access energies, the scratchpad prices and the pricing.
#include "sc_models/memory_energy.h"

#include "common/error.h"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace tesa {

double horowitz_sram_pj(uint64_t capacity_bytes) {
    if (capacity_bytes == 0) fail("memory energy: a scratchpad of 0 bytes");
    struct Point {
        double bytes, pj;
    };
    static constexpr Point kPoints[] = {{8.0 * 1024, 10}, {32.0 * 1024, 20}, {1024.0 * 1024, 100}};
    const double x = std::log(static_cast<double>(capacity_bytes));
    const size_t seg = x < std::log(kPoints[1].bytes) ? 0 : 1;  // the segment, or the end one extended
    const Point a = kPoints[seg], b = kPoints[seg + 1];
    const double slope = (std::log(b.pj) - std::log(a.pj)) / (std::log(b.bytes) - std::log(a.bytes));
    return std::exp(std::log(a.pj) + slope * (x - std::log(a.bytes)));
}

MemoryEnergyModel memory_energy_model(const std::array<uint64_t, 4>& capacity, const std::string& sram, double dram_pj_per_access,
                                      double access_bytes) {
    std::ostringstream what;
    if (!(access_bytes >= 1 && access_bytes <= 4096)) {
        what << "--memory-access-bytes: " << access_bytes << " is outside [1, 4096]";
        fail(what.str());
    }
    if (!(dram_pj_per_access >= 0 && std::isfinite(dram_pj_per_access))) {
        what << "--dram-pj-per-access: " << dram_pj_per_access << " is not a non-negative energy";
        fail(what.str());
    }
    MemoryEnergyModel m;
    m.access_bytes = access_bytes;
    m.dram_pj_per_access = dram_pj_per_access;
    if (sram == "horowitz") {
        for (size_t b = 0; b < 4; ++b) m.sram_pj_per_access[b] = horowitz_sram_pj(capacity[b]) * access_bytes / 8;
        return m;
    }
    std::vector<std::string> parts;
    std::istringstream in(sram);
    for (std::string p; std::getline(in, p, ',');) parts.push_back(p);
    if (parts.size() != 1 && parts.size() != 4)
        fail("--sram-pj-per-access: '" + sram + "' (expected horowitz, one energy in pJ or four: weights,activations,outputs,parameters)");
    for (size_t b = 0; b < 4; ++b) {
        const std::string& p = parts[parts.size() == 1 ? 0 : b];
        char* end = nullptr;
        const double v = std::strtod(p.c_str(), &end);
        if (p.empty() || *end || !(v >= 0) || !std::isfinite(v)) fail("--sram-pj-per-access: '" + p + "' is not a non-negative energy in pJ");
        m.sram_pj_per_access[b] = v;
    }
    return m;
}

MemoryEnergyModel default_memory_energy(const std::array<uint64_t, 4>& capacity) {
    return memory_energy_model(capacity, kDefaultSramPrices, kDefaultDramPjPerAccess, kDefaultAccessBytes);
}

MemoryEnergy memory_energy(const MemoryTraffic& t, const MemoryEnergyModel& m) {
    MemoryEnergy e;
    for (size_t b = 0; b < 4; ++b)
        e.spad_pj[b] = static_cast<double>(t.spad_read[b] + t.spad_written[b]) / m.access_bytes * m.sram_pj_per_access[b];
    e.dram_pj = static_cast<double>(t.dram_bytes()) / m.access_bytes * m.dram_pj_per_access;
    return e;
}

std::string describe(const MemoryEnergyModel& m) {
    char b[256];
    std::snprintf(b, sizeof b, "DRAM %.0f pJ, weights %.1f pJ, activations %.1f pJ, outputs %.1f pJ, parameters %.1f pJ per %g-byte access",
                  m.dram_pj_per_access, m.sram_pj_per_access[0], m.sram_pj_per_access[1], m.sram_pj_per_access[2], m.sram_pj_per_access[3],
                  m.access_bytes);
    return b;
}

}  // namespace tesa
