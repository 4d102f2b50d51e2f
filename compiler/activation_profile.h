// activation_profile.h -- which activations each layer's multipliers really see, and the
// per-weight error probability under that distribution (an extension of the paper, whose
// Table III assumes every activation equally likely).
//
// For layer l, h_l(x) is the share of activation value x among the products of the layer (its
// im2col matrix: padding zeros are multiplied too), over some images; the activation-aware
// probability of weight w is p_l(w) = sum_x h_l(x) P(wrong | w, x), Table II's probability.
#pragma once

#include "compiler/product_errors.h"
#include "networks/engine.h"

#include <vector>

namespace tesa {

// One 256-entry histogram (by INT8 bit pattern, summing to 1) per conv/fc layer; empty for others.
std::vector<std::vector<double>> activation_histograms(const QuantizedModel& q, const ImageSet& images, int threads);

// p_l(w) for every layer (256 entries by weight bit pattern); layers without a histogram get
// Table III's uniform-activation probability.
std::vector<std::vector<double>> activation_aware_probabilities(const ProductErrors& e, const std::vector<std::vector<double>>& hist);

}  // namespace tesa
