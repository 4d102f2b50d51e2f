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

MultiplierBackend MultiplierBackend::cosim(double clock_scale) {
    MultiplierBackend b;
    b.kind_ = MultiplierBackendKind::Cosim;
    b.model_ = make_cosim_model(clock_scale);
    return b;
}

}  // namespace tesa
