// voltage_energy.h -- a design's energy per clock period at a supply voltage between the Liberty
// corners, from OpenSTA's power at the corners (power/sta_power.h) for one switching activity.
//
// Model.
//   Dynamic energy (internal + switching) per period at V = E_dyn(reference corner) x (V / V_ref)^2:
//   every transition moves a charge proportional to V through the cells' capacitances (C V^2);
//   the reference corner's internal power tables are characterized at V_ref.
//   Leakage power at V: ln P_leak interpolated by the parabola through the three corners'
//   (V, ln P_leak) -- leakage grows about exponentially with V (DIBL) -- then x T_clk.
// Limits. Nangate45's corners differ in process (slow/typical/fast transistors) and temperature
// (125 / 25 / 0 C) as well as voltage (0.95 / 1.10 / 1.25 V): the leakage curve passes through
// those three states (the hot slow corner leaks more per volt than a 25 C die would), and the
// dynamic scaling keeps the reference corner's process, temperature and slews. Valid only between
// the lowest and highest corner voltage (the range of the delay model, timing/voltage_model.h);
// outside it is an Error.
#pragma once

#include <array>
#include <string>

namespace tesa {

struct CornerPower {
    std::string corner;   // "slow", "typ", "fast"
    double volts = 0;     // the Liberty's nom_voltage
    double dynamic_w = 0, leakage_w = 0;
    double period_ps = 0;
};

class VoltageEnergyModel {
public:
    // `reference`: the corner whose dynamic energy is scaled; `corners`: three corners with distinct
    // voltages and positive leakage (Error otherwise).
    VoltageEnergyModel(const CornerPower& reference, const std::array<CornerPower, 3>& corners);

    double min_volts() const { return v_lo_; }
    double max_volts() const { return v_hi_; }
    double dynamic_pj(double volts) const;                     // per period
    double leakage_w(double volts) const;
    double energy_pj(double volts, double period_ps) const;    // dynamic + leakage x T

private:
    void check(double volts) const;
    double v_ref_ = 0, dyn_ref_pj_ = 0, v_lo_ = 0, v_hi_ = 0;
    std::array<double, 3> v_{}, ln_p_{};
};

}  // namespace tesa
