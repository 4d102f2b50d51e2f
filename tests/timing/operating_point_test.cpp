// Operating points: clocks given three ways, the voltage model's validity range, and the content
// key -- one key per distinct table, the same key for one table however its clock is written.
#include "timing/operating_point.h"

#include "common/error.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using tesa::ClockSpec;
using tesa::OperatingPoint;
using tesa::OperatingPointSpec;
using tesa::VoltageRange;

constexpr double kSta = 1264.3, kNominal = 1.1;
const VoltageRange kRange{0.95, 1.25};

// A made-up monotone voltage law: delays grow as the supply falls.
double law(double v) { return std::pow(kNominal / v, 2.0); }

OperatingPoint resolve(const OperatingPointSpec& s) { return tesa::resolve_operating_point(s, kSta, kNominal, kRange, law); }
std::string key(const OperatingPointSpec& s) { return tesa::table_key(resolve(s), "n1", "s1", 8); }

TEST(OperatingPoint, ClockAsScalePicosecondsOrMegahertzIsOnePeriodAndOneKey) {
    OperatingPointSpec s;
    s.clock = {ClockSpec::Kind::Scale, 0.9};
    const OperatingPoint a = resolve(s);
    EXPECT_DOUBLE_EQ(a.clock_ps, 0.9 * kSta);
    EXPECT_DOUBLE_EQ(a.clock_scale(), 0.9);
    OperatingPointSpec ps = s;
    ps.clock = {ClockSpec::Kind::Picoseconds, 0.9 * kSta};
    EXPECT_EQ(key(ps), key(s));
    OperatingPointSpec mhz = s;
    mhz.clock = {ClockSpec::Kind::Megahertz, 1e6 / (0.9 * kSta)};
    EXPECT_EQ(key(mhz), key(s));
    EXPECT_NE(a.characterize_options().find("--clock-scale 0.9"), std::string::npos) << a.characterize_options();
    EXPECT_NE(resolve(ps).characterize_options().find("--clock-ps 1137.87"), std::string::npos) << resolve(ps).characterize_options();
}

TEST(OperatingPoint, VoltageScalesDelaysAtAFixedClockInsideTheFittedRange) {
    OperatingPointSpec s;
    s.clock = {ClockSpec::Kind::Scale, 1.0};
    s.voltage = 1.0;
    const OperatingPoint p = resolve(s);
    EXPECT_DOUBLE_EQ(p.delay_scale, law(1.0));
    EXPECT_DOUBLE_EQ(p.clock_ps, kSta) << "a clock scale refers to the corner's nominal voltage";
    EXPECT_DOUBLE_EQ(p.conditions().delay_scale, law(1.0));
    EXPECT_DOUBLE_EQ(resolve(OperatingPointSpec{}).delay_scale, 1.0);
    for (double v : {0.9, 1.3}) {
        s.voltage = v;
        try {
            resolve(s);
            ADD_FAILURE() << v << " V accepted";
        } catch (const tesa::Error& e) {
            EXPECT_NE(std::string(e.what()).find("validity range"), std::string::npos) << e.what();
        }
    }
}

TEST(OperatingPoint, KeySeparatesEverythingThatChangesTheTable) {
    OperatingPointSpec base;
    const std::string k = key(base);
    EXPECT_EQ(k.size(), 16u);
    EXPECT_EQ(k, key(base)) << "deterministic";
    auto differs = [&](OperatingPointSpec s, const char* what) { EXPECT_NE(key(s), k) << what; };
    OperatingPointSpec s = base;
    s.voltage = 1.05;
    differs(s, "voltage");
    s = base;
    s.clock.value = 0.81;
    differs(s, "clock");
    s = base;
    s.time_step_ps = 5;
    differs(s, "time step");
    s = base;
    s.semantics = tesa::Semantics::DelayLine;
    differs(s, "semantics");
    s = base;
    s.sigma = 0.05;
    differs(s, "sigma");
    OperatingPointSpec d2 = s;
    d2.die_seed = 2;
    EXPECT_NE(key(d2), key(s)) << "die";
    OperatingPointSpec nominal = base;
    nominal.die_seed = 7;
    EXPECT_EQ(key(nominal), k) << "without variation the die seed changes nothing";
    EXPECT_NE(tesa::table_key(resolve(base), "n2", "s1", 8), k) << "netlist";
    EXPECT_NE(tesa::table_key(resolve(base), "n1", "s2", 8), k) << "SDF";
    EXPECT_NE(tesa::table_key(resolve(base), "n1", "s1", 4), k) << "width";
}

TEST(OperatingPoint, OutOfRangeOptionsAreNamed) {
    auto refused = [](OperatingPointSpec s, const std::string& what) {
        try {
            resolve(s);
            ADD_FAILURE() << what << " accepted";
        } catch (const tesa::Error& e) {
            EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
        }
    };
    OperatingPointSpec s;
    s.sigma = 0.6;
    refused(s, "--sigma");
    s = {};
    s.clock = {ClockSpec::Kind::Megahertz, 0};
    refused(s, "--frequency-mhz");
    s = {};
    s.clock = {ClockSpec::Kind::Picoseconds, -5};
    refused(s, "--clock-ps");
    s = {};
    s.time_step_ps = 0;
    refused(s, "--time-step");
}

}  // namespace
