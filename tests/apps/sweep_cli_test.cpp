// `tesa sweep`: a grid of `tesa run` points on local worker processes gives, per point, the rows
// `tesa run` itself gives; a second run skips every done point, a grown grid runs only the new
// ones, a lost job runs again, and the collected CSV keeps its bits; the same sweep through a real
// single-node Slurm cluster (tests/slurm/cluster.sh) collects the same bits; bad sweep files are
// refused before any job runs, naming the file, the line or the point.
#include "apps/tesa/accelerator_commands.h"
#include "cli_test_util.h"
#include "test_util.h"

#include "common/file_util.h"
#include "common/process.h"
#include "experiments/sweep.h"
#include "held_transitions.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using namespace tesa::test;

namespace {

CliRun sweep(std::vector<std::string> args) {
    args.insert(args.begin(), "sweep");
    return run_tesa(args, &tesa::cli::accelerator_commands());
}

// A sweep of `tesa run` over synthetic tables: 2 arrays x 2 dataflows, baseline and EAQ in each.
fs::path write_sweep(const fs::path& dir, const fs::path& tables, const std::string& arrays, const std::string& name = "grid") {
    const fs::path f = dir / (name + ".ini");
    tesa::write_file_atomic(f, "command = run\n[fixed]\nimages = 6\ncalibration-images = 300\nregulation = 0.5\nvariant = baseline,eaq\ntables = " +
                                   tables.string() + "\n[grid]\narray = " + arrays + "\ndataflow = ws os\n");
    return f;
}

std::vector<std::string> lines(const std::string& s) { return tesa::split_list(s, '\n'); }

// The CSV's rows without the columns that measure the machine (wall time, images/s).
std::set<std::string> comparable_rows(const std::string& csv) {
    const std::vector<std::string> ls = lines(csv);
    const std::vector<std::string> head = tesa::split_list(ls.at(0), ',');
    std::set<std::string> rows;
    for (size_t i = 1; i < ls.size(); ++i) {
        std::vector<std::string> cells;
        std::stringstream in(ls[i] + ",");
        for (std::string c; std::getline(in, c, ',');) cells.push_back(c);
        std::string r;
        for (size_t c = 0; c < head.size(); ++c)
            if (head[c] != "wall_seconds" && head[c] != "images_per_second") r += head[c] + "=" + cells.at(c) + ";";
        rows.insert(r);
    }
    return rows;
}

}  // namespace

