// operating_point.cpp -- operating points resolved, described and keyed.
#include "timing/operating_point.h"

#include "common/error.h"
#include "common/validate.h"
#include "timing/error_tables.h"

#include <cstdio>

namespace tesa {

namespace {

double clock_period_ps(const ClockSpec& clock, double sta_period_ps) {
    switch (clock.kind) {
    case ClockSpec::Kind::Scale:
        return require_in("--clock-scale", clock.value, Range::closed(0.1, 4.0)) * sta_period_ps;
    case ClockSpec::Kind::Picoseconds:
        return require_in("--clock-ps", clock.value, Range::closed(1, 1e6));
    case ClockSpec::Kind::Megahertz:
        return 1e6 / require_in("--frequency-mhz", clock.value, Range::closed(1, 1e6));
    }
    return 0;
}

}  // namespace

OperatingPoint resolve_operating_point(const OperatingPointSpec& spec, double sta_period_ps, double nominal_voltage,
                                       VoltageRange range, const std::function<double(double)>& voltage_scale) {
    require_in("--time-step", spec.time_step_ps, Range::closed(1, 100));
    require_in("--sigma", spec.sigma, Range::closed(0, 0.5));
    if (!(sta_period_ps > 0)) fail("operating point: OpenSTA's min period must be positive");
    OperatingPoint p;
    p.spec = spec;
    if (spec.sigma == 0) p.spec.die_seed = 0;  // the nominal die: no seed to tell apart
    p.sta_period_ps = sta_period_ps;
    p.nominal_voltage = nominal_voltage;
    p.clock_ps = clock_period_ps(spec.clock, sta_period_ps);
    if (spec.voltage) {
        const double v = *spec.voltage;
        if (!Range::closed(range.lo, range.hi).contains(v)) {
            char m[240];
            std::snprintf(m, sizeof m,
                          "--voltage %g is outside [%g, %g] V, the validity range of the alpha-power delay model "
                          "(the voltages of the corners it is fitted to)",
                          v, range.lo, range.hi);
            fail(m);
        }
        p.delay_scale = voltage_scale(v);
        if (!(p.delay_scale > 0)) fail("--voltage: the voltage model gave a non-positive delay scale");
    }
    return p;
}

TimingConditions OperatingPoint::conditions() const {
    TimingConditions c;
    c.clock_period_ps = clock_ps;
    c.cond = cond_mode_of(spec.semantics);
    c.delay_scale = delay_scale;
    c.sigma = spec.sigma;
    c.seed = spec.die_seed;
    c.time_step_ps = spec.time_step_ps;
    return c;
}

std::string OperatingPoint::describe() const {
    char buf[400];
    std::snprintf(buf, sizeof buf, "%s corner, %.3f V%s, T_clk %.1f ps (%.3f x %.1f ps), step %g ps, %s semantics",
                  spec.corner.c_str(), volts(), spec.voltage ? "" : " (nominal)", clock_ps, clock_scale(), sta_period_ps,
                  spec.time_step_ps, semantics_name(spec.semantics));
    std::string s = buf;
    if (spec.voltage) {
        std::snprintf(buf, sizeof buf, ", delays x %.4f", delay_scale);
        s += buf;
    }
    if (spec.sigma > 0) {
        std::snprintf(buf, sizeof buf, ", die %llu of sigma %g", static_cast<unsigned long long>(spec.die_seed), spec.sigma);
        s += buf;
    }
    return s;
}

std::string OperatingPoint::characterize_options() const {
    char buf[400];
    std::string s = "--corner " + spec.corner;
    if (spec.voltage) {
        std::snprintf(buf, sizeof buf, " --voltage %g", *spec.voltage);
        s += buf;
    }
    const char* clock = spec.clock.kind == ClockSpec::Kind::Scale         ? "--clock-scale"
                        : spec.clock.kind == ClockSpec::Kind::Picoseconds ? "--clock-ps"
                                                                          : "--frequency-mhz";
    std::snprintf(buf, sizeof buf, " %s %g --time-step %g --semantics %s", clock, spec.clock.value, spec.time_step_ps,
                  semantics_name(spec.semantics));
    s += buf;
    if (spec.sigma > 0) {
        std::snprintf(buf, sizeof buf, " --sigma %g --die-seed %llu", spec.sigma, static_cast<unsigned long long>(spec.die_seed));
        s += buf;
    }
    return s;
}

std::string table_key(const OperatingPoint& p, const std::string& netlist_hash, const std::string& sdf_hash, int width) {
    // Rounded so that one clock given as a scale or in ps gives one key; %.9g keeps the scale exact
    // enough that two voltages never share one.
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "tesa table key 1\nnetlist %s\nsdf %s\nwidth %d\nsemantics %s\nclock_ps %.3f\nstep_ps %.3f\n"
                  "volts %.6f\ndelay_scale %.9g\nsigma %.6f\ndie %llu\n",
                  netlist_hash.c_str(), sdf_hash.c_str(), width, semantics_name(p.spec.semantics), p.clock_ps,
                  p.spec.time_step_ps, p.spec.voltage ? *p.spec.voltage : 0.0, p.delay_scale, p.spec.sigma,
                  static_cast<unsigned long long>(p.spec.die_seed));
    return bytes_hash(buf);
}

}  // namespace tesa
