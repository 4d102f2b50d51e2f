// multiplier_backend.cpp -- back-end selection by name; the co-simulation registry lookup.
#include "sc_models/multiplier_backend.h"

#include "common/error.h"

#include <cmath>
#include <cstdio>

namespace tesa {

MultiplierBackendKind parse_multiplier_backend(const std::string& name) {
    if (name == "fast") return MultiplierBackendKind::Fast;
    if (name == "cosim") return MultiplierBackendKind::Cosim;
    fail("unknown multiplier back-end '" + name + "' (expected fast or cosim)");
}

const char* multiplier_backend_name(MultiplierBackendKind k) { return k == MultiplierBackendKind::Fast ? "fast" : "cosim"; }

std::unique_ptr<CosimModel> make_cosim_model(double clock_scale) {
    std::string have;
    for (const CosimModelInfo& m : cosim_models()) {
        if (std::fabs(m.clock_scale - clock_scale) < 1e-6) return m.make();
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s%.2f", have.empty() ? "" : ", ", m.clock_scale);
        have += buf;
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "no co-simulation model for clock scale %.4f (compiled in: %s)", clock_scale, have.c_str());
    fail(buf);
}

MultiplierBackend MultiplierBackend::fast(std::shared_ptr<const TransitionTable> table) {
    if (!table || table->empty()) fail("the fast multiplier back-end needs a full transition table");
    if (table->width != 8) fail("the fast multiplier back-end needs an 8-bit transition table (this one is " + std::to_string(table->width) + "-bit)");
    MultiplierBackend b;
    b.kind_ = MultiplierBackendKind::Fast;
    b.table_ = std::move(table);
    return b;
}

void LanePorts::pack(const MulTransition* t, int n) {
    uint64_t ap[8] = {}, bp[8] = {}, ac[8] = {}, bc[8] = {};
    for (int l = 0; l < n; ++l) {
        const uint64_t bit = 1ull << l;
        for (int i = 0; i < 8; ++i) {
            if ((t[l].previous >> i) & 1u) ap[i] |= bit;
            if ((t[l].previous >> (8 + i)) & 1u) bp[i] |= bit;
            if ((t[l].current >> i) & 1u) ac[i] |= bit;
            if ((t[l].current >> (8 + i)) & 1u) bc[i] |= bit;
        }
    }
    for (int i = 0; i < 8; ++i) {
        a_prev[2 * i] = static_cast<uint32_t>(ap[i]), a_prev[2 * i + 1] = static_cast<uint32_t>(ap[i] >> 32);
        b_prev[2 * i] = static_cast<uint32_t>(bp[i]), b_prev[2 * i + 1] = static_cast<uint32_t>(bp[i] >> 32);
        a[2 * i] = static_cast<uint32_t>(ac[i]), a[2 * i + 1] = static_cast<uint32_t>(ac[i] >> 32);
        b[2 * i] = static_cast<uint32_t>(bc[i]), b[2 * i + 1] = static_cast<uint32_t>(bc[i] >> 32);
    }
}

void LanePorts::unpack(int n, uint16_t* captured) const {
    for (int l = 0; l < n; ++l) {
        uint16_t out = 0;
        for (int j = 0; j < 16; ++j) out = static_cast<uint16_t>(out | (((p[2 * j + l / 32] >> (l % 32)) & 1u) << j));
        captured[l] = out;
    }
}

MultiplierBackend MultiplierBackend::cosim(std::unique_ptr<CosimModel> model) {
    if (!model) fail("co-simulation needs a model");
    MultiplierBackend b;
    b.kind_ = MultiplierBackendKind::Cosim;
    b.model_ = std::move(model);
    return b;
}

MultiplierBackend MultiplierBackend::cosim(double clock_scale) {
    MultiplierBackend b;
    b.kind_ = MultiplierBackendKind::Cosim;
    b.model_ = make_cosim_model(clock_scale);
    return b;
}

}  // namespace tesa
