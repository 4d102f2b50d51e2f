// voltage_energy.cpp -- the C V^2 scaling and the leakage interpolation.
#include "power/voltage_energy.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tesa {

VoltageEnergyModel::VoltageEnergyModel(const CornerPower& ref, const std::array<CornerPower, 3>& corners) {
    if (!(ref.volts > 0) || !(ref.period_ps > 0) || !(ref.dynamic_w >= 0))
        fail("voltage energy model: reference corner '" + ref.corner + "' without a voltage, period or dynamic power");
    v_ref_ = ref.volts;
    dyn_ref_pj_ = ref.dynamic_w * ref.period_ps;  // W x ps = pJ
    for (size_t i = 0; i < 3; ++i) {
        const CornerPower& c = corners[i];
        if (!(c.volts > 0) || !(c.leakage_w > 0))
            fail("voltage energy model: corner '" + c.corner + "' needs a positive voltage and leakage power");
        v_[i] = c.volts;
        ln_p_[i] = std::log(c.leakage_w);
    }
    for (size_t i = 0; i < 3; ++i)
        for (size_t j = i + 1; j < 3; ++j)
            if (std::fabs(v_[i] - v_[j]) < 1e-6)
                fail("voltage energy model: corners '" + corners[i].corner + "' and '" + corners[j].corner + "' have the same voltage");
    v_lo_ = *std::min_element(v_.begin(), v_.end());
    v_hi_ = *std::max_element(v_.begin(), v_.end());
}

void VoltageEnergyModel::check(double v) const {
    if (!(v >= v_lo_ - 1e-9 && v <= v_hi_ + 1e-9)) {
        char b[200];
        std::snprintf(b, sizeof b, "supply voltage %.3f V is outside the corners' range %.3f .. %.3f V, where the energy model is valid", v,
                      v_lo_, v_hi_);
        fail(b);
    }
}

double VoltageEnergyModel::dynamic_pj(double v) const {
    check(v);
    return dyn_ref_pj_ * (v / v_ref_) * (v / v_ref_);
}

double VoltageEnergyModel::leakage_w(double v) const {
    check(v);
    // Lagrange form of the parabola through the three (V, ln P) points.
    double ln_p = 0;
    for (size_t i = 0; i < 3; ++i) {
        double w = 1;
        for (size_t j = 0; j < 3; ++j)
            if (j != i) w *= (v - v_[j]) / (v_[i] - v_[j]);
        ln_p += w * ln_p_[i];
    }
    return std::exp(ln_p);
}

double VoltageEnergyModel::energy_pj(double v, double period_ps) const { return dynamic_pj(v) + leakage_w(v) * period_ps; }

}  // namespace tesa
