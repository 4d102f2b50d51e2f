// mitigation.h -- the paper's two transformations of an INT8 network against timing errors.
//
// - Error-aware quantization (EAQ): a weight w (real value v = w / scale) becomes floor(v) or
//   ceil(v), whichever has the lower per-weight error probability p (Table III of the port the
//   weights feed); equal probabilities, and v on an integer, give the nearest value. EAQ never
//   moves a weight by more than one quantization step.
// - Weight distribution (WD): the most sensitive weights (top `wd_fraction` of all weights by
//   |dL/dw|, ranked over the whole network) keep their nearest INT8 value w and are split into
//   w1 + w2 == w (both INT8, -128..127) minimising p(w1) + p(w2), but only where that is below
//   p(w); w1 stays in the weight matrix and w2 becomes an extra weight on the same input (an
//   extra MAC per output position). A selected weight that no split improves gets EAQ.
// Biases, scales and requantization are untouched, so without errors a WD network computes the
// same integers as the nearest-rounded one.
#pragma once

#include "networks/quantize.h"

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace tesa {

struct MitigationOptions {
    bool eaq = true;
    double wd_fraction = 0;  // 0: no WD; the paper uses 0.01
};

struct MitigationReport {
    size_t weights = 0;        // conv/fc weights of the network
    size_t eaq_moved = 0;      // weights EAQ rounded away from the nearest value
    size_t wd_selected = 0;    // weights in the sensitive top fraction
    size_t wd_split = 0;       // of those, distributed
    double p_nearest = 0;      // sum of p over all weights as nearest-rounded (one MAC each)
    double p_after = 0;        // sum of p over the weights actually multiplied, extras included
};

// The value EAQ gives real weight v (in quantization steps) under per-weight probability p
// (256 entries by INT8 bit pattern).
int8_t eaq_round(double v, const std::vector<double>& p);
// The best split of w, or nothing when no split lowers the summed probability below p(w).
std::optional<std::pair<int8_t, int8_t>> best_split(int8_t w, const std::vector<double>& p);

// Rewrites the INT8 weights of q (from the FP32 weights of q.model and q's scales): EAQ and/or WD.
// Repacks the weights; q must be freshly quantized (no extras yet).
MitigationReport mitigate(QuantizedModel& q, const std::vector<double>& p, const MitigationOptions& o);
// The same with one probability vector per layer (index = layer; conv/fc layers need 256 entries).
MitigationReport mitigate(QuantizedModel& q, const std::vector<std::vector<double>>& p_per_layer, const MitigationOptions& o);

}  // namespace tesa
