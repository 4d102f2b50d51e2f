// experiments/sweep.h: the grid's points in order (first axis slowest, list entries combined with
// each grid point), options set twice refused; plans round-trip through plan.tsv whatever their
// values hold (tabs, newlines, backslashes, quotes), and damaged plans are refused naming the line;
// job ids follow the command line only.
#include "experiments/sweep.h"
#include "test_util.h"

#include "common/error.h"
#include "common/file_util.h"

#include <gtest/gtest.h>

using tesa::OptionList;
using tesa::SweepJob;
using tesa::SweepPlan;
using tesa::SweepSpec;
using tesa::test::TempDir;

TEST(SweepPlan, TheGridIsTheCartesianProductFirstAxisSlowestTimesTheList) {
    SweepSpec s;
    s.command = "run";
    s.fixed = {{"network", "lenet5-mnist"}};
    s.grid = {{"array", {"8x8", "16x16"}}, {"dataflow", {"ws", "os", "ws"}}};
    s.list = {{"fast", {{"clock-scale", "0.8"}}}, {"slow", {{"clock-scale", "0.95"}}}};
    const std::vector<tesa::SweepPoint> p = tesa::expand_points(s);
    ASSERT_EQ(p.size(), 2u * 3 * 2);
    EXPECT_EQ(p[0].options, (OptionList{{"network", "lenet5-mnist"}, {"array", "8x8"}, {"dataflow", "ws"}, {"clock-scale", "0.8"}}));
    EXPECT_EQ(p[1].label, "slow");
    EXPECT_EQ(p[2].options[2].second, "os");
    EXPECT_EQ(p[6].options[1].second, "16x16");
    s.list.push_back({"again", {{"array", "4x4"}}});
    EXPECT_THROW(tesa::expand_points(s), tesa::Error);
    s.list.pop_back();
    s.grid.push_back({"network", {"lenet5-cifar10"}});
    EXPECT_THROW(tesa::expand_points(s), tesa::Error);
    s.grid.pop_back();
    s.grid.push_back({"seed", {}});
    EXPECT_THROW(tesa::expand_points(s), tesa::Error);
}

TEST(SweepPlan, PlansRoundTripWhateverTheirValuesHoldAndDamageIsNamed) {
    TempDir t;
    SweepPlan p;
    p.name = "n";
    p.command = "run";
    p.out = t.path / "out dir";
    p.params = {"variant", "model"};
    SweepJob tj;
    tj.kind = SweepJob::Kind::Tables;
    tj.args = {"characterize", "--clock-scale", "0.9"};
    tj.id = tesa::sweep_job_id('t', tj.args);
    tj.tables_file = "/a/b.h5";
    SweepJob pj;
    pj.args = {"run", "--model=we\tird\nname\\x 'q\" ;rm -rf /", "--variant=baseline,eaq"};
    pj.id = tesa::sweep_job_id('p', pj.args);
    pj.depends = {tj.id};
    pj.label = "a label";
    pj.params = {{"variant", "baseline,eaq"}, {"model", "we\tird\nname\\x 'q\" ;rm -rf /"}};
    p.jobs = {tj, pj};
    tesa::write_plan(p, t.path);
    const SweepPlan q = tesa::read_plan(t.path);
    EXPECT_EQ(q.name, p.name);
    EXPECT_EQ(q.out, p.out);
    EXPECT_EQ(q.params, p.params);
    ASSERT_EQ(q.jobs.size(), 2u);
    EXPECT_EQ(q.jobs[1].args, pj.args);
    EXPECT_EQ(q.jobs[1].params, pj.params);
    EXPECT_EQ(q.jobs[1].depends, pj.depends);
    EXPECT_EQ(q.jobs[1].label, pj.label);
    EXPECT_EQ(q.jobs[0].kind, SweepJob::Kind::Tables);
    EXPECT_EQ(q.job(pj.id).id, pj.id);
    EXPECT_THROW(q.job("p000000000000"), tesa::Error);
    EXPECT_EQ(tesa::sweep_job_id('p', pj.args), pj.id);
    EXPECT_NE(tesa::sweep_job_id('p', {"run", "--variant=baseline,eaq"}), pj.id);
    EXPECT_EQ(pj.id.size(), 13u);

    const std::string text = tesa::read_file(t.path / "plan.tsv");
    for (const auto& [bad, why] : std::vector<std::pair<std::string, std::string>>{
             {"not a plan\n", "not a tesa sweep plan"},
             {text.substr(0, text.rfind("\t")) + "\n", ":7:"},
             {text + "job\tpoint\tx\t\t\t9\n", ":8: bad count"},
             {text + "something else\n", ":8: unexpected line"},
             {text + "job\tpoint\tx\t\t\t0\t1\trun\\q\t0\n", ":8: unknown escape"}}) {
        tesa::write_file_atomic(t.path / "plan.tsv", bad);
        try {
            tesa::read_plan(t.path);
            ADD_FAILURE() << "accepted: " << bad;
        } catch (const tesa::Error& e) {
            EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
        }
    }
}

TEST(SweepPlan, JobStateFollowsItsMarkers) {
    TempDir t;
    EXPECT_EQ(tesa::job_state(t.path, "p1"), tesa::JobState::Pending);
    tesa::mark_job_failed(t.path, "p1", 3);
    EXPECT_EQ(tesa::job_state(t.path, "p1"), tesa::JobState::Failed);
    tesa::mark_job_done(t.path, "p1", {"r.csv", 1.5});
    EXPECT_EQ(tesa::job_state(t.path, "p1"), tesa::JobState::Done);
    EXPECT_EQ(tesa::read_job_record(t.path, "p1").result, "r.csv");
    EXPECT_DOUBLE_EQ(tesa::read_job_record(t.path, "p1").seconds, 1.5);
}