TEST(SweepCli, ALocalSweepGivesEachPointsOwnRowsAndResumesWithoutRedoingThem) {
    TempDir t;
    const fs::path tables = write_synthetic_tables(t.path / "tables.h5");
    const fs::path file = write_sweep(t.path, tables, "4x4 8x8");
    const std::vector<std::string> args{"--config", file.string(), "--out", (t.path / "out").string(), "--tesa", TESA_BINARY, "--plot", "false"};
    CliRun r = sweep(args);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "4 points of tesa run, 0 table job(s)")) << r.err;
    const fs::path dir = t.path / "out" / "sweep" / "grid";
    const std::string csv = tesa::read_file(dir / "results.csv");
    ASSERT_EQ(lines(csv).size(), 1u + 4 * 2) << csv;  // a row per variant of each point
    EXPECT_TRUE(contains(lines(csv)[0], "point,")) << csv;
    EXPECT_FALSE(contains(lines(csv)[0], "wall_seconds")) << "the collected CSV must not depend on the machine";
    EXPECT_TRUE(fs::exists(dir / "results.md"));

    // One point against `tesa run` itself with the same options: the same rows.
    CliRun direct = run_tesa({"run", "--images", "6", "--calibration-images", "300", "--regulation", "0.5", "--variant", "baseline,eaq",
                              "--tables", tables.string(), "--array", "8x8", "--dataflow", "os", "--out", (t.path / "direct").string(),
                              "--results", (t.path / "direct").string()},
                             &tesa::cli::accelerator_commands());
    ASSERT_EQ(direct.code, 0) << direct.err;
    const tesa::SweepPlan plan = tesa::read_plan(dir);
    const tesa::SweepJob* point = nullptr;
    for (const tesa::SweepJob& j : plan.jobs)
        if (j.params.size() == 7 && j.params[5].second == "8x8" && j.params[6].second == "os") point = &j;
    ASSERT_NE(point, nullptr);
    const fs::path point_csv = tesa::job_dir(dir, point->id) / tesa::read_job_record(dir, point->id).result;
    fs::path direct_csv;
    for (const auto& e : fs::directory_iterator(t.path / "direct"))
        if (e.path().extension() == ".csv" && !contains(e.path().filename().string(), "_layers")) direct_csv = e.path();
    EXPECT_EQ(comparable_rows(tesa::read_file(point_csv)), comparable_rows(tesa::read_file(direct_csv)));

    // Again: nothing runs, the same bits.
    r = sweep(args);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "4 done before, 0 to run")) << r.err;
    EXPECT_EQ(tesa::read_file(dir / "results.csv"), csv);

    // A lost job runs again; a grown grid runs only its new points.
    fs::remove(dir / "jobs" / (point->id + ".done"));
    write_sweep(t.path, tables, "2x2 4x4 8x8");
    r = sweep(args);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "6 jobs, 3 done before, 3 to run")) << r.err;
    const std::string grown = tesa::read_file(dir / "results.csv");
    EXPECT_EQ(lines(grown).size(), 1u + 6 * 2);
    for (const std::string& row : lines(csv)) EXPECT_TRUE(contains(grown, row + "\n")) << row;

    // status and collect from the directory.
    r = sweep({"status", "--dir", dir.string()});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "6 of 6 jobs done")) << r.out;
    r = sweep({"collect", "--dir", dir.string(), "--plot", "false"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(tesa::read_file(dir / "results.csv"), grown);
}

TEST(SweepCli, AFailedPointIsReportedAndItsLogKept) {
    TempDir t;
    const fs::path tables = write_synthetic_tables(t.path / "tables.h5");
    const fs::path file = write_sweep(t.path, tables, "4x4");
    tesa::write_file_atomic(t.path / "bad.h5", "not HDF5");
    // The second point's tables are damaged: it fails at run time, the other point is collected.
    tesa::write_file_atomic(file, "command = run\n[fixed]\nimages = 4\ncalibration-images = 300\nregulation = 0.5\narray = 4x4\n[points]\ngood = tables=" +
                                      tables.string() + "\nbad = tables=" + (t.path / "bad.h5").string() + "\n");
    CliRun r = sweep({"--config", file.string(), "--out", (t.path / "out").string(), "--tesa", TESA_BINARY, "--plot", "false"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "1 job(s) failed")) << r.err;
    const fs::path dir = t.path / "out" / "sweep" / "grid";
    EXPECT_EQ(lines(tesa::read_file(dir / "results.csv")).size(), 2u);
    EXPECT_TRUE(contains(tesa::read_file(dir / "results.md"), "Not done (1)"));
    r = sweep({"status", "--dir", dir.string()});
    EXPECT_EQ(r.code, 3);
    EXPECT_TRUE(contains(r.out, "1 failed")) << r.out;
    bool logged = false;
    for (const auto& e : fs::directory_iterator(dir / "logs")) logged = logged || contains(tesa::read_file(e.path()), "bad.h5");
    EXPECT_TRUE(logged) << "the failing job's log names its input";
}

TEST(SweepCli, BadSweepFilesAreRefusedBeforeAnyJob) {
    TempDir t;
    const fs::path out = t.path / "out";
    auto try_file = [&](const std::string& text) {
        const fs::path f = t.path / "bad.ini";
        tesa::write_file_atomic(f, text);
        return sweep({"--config", f.string(), "--out", out.string(), "--tesa", TESA_BINARY});
    };
    CliRun r = try_file("[grid]\narray = 4x4\n");
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "no 'command'")) << r.err;
    r = try_file("command = gemm\n");
    EXPECT_TRUE(contains(r.err, "cannot be swept")) << r.err;
    r = try_file("command = run\n[axes]\narray = 4x4\n");
    EXPECT_TRUE(contains(r.err, "bad.ini:3: unknown section [axes]")) << r.err;
    r = try_file("command = run\n[fixed]\nout = /tmp\n");
    EXPECT_TRUE(contains(r.err, "bad.ini:3: 'out' is set by the sweep")) << r.err;
    r = try_file("command = run\n[fixed]\narray = 4x4\n[grid]\narray = 8x8 16x16\n");
    EXPECT_TRUE(contains(r.err, "both fixed and a grid axis")) << r.err;
    r = try_file("command = run\n[fixed]\nregulation = 0\n[grid]\narray = 4x4 3y3\n");
    EXPECT_TRUE(contains(r.err, "point 2 regulation=0 array=3y3")) << r.err;
    r = try_file("command = run\n[fixed]\nregulation = 0\n[grid]\nimages = 5 -3\n");
    EXPECT_TRUE(contains(r.err, "point 2 regulation=0 images=-3")) << r.err;
    r = try_file("command = run\n[fixed]\nregulation = 0\nvariant = baseline,eqa\n");
    EXPECT_TRUE(contains(r.err, "unknown variant 'eqa'")) << r.err;
    r = try_file("command = run\n[fixed]\nregulation = 0\nvoltage-of-the-moon = 3\n");
    EXPECT_TRUE(contains(r.err, "voltage-of-the-moon")) << r.err;
    r = try_file("command = run\n[fixed]\nregulation = 0\nenergy = maybe\n");
    EXPECT_TRUE(contains(r.err, "switch")) << r.err;
    r = try_file("command = run\n[fixed]\nregulation = 0\n[points]\nx = array\n");
    EXPECT_TRUE(contains(r.err, "'array' is not option=value")) << r.err;
    EXPECT_FALSE(fs::exists(out / "sweep")) << "nothing planned from a bad file";
    r = sweep({"status", "--dir", (t.path / "nowhere").string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "no sweep plan here")) << r.err;
}

