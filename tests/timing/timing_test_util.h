// timing_test_util.h -- the Booth PE timed once per test process and width (OpenSTA, typ corner,
// configure-time netlists), shared by the timing tests.
#pragma once

#include "timing/timing_setup.h"

#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>

namespace tesa::test {

struct TimedBooth {
    TimingSetup setup;
};

inline const TimedBooth& timed_booth(int width) {
    // The OpenSTA work directories of this process go when it exits (they used to pile up in /tmp).
    static struct Cleanup {
        std::filesystem::path dir = std::filesystem::temp_directory_path() / ("tesa_timing_" + std::to_string(::getpid()));
        ~Cleanup() {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    } cleanup;
    static std::map<int, TimedBooth> cache;
    auto it = cache.find(width);
    if (it != cache.end()) return it->second;
    TimingSetupOptions o;
    o.width = width;
    o.netlist = std::string(TESA_TEST_SYNTH_DIR) + "/booth_mul_w" + std::to_string(width) + "_typ/netlist.v";
    o.liberty = std::string(TESA_TEST_PDK_DIR) + "/nangate45_typ.lib.gz";
    o.out = std::filesystem::temp_directory_path() / ("tesa_timing_" + std::to_string(::getpid()));
    TimedBooth tb{prepare_timing(o)};
    return cache.emplace(width, std::move(tb)).first->second;
}

}  // namespace tesa::test
