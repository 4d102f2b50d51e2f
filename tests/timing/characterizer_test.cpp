// Exhaustive characterization (4-bit instance): the tables built by the Verilated worker equal
// what the event-driven reference says for every (previous, current) pair; interrupted runs
// resume; tables of another netlist/SDF/clock are refused.
#include "timing/characterizer.h"

#include "common/file_util.h"

#include "common/error.h"
#include "test_util.h"
#include "timing/event_simulator.h"
#include "timing_test_util.h"

#include <H5Cpp.h>
#include <gtest/gtest.h>

#include <map>

using namespace tesa;

namespace {

struct CharRun {
    TimedNetlist timed;
    ErrorTables tables;
    std::vector<std::string> progress;
};

std::filesystem::path work_dir() {
    return std::filesystem::temp_directory_path() / ("tesa_char_" + std::to_string(::getpid()));
}

CharRun characterize4(uint32_t chunk, double scale = 0.8, bool static_proof = true, Semantics sem = Semantics::DelayLine) {
    const auto& tb = tesa::test::timed_booth(4);
    TimingConditions c;
    c.clock_period_ps = scale * tb.setup.sta.min_period_ps;
    c.time_step_ps = 10;
    c.cond = cond_mode_of(sem);
    CharRun r{TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c), {}, {}};
    CharacterizeOptions o;
    o.work_dir = work_dir();
    o.worker_source = std::string(TESA_SOURCE_DIR) + "/timing/characterize_worker.cpp";
    o.chunk = chunk;
    o.cflags = "-O1";
    o.progress = [&r](const std::string& line) { r.progress.push_back(line); };
    o.static_proof = static_proof;
    r.tables = sem == Semantics::DelayLine ? characterize(r.timed, *tb.setup.netlist, o) : characterize_lanes(r.timed, sem, o);
    EXPECT_EQ(r.tables.semantics, semantics_name(sem));
    return r;
}

bool said(const CharRun& r, const std::string& part) {
    for (const auto& l : r.progress)
        if (l.find(part) != std::string::npos) return true;
    return false;
}

class CharacterizerIn : public ::testing::TestWithParam<Semantics> {};