// A real Slurm cluster on this machine: the test fails (never skips) when it cannot start one.
TEST(SweepSlurm, ASweepThroughARealSlurmClusterCollectsTheLocalExecutorsBits) {
    TempDir t;
    const fs::path tables = write_synthetic_tables(t.path / "tables.h5");
    const fs::path file = write_sweep(t.path, tables, "4x4 8x8");
    CliRun r = sweep({"--config", file.string(), "--out", (t.path / "local").string(), "--tesa", TESA_BINARY, "--plot", "false"});
    ASSERT_EQ(r.code, 0) << r.err;

    const fs::path cluster = t.path / "slurm";
    const tesa::ProcessResult up = tesa::run_process({"bash", tesa::cli::source_dir() + "/tests/slurm/cluster.sh", "start", cluster.string()});
    struct Stop {
        fs::path dir;
        ~Stop() { tesa::run_process({"bash", tesa::cli::source_dir() + "/tests/slurm/cluster.sh", "stop", dir.string()}); }
    } stop{cluster};
    ASSERT_EQ(up.exit_code, 0) << "no Slurm cluster, so the Slurm executor is untested: " << up.output;
    ::setenv("SLURM_CONF", (cluster / "slurm.conf").c_str(), 1);

    r = sweep({"--config", file.string(), "--out", (t.path / "cluster").string(), "--tesa", TESA_BINARY, "--executor", "slurm"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "submitted 4 job(s) of level 0 (points) as Slurm array")) << r.err;
    const fs::path dir = t.path / "cluster" / "sweep" / "grid";
    CliRun st;
    for (int i = 0; i < 600; ++i) {  // at most 5 minutes
        st = sweep({"status", "--dir", dir.string()});
        if (st.code == 0 || contains(st.out, "failed: ")) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    ASSERT_EQ(st.code, 0) << st.out << tesa::read_file(cluster / "slurmd.log");
    r = sweep({"collect", "--dir", dir.string(), "--plot", "false"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(tesa::read_file(dir / "results.csv"), tesa::read_file(t.path / "local" / "sweep" / "grid" / "results.csv"));
    ::unsetenv("SLURM_CONF");
}

// A point whose tables are not cached gets a table job -- with --table-shards, shard jobs and a
// merge after them -- and the Slurm executor submits one array per level, each after the one
// before (a stand-in sbatch records what it was asked; the real cluster is the test above).
TEST(SweepCli, MissingTablesAreShardedJobsAndSlurmGetsOneArrayPerLevel) {
    TempDir t;
    const fs::path file = t.path / "tables.ini";
    tesa::write_file_atomic(file, "command = array-study\n[fixed]\nimages = 2\n[grid]\nclock-scale = 0.93 0.94\n");
    const std::vector<std::string> base{"--config", file.string(), "--out", (t.path / "out").string(), "--tesa", TESA_BINARY, "--table-shards", "3"};
    std::vector<std::string> args = base;
    args.insert(args.begin(), "plan");
    CliRun r = sweep(args);
    ASSERT_EQ(r.code, 0) << r.err;
    const tesa::SweepPlan plan = tesa::read_plan(t.path / "out" / "sweep" / "tables");
    ASSERT_EQ(plan.jobs.size(), 2u * (3 + 1) + 2) << r.out;
    size_t shards = 0, merges = 0;
    for (const tesa::SweepJob& j : plan.jobs) {
        const std::string line = [&] {
            std::string s;
            for (const std::string& a : j.args) s += a + " ";
            return s;
        }();
        if (contains(line, "--shard=")) {
            ++shards;
            EXPECT_TRUE(j.depends.empty());
        }
        if (contains(line, "--merge")) {
            ++merges;
            EXPECT_EQ(j.depends.size(), 3u);
        }
        if (j.kind == tesa::SweepJob::Kind::Point) {
            ASSERT_EQ(j.depends.size(), 1u);
            EXPECT_TRUE(contains(plan.job(j.depends[0]).args.back(), "--merge"));
            EXPECT_TRUE(contains(line, "--tables=" + (t.path / "out" / "tables").string())) << line;
        }
    }
    EXPECT_EQ(shards, 6u);
    EXPECT_EQ(merges, 2u);
    EXPECT_TRUE(contains(r.out, "pending tesa characterize")) << r.out;

    const fs::path fake = t.path / "sbatch";
    tesa::write_file_atomic(fake, "#!/bin/sh\nn=$(ls " + t.path.string() + "/calls 2>/dev/null | wc -l)\nmkdir -p " + t.path.string() +
                                      "/calls\nprintf '%s\\n' \"$@\" > " + t.path.string() + "/calls/$n\necho $((100 + n))\n");
    fs::permissions(fake, fs::perms::owner_all);
    args = base;
    args.insert(args.end(), {"--executor", "slurm", "--sbatch", fake.string(), "--partition", "p1", "--time", "1:00:00"});
    r = sweep(args);
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string first = tesa::read_file(t.path / "calls" / "0"), second = tesa::read_file(t.path / "calls" / "1"),
                      third = tesa::read_file(t.path / "calls" / "2");
    EXPECT_TRUE(contains(first, "--array=0-5\n")) << first;
    EXPECT_FALSE(contains(first, "--dependency")) << first;
    EXPECT_TRUE(contains(first, "--partition=p1\n--time=1:00:00\n")) << first;
    EXPECT_TRUE(contains(second, "--array=0-1\n--") && contains(second, "--dependency=afterok:100\n")) << second;
    EXPECT_TRUE(contains(third, "--dependency=afterok:101\n")) << third;
    EXPECT_FALSE(fs::exists(t.path / "calls" / "3"));
    // The batch script names only the worker, the sweep directory and the task list.
    fs::path script;
    for (const auto& e : fs::directory_iterator(t.path / "out" / "sweep" / "tables" / "slurm"))
        if (e.path().extension() == ".sbatch" && contains(e.path().filename().string(), "points")) script = e.path();
    const std::string text = tesa::read_file(script);
    EXPECT_TRUE(contains(text, "--index \"$SLURM_ARRAY_TASK_ID\"")) << text;
    EXPECT_FALSE(contains(text, "clock-scale")) << text;
    args = base;
    args.insert(args.end(), {"--executor", "slurm", "--sbatch", fake.string(), "--partition", "p1;rm"});
    r = sweep(args);
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "partition 'p1;rm'")) << r.err;
}

// The sweep files in configs/ plan: every point's command line parses and its tables resolve.
TEST(SweepCli, ShippedSweepFilesPlan) {
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(tesa::cli::source_dir() + "/configs")) {
        if (e.path().extension() != ".ini" || !contains(tesa::read_file(e.path()), "\ncommand = ")) continue;
        TempDir t;
        CliRun r = sweep({"plan", "--config", e.path().string(), "--out", t.path.string(), "--tesa", TESA_BINARY});
        EXPECT_EQ(r.code, 0) << e.path() << "\n" << r.err;
        ++files;
        if (e.path().filename() == "sweep_lenet5.ini") {
            const tesa::SweepPlan plan = tesa::read_plan(t.path / "sweep" / "lenet5-arch");
            EXPECT_EQ(plan.jobs.size(), 24u + 3) << "24 points and a table job per clock";
        }
    }
    EXPECT_GE(files, 1u);
}
