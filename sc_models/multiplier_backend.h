// multiplier_backend.h -- where a PE's multiplier gets the product it captures under a short clock.
// Two interchangeable back-ends, chosen by name at run time:
//   fast   a lookup in the characterized full transition table (timing/transition_table.h):
//          one offset read plus a binary search in the few wrong previous pairs of the current
//          pair; memory = the table (148 MB at clock scale 0.9, 1.4 GB at 0.8);
//   cosim  the Verilated 64-lane time-unrolled multiplier (the same model the characterization
//          runs), one lane per PE transition, fed every busy cycle with the PE's real previous and
//          current operands: a model built on demand for a table's operating point
//          (sc_models/cosim_library.h), or one of the clocks compiled into tesa (cosim_models()).
// Both take a batch of transitions (previous pair, current pair), pairs packed as a | b << 8.
#pragma once

#include "timing/transition_table.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tesa {

enum class MultiplierBackendKind { Fast, Cosim };
MultiplierBackendKind parse_multiplier_backend(const std::string& name);  // "fast" | "cosim"
const char* multiplier_backend_name(MultiplierBackendKind k);

// One transition of one PE's multiplier in one cycle.
struct MulTransition {
    uint16_t previous = 0, current = 0;
};

// The port words of up to 64 transitions for a bit-sliced timed model (8-bit operands): bit i of
// an operand port holds lanes [64 i, 64 i + 63] in words 2i (lanes 0-31) and 2i+1; product bit j
// likewise in p.
struct LanePorts {
    uint32_t a_prev[16], b_prev[16], a[16], b[16], p[32];
    void pack(const MulTransition* t, int n);
    void unpack(int n, uint16_t* captured) const;
};

// A Verilated bit-sliced timed multiplier (8-bit operands, 64 lanes per evaluation).
class CosimModel {
public:
    virtual ~CosimModel() = default;
    // captured[i] = product pattern the model captures for t[i]; n <= 64 (one evaluation).
    virtual void evaluate64(const MulTransition* t, int n, uint16_t* captured) = 0;
};

struct CosimModelInfo {
    double clock_scale;  // of OpenSTA's min period, typical corner, 10 ps step
    std::string name;    // the generated module
    std::unique_ptr<CosimModel> (*make)();
};
// The timed models compiled into tesa (sc_models/cosim_models.cpp).
const std::vector<CosimModelInfo>& cosim_models();
// The model for clock_scale (to 1e-6); throws Error listing the available ones.
std::unique_ptr<CosimModel> make_cosim_model(double clock_scale);

class MultiplierBackend {
public:
    static MultiplierBackend fast(std::shared_ptr<const TransitionTable> table);
    static MultiplierBackend cosim(double clock_scale);
    // Co-simulation with a model of any operating point (sc_models/cosim_library.h).
    static MultiplierBackend cosim(std::unique_ptr<CosimModel> model);

    MultiplierBackendKind kind() const { return kind_; }
    // Whether every busy transition must be fed (co-simulation) or only the slow ones.
    bool feeds_every_cycle() const { return kind_ == MultiplierBackendKind::Cosim; }

    // One transition on the fast back-end (no batch to fill for a single lookup).
    bool is_fast() const { return kind_ == MultiplierBackendKind::Fast; }
    uint16_t capture_fast(uint16_t previous, uint16_t current, uint16_t exact) const {
        return static_cast<uint16_t>(table_->capture(previous, current, exact));
    }
    // captured[i] for t[i], exact[i] being t[i].current's exact product pattern.
    void capture(const MulTransition* t, const uint16_t* exact, uint16_t* captured, size_t n) {
        if (kind_ == MultiplierBackendKind::Fast) {
            for (size_t i = 0; i < n; ++i) captured[i] = static_cast<uint16_t>(table_->capture(t[i].previous, t[i].current, exact[i]));
            return;
        }
        for (size_t i = 0; i < n; i += 64) model_->evaluate64(t + i, static_cast<int>(n - i < 64 ? n - i : 64), captured + i);
    }

private:
    MultiplierBackendKind kind_ = MultiplierBackendKind::Fast;
    std::shared_ptr<const TransitionTable> table_;
    std::shared_ptr<CosimModel> model_;
};

}  // namespace tesa