TEST_P(CharacterizerIn, FourBitTablesEqualTheReferenceOnEveryPair) {
    std::filesystem::remove_all(work_dir());
    CharRun r = characterize4(64, 0.8, true, GetParam());
    std::filesystem::remove_all(work_dir());
    const ErrorTables& t = r.tables;
    EventSimulator sim(r.timed, delay_mode_of(GetParam()));
    const uint32_t ops = 16;
    uint64_t wrong = 0;
    for (uint32_t c = 0; c < ops * ops; ++c) {
        const uint32_t a = c & 15, b = c >> 4;
        std::map<uint16_t, uint32_t> expect;
        for (uint32_t p = 0; p < ops * ops; ++p) {
            const uint32_t ap = p & 15, bp = p >> 4;
            const uint32_t out = sim.capture(ap, bp, a, b);
            ++expect[static_cast<uint16_t>(out)];
            wrong += out != r.timed.product(a, b);
            ASSERT_EQ(t.transitions.capture(p, c, r.timed.product(a, b)), out) << "transition " << p << " -> " << c;
            if (ap == a) {
                ASSERT_EQ(t.a_held[(a * ops + bp) * ops + b], out) << "a held " << a << " " << bp << " " << b;
            }
            if (bp == b) {
                ASSERT_EQ(t.b_held[(b * ops + ap) * ops + a], out) << "b held " << b << " " << ap << " " << a;
            }
        }
        std::map<uint16_t, uint32_t> got;
        for (uint32_t k = t.offsets[c]; k < t.offsets[c + 1]; ++k) got[t.outputs[k]] = t.counts[k];
        ASSERT_EQ(got, expect) << "current pair " << c;
    }
    EXPECT_EQ(t.wrong_pairs, wrong);
    EXPECT_EQ(t.transitions.wrong_transitions(), wrong);
    EXPECT_GT(wrong, 0u);
    // Table III: probabilities average the per-pair rates over the other operand.
    double mean_a = 0;
    for (double p : t.p_weight_a) mean_a += p / ops;
    EXPECT_NEAR(mean_a, t.error_rate(), 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Semantics, CharacterizerIn,
                         ::testing::Values(Semantics::DelayLine, Semantics::SdfSim, Semantics::Transport));

TEST(Characterizer, AClockPastTheLongestPathIsProvenErrorFreeAndEqualsTheEngines) {
    for (Semantics sem : {Semantics::DelayLine, Semantics::SdfSim, Semantics::Transport}) {
        std::filesystem::remove_all(work_dir());
        const CharRun proven = characterize4(64, 1.3, true, sem);
        ASSERT_LT(proven.timed.static_arrival_ps(), proven.timed.capture_limit(0).rise) << "1.3 x the STA period clears every path";
        EXPECT_TRUE(said(proven, "settles before every capture")) << semantics_name(sem);
        std::filesystem::remove_all(work_dir());
        const CharRun run = characterize4(64, 1.3, false, sem);
        EXPECT_FALSE(said(run, "settles before every capture"));
        EXPECT_EQ(run.tables.wrong_pairs, 0u);
        EXPECT_EQ(proven.tables.outputs, run.tables.outputs);
        EXPECT_EQ(proven.tables.counts, run.tables.counts);
        EXPECT_EQ(proven.tables.a_held, run.tables.a_held);
        EXPECT_EQ(proven.tables.b_held, run.tables.b_held);
        EXPECT_EQ(proven.tables.transitions.offsets, run.tables.transitions.offsets);
    }
    std::filesystem::remove_all(work_dir());
    EXPECT_FALSE(said(characterize4(64, 0.8, true, Semantics::SdfSim), "settles before every capture")) << "0.8 fails products";
    std::filesystem::remove_all(work_dir());
}

TEST(Characterizer, InterruptedRunResumesFromFinishedChunks) {
    CharRun first = characterize4(64);
    std::filesystem::remove(work_dir() / "chunks" / "chunk_2.bin");  // as if killed during chunk 2
    CharRun again = characterize4(64);
    ASSERT_EQ(again.progress.size(), 1u) << "only the missing chunk is recomputed";
    EXPECT_NE(again.progress[0].find("chunk 3/4"), std::string::npos) << again.progress[0];
    EXPECT_NE(again.progress[0].find("2 chunks reused"), std::string::npos) << again.progress[0];  // chunks 1-2 before it
    EXPECT_EQ(again.tables.outputs, first.tables.outputs);
    EXPECT_EQ(again.tables.counts, first.tables.counts);
}

TEST(ErrorTables, WrittenTablesReadBackAndMismatchesAreRefused) {
    CharRun r = characterize4(64);
    r.tables.netlist_hash = "1111111111111111";
    r.tables.sdf_hash = "2222222222222222";
    r.tables.corner = "typ";
    const std::filesystem::path f = work_dir() / "t.h5";
    r.tables.write(f);
    ErrorTables back = ErrorTables::read(f, "1111111111111111", "2222222222222222", r.tables.clock_ps);
    EXPECT_EQ(back.counts, r.tables.counts);
    EXPECT_EQ(back.a_held, r.tables.a_held);
    EXPECT_EQ(back.p_weight_b, r.tables.p_weight_b);
    EXPECT_EQ(back.wrong_pairs, r.tables.wrong_pairs);
    const TransitionTable tr = read_transition_table(f);
    EXPECT_EQ(tr.offsets, r.tables.transitions.offsets);
    EXPECT_EQ(tr.previous, r.tables.transitions.previous);
    EXPECT_EQ(tr.outputs, r.tables.transitions.outputs);
    EXPECT_EQ(tr.netlist_hash, "1111111111111111");
    EXPECT_EQ(tr.width, 4);
    ErrorTables old = r.tables;  // a file written before transitions were stored
    old.transitions = TransitionTable();
    const std::filesystem::path f_old = work_dir() / "old.h5";
    old.write(f_old);
    tesa::test::expect_error([&] { read_transition_table(f_old); }, {f_old.string(), "no full transition table"});
    tesa::test::expect_error([&] { ErrorTables::read(f, "3333333333333333"); }, {f.string(), "another netlist"});
    tesa::test::expect_error([&] { ErrorTables::read(f, "", "3333333333333333"); }, {f.string(), "another SDF"});
    tesa::test::expect_error([&] { ErrorTables::read(f, "", "", 1.0); }, {f.string(), "T_clk"});
    const std::filesystem::path junk = work_dir() / "junk.h5";
    write_file_atomic(junk, "not hdf5 at all");
    tesa::test::expect_error([&] { ErrorTables::read(junk); }, {junk.string(), "cannot read"});
    const ErrorTables head = ErrorTables::read_attributes(f);  // attributes only, no tables
    EXPECT_EQ(head.clock_ps, r.tables.clock_ps);
    EXPECT_EQ(head.netlist_hash, "1111111111111111");
    EXPECT_EQ(head.wrong_pairs, r.tables.wrong_pairs);
    EXPECT_TRUE(head.counts.empty() && head.a_held.empty());
    tesa::test::expect_error([&] { ErrorTables::read_attributes(junk); }, {junk.string(), "cannot read"});
    tesa::test::expect_error([&] { ErrorTables::read_attributes(work_dir() / "none.h5"); }, {"none.h5: no such file"});
}

TEST(ErrorTables, SemanticsIsRecordedAndTablesOfDifferentSemanticsAreNotMixed) {
    CharRun r = characterize4(64);
    EXPECT_EQ(r.tables.semantics, "delay-line") << "the 64-lane model's semantics";
    r.tables.semantics = "sdf-sim";
    const std::filesystem::path f = work_dir() / "sem.h5";
    r.tables.write(f);
    const ErrorTables back = ErrorTables::read_attributes(f);
    EXPECT_EQ(back.semantics, "sdf-sim");
    // A table written before semantics were recorded reads as delay-line, the only semantics then.
    const std::filesystem::path f_old = work_dir() / "sem_old.h5";
    std::filesystem::copy_file(f, f_old, std::filesystem::copy_options::overwrite_existing);
    {
        H5::H5File h(f_old.string(), H5F_ACC_RDWR);
        h.openGroup("/").removeAttr("semantics");
    }
    const ErrorTables old = ErrorTables::read_attributes(f_old);
    EXPECT_EQ(old.semantics, "delay-line");
    tesa::test::expect_error([&] { require_same_semantics({f.string(), f_old.string()}, {&back, &old}); },
                             {f_old.string(), "delay-line", "sdf-sim", "different semantics"});
    require_same_semantics({f.string(), f.string()}, {&back, &back});
    r.tables.semantics = "quantum";
    const std::filesystem::path f_bad = work_dir() / "sem_bad.h5";
    r.tables.write(f_bad);
    tesa::test::expect_error([&] { ErrorTables::read_attributes(f_bad); }, {f_bad.string(), "semantics", "quantum"});
}

}  // namespace
