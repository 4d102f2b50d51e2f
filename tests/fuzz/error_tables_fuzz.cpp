// Fuzz target: HDF5 error tables (tesa's Table II / III / stationary / transition schema), through
// the structure-aware mutator: a consistent 4-bit table is the seed, the bytes edit it, and the
// readers must refuse what is inconsistent; what they accept is used as the studies use it.
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/h5_mutator.h"
#include "timing/error_tables.h"

#include <algorithm>
#include <filesystem>

namespace {

tesa::fuzz::H5Tree seed;

// A consistent 4-bit table: most pairs exact, a hashed few with one wrong capture after some
// previous pairs (the full transition list agrees with the counts).
tesa::ErrorTables seed_tables() {
    tesa::ErrorTables t;
    t.width = 4;
    t.clock_ps = 500;
    t.clock_scale = 0.8;
    t.time_step_ps = 10;
    t.corner = "typ";
    t.model = "fuzz seed";
    t.offsets.push_back(0);
    t.transitions.width = 4;
    t.transitions.offsets.push_back(0);
    for (uint32_t c = 0; c < 256; ++c) {
        const uint32_t ex = t.exact(c & 15, c >> 4);
        const uint32_t wrong = (c * 2654435761u >> 24) % 5 == 0 ? 1 + c % 7 : 0;
        const uint32_t bad = ex ^ 0x10;
        std::vector<std::pair<uint16_t, uint32_t>> outs = {{static_cast<uint16_t>(ex), 256 - wrong}};
        if (wrong) outs.push_back({static_cast<uint16_t>(bad), wrong});
        std::sort(outs.begin(), outs.end());
        for (auto [o, n] : outs) {
            t.outputs.push_back(o);
            t.counts.push_back(n);
        }
        t.offsets.push_back(static_cast<uint32_t>(t.outputs.size()));
        for (uint32_t p = 0; p < wrong; ++p) {
            t.transitions.previous.push_back(static_cast<uint16_t>(p * 3));
            t.transitions.outputs.push_back(static_cast<uint16_t>(bad));
        }
        t.transitions.offsets.push_back(t.transitions.previous.size());
    }
    t.a_held.assign(4096, 0);
    t.b_held.assign(4096, 0);
    for (uint32_t i = 0; i < 4096; ++i) {
        t.a_held[i] = static_cast<uint16_t>(t.exact(i >> 8, i & 15));
        t.b_held[i] = static_cast<uint16_t>(t.exact(i & 15, i >> 8));
    }
    t.derive();
    t.transitions.clock_ps = t.clock_ps;
    return t;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const std::string file = tesa::fuzz::scratch_path("-seed.h5");
    seed_tables().write(file);
    seed = tesa::fuzz::load_h5_tree(file);
    std::filesystem::remove(file);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string file = tesa::fuzz::write_mutated(seed, data, size);
    tesa::fuzz::refuses_cleanly([&] { tesa::ErrorTables::read_attributes(file); });
    tesa::fuzz::refuses_cleanly([&] {
        const tesa::ErrorTables t = tesa::ErrorTables::read(file);
        uint64_t wrong = 0;
        for (uint32_t c = 0; c + 1 < t.offsets.size(); ++c)
            for (uint32_t k = t.offsets[c]; k < t.offsets[c + 1]; ++k) wrong += t.outputs[k] != t.exact(c & ((1u << t.width) - 1), c >> t.width);
        (void)wrong;
    });
    tesa::fuzz::refuses_cleanly([&] {
        const tesa::TransitionTable tt = tesa::read_transition_table(file);
        const uint32_t pairs = 1u << (2 * tt.width);
        for (uint32_t cur = 0; cur < pairs; ++cur)
            for (uint32_t prev = 0; prev < pairs; prev += 7) tt.capture(prev, cur, 0);
    });
    std::filesystem::remove(file);
    return 0;
}
