// The memory energy model: Horowitz's three SRAM points are reproduced exactly and other capacities
// lie on the log-log lines through them; traffic is priced per access; bad prices are refused
// naming the option.
#include "sc_models/memory_energy.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace tesa;

TEST(MemoryEnergy, HorowitzSramPointsAndTheLinesBetweenThem) {
    EXPECT_NEAR(horowitz_sram_pj(8 << 10), 10, 1e-9);
    EXPECT_NEAR(horowitz_sram_pj(32 << 10), 20, 1e-9);
    EXPECT_NEAR(horowitz_sram_pj(1 << 20), 100, 1e-9);
    // 16 KB: halfway (in log) between 8 and 32 KB, so the geometric mean of 10 and 20 pJ.
    EXPECT_NEAR(horowitz_sram_pj(16 << 10), std::sqrt(200.0), 1e-9);
    // 256 KB: 3/5 of the way from 32 KB to 1 MB in log capacity.
    EXPECT_NEAR(horowitz_sram_pj(256 << 10), 20 * std::pow(5.0, 0.6), 1e-9);
    // Outside the points the end segments continue: 4 KB a factor sqrt(2) below 8 KB.
    EXPECT_NEAR(horowitz_sram_pj(4 << 10), 10 / std::sqrt(2.0), 1e-9);
    EXPECT_GT(horowitz_sram_pj(4 << 20), 100);
    test::expect_error([] { horowitz_sram_pj(0); }, {"0 bytes"});
}

TEST(MemoryEnergy, TrafficIsPricedPerAccess) {
    const std::array<uint64_t, 4> a = {256 << 10, 256 << 10, 512 << 10, 16 << 10};
    const MemoryEnergyModel m = memory_energy_model(a, "horowitz", 1950, 8);
    EXPECT_NEAR(m.sram_pj_per_access[2], horowitz_sram_pj(a[2]), 1e-12);
    MemoryTraffic t;
    t.spad_read[0] = 800;  // 100 accesses of the weight scratchpad
    t.spad_written[2] = 80;
    t.dram_read = 16;
    t.dram_written = 8;
    const MemoryEnergy e = memory_energy(t, m);
    EXPECT_NEAR(e.spad_pj[0], 100 * horowitz_sram_pj(a[0]), 1e-9);
    EXPECT_NEAR(e.spad_pj[2], 10 * horowitz_sram_pj(a[2]), 1e-9);
    EXPECT_EQ(e.spad_pj[1], 0);
    EXPECT_NEAR(e.dram_pj, 3 * 1950, 1e-9);
    EXPECT_NEAR(e.total_pj(), e.sram_pj() + e.dram_pj, 1e-9);
    // Wider accesses: half as many, each the 8-byte figure scaled by the width (Horowitz's SRAM
    // energy is per 64 bits), so SRAM energy per byte stays; DRAM's is the given per-access price.
    const MemoryEnergy wide = memory_energy(t, memory_energy_model(a, "horowitz", 1950, 16));
    EXPECT_NEAR(wide.sram_pj(), e.sram_pj(), 1e-9);
    EXPECT_NEAR(wide.dram_pj, e.dram_pj / 2, 1e-9);
    const MemoryEnergyModel four = memory_energy_model(a, "1,2,3,4", 0, 8);
    EXPECT_EQ(four.sram_pj_per_access[3], 4);
    EXPECT_EQ(memory_energy_model(a, "5", 0, 8).sram_pj_per_access[1], 5);
    EXPECT_NE(describe(m).find("DRAM 1950 pJ"), std::string::npos);
}

TEST(MemoryEnergy, BadPricesAreRefusedNamingTheOption) {
    std::array<uint64_t, 4> a = {256 << 10, 256 << 10, 512 << 10, 16 << 10};
    test::expect_error([&] { memory_energy_model(a, "1,2", 1950, 8); }, {"--sram-pj-per-access", "'1,2'"});
    test::expect_error([&] { memory_energy_model(a, "-3", 1950, 8); }, {"--sram-pj-per-access", "'-3'"});
    test::expect_error([&] { memory_energy_model(a, "lots", 1950, 8); }, {"--sram-pj-per-access"});
    test::expect_error([&] { memory_energy_model(a, "horowitz", -1, 8); }, {"--dram-pj-per-access"});
    test::expect_error([&] { memory_energy_model(a, "horowitz", 1950, 0); }, {"--memory-access-bytes"});
    a[0] = 0;
    test::expect_error([&] { memory_energy_model(a, "horowitz", 1950, 8); }, {"0 bytes"});
}
