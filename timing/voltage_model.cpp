// voltage_model.cpp -- for a trial Vt, alpha follows from the two outer points; the middle point's
// residual is then a function of Vt alone, whose root is found by bisection.
#include "timing/voltage_model.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tesa {

namespace {

struct Trial {
    double alpha, k, residual;
};

Trial trial(const std::vector<VoltagePoint>& p, double vt) {
    const VoltagePoint &hi = p[0], &mid = p[1], &lo = p[2];
    Trial t;
    t.alpha = (std::log(hi.volts / lo.volts) - std::log(hi.delay_ps / lo.delay_ps)) /
              std::log((hi.volts - vt) / (lo.volts - vt));
    t.k = hi.delay_ps * std::pow(hi.volts - vt, t.alpha) / hi.volts;
    t.residual = t.k * mid.volts / std::pow(mid.volts - vt, t.alpha) - mid.delay_ps;
    return t;
}

}  // namespace

AlphaPowerModel AlphaPowerModel::fit(std::vector<VoltagePoint> p) {
    if (p.size() != 3) fail("alpha-power fit needs exactly three (voltage, delay) points");
    std::sort(p.begin(), p.end(), [](const VoltagePoint& x, const VoltagePoint& y) { return x.volts > y.volts; });
    if (p[0].volts == p[1].volts || p[1].volts == p[2].volts) fail("alpha-power fit needs three distinct voltages");
    if (!(p[0].delay_ps < p[1].delay_ps && p[1].delay_ps < p[2].delay_ps))
        fail("alpha-power fit needs delays that grow as the voltage falls");
    // Residual changes sign somewhere in (0, V_min); scan for a bracket, then bisect.
    const double vmax = p[2].volts * 0.999;
    double lo = 0.0, hi = -1;
    double r_lo = trial(p, lo).residual;
    const int steps = 2000;
    for (int i = 1; i <= steps; ++i) {
        double v = vmax * i / steps;
        double r = trial(p, v).residual;
        if ((r > 0) != (r_lo > 0)) {
            hi = v;
            break;
        }
        lo = v;
        r_lo = r;
    }
    if (hi < 0) fail("no alpha-power law passes through the three corners");
    for (int it = 0; it < 100; ++it) {
        double mid = 0.5 * (lo + hi);
        double r = trial(p, mid).residual;
        if ((r > 0) == (r_lo > 0)) {
            lo = mid;
            r_lo = r;
        } else {
            hi = mid;
        }
    }
    AlphaPowerModel m;
    m.vt_ = 0.5 * (lo + hi);
    Trial t = trial(p, m.vt_);
    m.alpha_ = t.alpha;
    m.k_ = t.k;
    return m;
}

double AlphaPowerModel::delay_ps(double volts) const {
    if (volts <= vt_ * 1.02)
        fail("supply " + std::to_string(volts) + " V is at or below the fitted effective threshold " +
             std::to_string(vt_) + " V: the alpha-power model does not apply there");
    return k_ * volts / std::pow(volts - vt_, alpha_);
}

std::string AlphaPowerModel::describe() const {
    char buf[160];
    std::snprintf(buf, sizeof buf, "D(V) = %.4g * V / (V - %.4f)^%.4f ps", k_, vt_, alpha_);
    return buf;
}

}  // namespace tesa
