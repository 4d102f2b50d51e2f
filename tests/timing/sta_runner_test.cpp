// run_sta: OpenSTA's critical path and SDF for the Booth PE, and clear errors when it cannot run.
#include "timing/sta_runner.h"

#include "common/error.h"
#include "timing_test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace {

TEST(StaRunner, CriticalPathRunsFromLaunchToCaptureRegister) {
    const tesa::StaResult& r = tesa::test::timed_booth(8).setup.sta;
    EXPECT_EQ(r.startpoint.rfind("r", 0), 0u) << r.startpoint;
    EXPECT_EQ(r.endpoint.rfind("rp_", 0), 0u) << r.endpoint;
    ASSERT_GE(r.critical_path.size(), 5u);
    EXPECT_EQ(r.critical_path.front().cell, "DFF_X1");
    EXPECT_EQ(r.critical_path.back().pin, r.endpoint + "/D");
    // times accumulate the delays, and the last one is the data arrival
    double t = 0;
    for (const auto& pt : r.critical_path) {
        t += pt.delay_ps;
        EXPECT_NEAR(pt.time_ps, t, 0.3) << pt.pin;
    }
    EXPECT_NEAR(r.arrival_ps, r.critical_path.back().time_ps, 0.2);
    EXPECT_DOUBLE_EQ(r.min_period_ps, r.arrival_ps + r.setup_ps);
    EXPECT_GT(r.arrival_ps, 500.0);
    EXPECT_LT(r.arrival_ps, 3000.0);
    ASSERT_FALSE(r.endpoints.empty());
    EXPECT_NEAR(r.endpoints.front().arrival_ps, r.arrival_ps, 0.2);
}

TEST(StaRunner, MissingStaBinaryIsAClearError) {
    const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", "/nonexistent-tesa-bin", 1);
    tesa::StaOptions o;
    o.netlist = std::string(TESA_TEST_SYNTH_DIR) + "/booth_mul_w4_typ/netlist.v";
    o.liberty = std::string(TESA_TEST_PDK_DIR) + "/nangate45_typ.lib.gz";
    o.out_dir = std::filesystem::temp_directory_path() / ("tesa_nosta_" + std::to_string(::getpid()));
    o.liberty_cache = o.out_dir.parent_path() / ("tesa_nosta_lib_" + std::to_string(::getpid()));
    try {
        tesa::run_sta(o);
        ::setenv("PATH", saved.c_str(), 1);
        FAIL() << "no error";
    } catch (const tesa::Error& e) {
        ::setenv("PATH", saved.c_str(), 1);
        EXPECT_NE(std::string(e.what()).find("sta: program not found"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(o.out_dir)) << "no partial results";
}

TEST(StaRunner, FailingStaRunIsAClearError) {
    // A register cell the wrapper needs but the Liberty lacks is caught before OpenSTA runs;
    // an unreadable netlist makes OpenSTA itself fail.
    tesa::StaOptions o;
    o.netlist = std::string(TESA_TEST_SYNTH_DIR) + "/booth_mul_w4_typ/netlist.v";
    o.liberty = std::string(TESA_TEST_PDK_DIR) + "/nangate45_typ.lib.gz";
    o.out_dir = std::filesystem::temp_directory_path() / ("tesa_badsta_" + std::to_string(::getpid()));
    o.liberty_cache = o.out_dir.parent_path() / ("tesa_badsta_lib_" + std::to_string(::getpid()));
    o.reg_cell = "NOSUCH_DFF";
    EXPECT_THROW(tesa::run_sta(o), tesa::Error);
    o.reg_cell = "DFF_X1";
    o.top = "not_the_module";  // the wrapper instantiates a module the netlist does not define
    try {
        tesa::run_sta(o);
        FAIL() << "no error";
    } catch (const tesa::Error& e) {
        EXPECT_NE(std::string(e.what()).find("OpenSTA failed"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(o.out_dir));
}

}  // namespace
