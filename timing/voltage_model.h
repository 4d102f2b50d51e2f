// voltage_model.h -- alpha-power-law delay versus supply voltage (Sakurai-Newton):
//   D(V) = k * V / (V - Vt)^alpha
// fitted exactly through three (voltage, critical-path delay) points -- the Nangate45 fast, typical
// and slow corners as OpenSTA times them. The corners also differ in temperature (0, 25, 125 C) and
// process, so Vt and alpha are effective values of this library's corners, not device parameters;
// the model is an interpolation between the corners and a cautious extrapolation beyond them
// (it diverges as V approaches Vt).
#pragma once

#include <string>
#include <vector>

namespace tesa {

struct VoltagePoint {
    double volts;
    double delay_ps;
};

class AlphaPowerModel {
public:
    // Exact fit through three points of distinct voltages; throws Error if none exists.
    static AlphaPowerModel fit(std::vector<VoltagePoint> points);

    double delay_ps(double volts) const;
    // D(to) / D(from): the factor that turns delays timed at `from` volts into delays at `to`.
    double scale(double from, double to) const { return delay_ps(to) / delay_ps(from); }

    double k() const { return k_; }
    double vt() const { return vt_; }
    double alpha() const { return alpha_; }
    std::string describe() const;

private:
    double k_ = 0, vt_ = 0, alpha_ = 1;
};

}  // namespace tesa
