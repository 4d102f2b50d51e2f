// tradeoff.h -- the accuracy-energy trade-off over operating points (`tesa explore`): per point
// (supply voltage, clock) the accuracy of the four variants of the paper's study and the energy
// per inference, under the paper's regulation and without it.
//
// Accuracy. Nominal die, regulated: per regulation r, every multiplication's cycle is slow with
// probability r and the nominal die's tables give its captured product (injection.h), TError / EAQ /
// WD+EAQ over `seeds` seeds -- the paper's experiment. Unregulated ("none"): every cycle uses the
// tables of one sampled die (regulation 1), mean, sd, min and max over dies x seeds. EAQ and WD are
// always derived from the nominal die's tables: the compiler knows the design, not the die.
// Baseline: no errors (the same at every point). With an ArrayAccuracy callback every TError / EAQ
// / WD+EAQ row is also computed on the cycle-accurate array (errors "array": the products fail by
// the operands the multipliers really see in sequence) beside the injection model's rows.
// Energy. A callback prices a network (baseline / TError: the nearest-rounded one; EAQ, WD+EAQ:
// theirs, whose weights and extra MACs differ) at the point's (V, T_clk) -- energy and accelerator
// cycles per inference (sc_models/network_energy.h); this module does not know how.
// Confidence. ci95 is the test-set half-width of a 95% interval of the accuracy, 1.96 x
// sqrt(a (1 - a) / images) (normal approximation of the binomial); sd is the spread over seeds
// (and dies) on the same images.
// Savings are relative to the baseline's energy at the reference point, points[0]; the loss of a
// variant is baseline accuracy - its mean accuracy, in points (percent).
#pragma once

#include "compiler/study.h"
#include "timing/error_tables.h"

#include <functional>
#include <string>
#include <vector>

namespace tesa {

struct TradeoffPoint {
    double volts = 0, clock_ps = 0;
    double clock_scale = 0;   // of the nominal-voltage STA period (timing/operating_point.h)
    double delay_scale = 1;   // D(V) / D(V_corner)
    const ErrorTables* nominal = nullptr;   // the nominal die's tables
    std::vector<const ErrorTables*> dies;   // sampled dies' tables (unregulated rows; may be empty)
};

struct TradeoffRow {
    size_t point = 0;              // index into the points
    double volts = 0, clock_ps = 0, clock_scale = 0, delay_scale = 1;
    double error_rate = 0;         // pairs wrong: the nominal die's, or the mean over the dies
    std::string regulation;        // "1.5sigma", "2sigma", ... or "none"
    int dies = 0;                  // 0: the nominal die (regulated); else unregulated over this many dies
    std::string variant;           // baseline, TError, WD+EAQ, EAQ
    std::string errors;            // where wrong products come from: "paper" / "sequence" (injection.h), "array", "none" (baseline)
    size_t images = 0;
    int runs = 0;                  // seeds (x dies)
    double accuracy = 0, sd = 0, min = 0, max = 0;
    double ci95 = 0;               // test-set 95% half-width of `accuracy`
    size_t macs = 0;               // per image
    double energy_pj = 0;          // per inference
    uint64_t cycles = 0;           // accelerator cycles per inference
    double latency_us() const { return static_cast<double>(cycles) * clock_ps * 1e-6; }
    double saved = 0;              // 1 - energy / (baseline energy at points[0])
    double loss_points = 0;        // 100 x (baseline accuracy - accuracy)
};

// Energy (pJ) and cycles per inference of network `q` at the point's supply and clock.
struct InferenceCost {
    double energy_pj = 0;
    uint64_t cycles = 0;
};
using EnergyPricer = std::function<InferenceCost(const TradeoffPoint&, const QuantizedModel& q)>;

// Accuracy of network q on the cycle-accurate array whose slow cycles capture from `tables`, a cycle
// being slow with probability `regulation` (1: every cycle), seed `seed`; the caller runs the array
// (sc_models/array_inference.h): this module does not know how.
using ArrayAccuracy = std::function<double(const QuantizedModel& q, const ErrorTables& tables, double regulation, uint64_t seed)>;

// o.regulations: the regulated rows (names of parse_regulation); o.seeds, first_seed, wd_fraction,
// port, model, activation_aware (profile needed), threads, progress as for run_study.
std::vector<TradeoffRow> run_tradeoff(const QuantizedModel& base, const std::vector<TradeoffPoint>& points, const ImageSet& test,
                                      const StudyOptions& o, const EnergyPricer& energy, const ImageSet* profile = nullptr,
                                      const ArrayAccuracy& array = {});

// The largest saving at a loss of at most max_loss_points, without mitigation (TError) and with it
// (the better of EAQ and WD+EAQ; equal savings: the smaller loss), per regulation mode and source
// of errors; `found` false where no point qualifies.
struct TradeoffHeadline {
    std::string regulation;
    int dies = 0;
    std::string errors;
    bool found_plain = false, found_mitigated = false;
    TradeoffRow plain, mitigated;  // the qualifying rows with the largest saving
};
std::vector<TradeoffHeadline> tradeoff_headlines(const std::vector<TradeoffRow>& rows, double max_loss_points = 1.0);

std::string tradeoff_csv(const std::vector<TradeoffRow>& rows, const std::string& network);
std::string tradeoff_markdown(const std::vector<TradeoffRow>& rows, const std::vector<TradeoffHeadline>& headlines,
                              const std::string& title);

}  // namespace tesa
