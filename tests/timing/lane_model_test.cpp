// The sdf-sim and transport lane programs and engines against the event-driven reference in the
// same mode over the same timed netlist (delays on the same step): every 4-bit transition, random
// 8-bit transitions, a whole 8-bit current pair.
#include "timing/timed_lane_model.h"
#include "timing/lane_engine.h"
#include "timing/lane_compiler.h"
#include "common/error.h"

#include "common/file_util.h"
#include "common/process.h"
#include "test_util.h"

#include "timing/event_simulator.h"
#include "timing_test_util.h"

#include <gtest/gtest.h>

#include <random>

using namespace tesa;

namespace {

constexpr Semantics kLaneSemantics[] = {Semantics::SdfSim, Semantics::Transport};

TimedNetlist timed(int width, double scale, double step, Semantics s = Semantics::SdfSim) {
    const auto& tb = tesa::test::timed_booth(width);
    TimingConditions c;
    c.clock_period_ps = scale * tb.setup.sta.min_period_ps;
    c.cond = cond_mode_of(s);
    c.time_step_ps = step;
    return TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
}

// Captured products of up to 64 transitions as lanes of one evaluation.
std::vector<uint32_t> run_lanes(const LaneProgram& p, int n, const std::vector<std::array<uint32_t, 4>>& tr) {
    std::vector<uint64_t> in(static_cast<size_t>(4 * n), 0), out(static_cast<size_t>(2 * n)), scratch;
    for (size_t l = 0; l < tr.size(); ++l)
        for (int q = 0; q < 4; ++q)
            for (int i = 0; i < n; ++i) in[static_cast<size_t>(q * n + i)] |= static_cast<uint64_t>((tr[l][static_cast<size_t>(q)] >> i) & 1u) << l;
    p.evaluate(in.data(), out.data(), scratch);
    std::vector<uint32_t> r(tr.size(), 0);
    for (size_t l = 0; l < tr.size(); ++l)
        for (int j = 0; j < 2 * n; ++j) r[l] |= static_cast<uint32_t>((out[static_cast<size_t>(j)] >> l) & 1u) << j;
    return r;
}

long mismatches(const TimedNetlist& t, const LaneProgram& p, const std::vector<std::array<uint32_t, 4>>& all, long* wrong,
                Semantics s = Semantics::SdfSim) {
    EventSimulator ref(t, delay_mode_of(s));
    long bad = 0;
    for (size_t base = 0; base < all.size(); base += 64) {
        std::vector<std::array<uint32_t, 4>> chunk(all.begin() + static_cast<long>(base), all.begin() + static_cast<long>(std::min(all.size(), base + 64)));
        const auto got = run_lanes(p, t.width(), chunk);
        for (size_t l = 0; l < chunk.size(); ++l) {
            const auto& x = chunk[l];
            const uint32_t want = ref.capture(x[0], x[1], x[2], x[3]);
            bad += got[l] != want;
            *wrong += want != t.product(x[2], x[3]);
        }
    }
    return bad;
}

class LaneModel4 : public ::testing::TestWithParam<std::tuple<Semantics, std::tuple<double, double>>> {};

TEST_P(LaneModel4, EqualsTheReferenceOnEveryTransition) {
    const Semantics sem = std::get<0>(GetParam());
    const auto [scale, step] = std::get<1>(GetParam());
    TimedNetlist t = timed(4, scale, step, sem);
    LaneModelStats st;
    LaneProgram p = build_lane_program(t, sem, &st);
    std::vector<std::array<uint32_t, 4>> all;
    for (uint32_t x = 0; x < (1u << 16); ++x) all.push_back({x & 15, (x >> 4) & 15, (x >> 8) & 15, x >> 12});
    long wrong = 0;
    EXPECT_EQ(mismatches(t, p, all, &wrong, sem), 0) << semantics_name(sem) << ", " << p.logic_ops() << " ops";
    EXPECT_GT(wrong, 0) << "the clock must be short enough to matter";
}

INSTANTIATE_TEST_SUITE_P(Clocks, LaneModel4,
                         ::testing::Combine(::testing::ValuesIn(kLaneSemantics),
                                            ::testing::Values(std::make_tuple(0.8, 5.0), std::make_tuple(0.6, 5.0),
                                                              std::make_tuple(0.6, 10.0), std::make_tuple(0.5, 2.0))));

TEST(LaneModel, TransportProgramOfAnyCondModeEqualsTheReference) {
    // The tables use transport over COND max; the program follows the reference's arc choice for
    // COND exact too.
    const auto& tb = tesa::test::timed_booth(4);
    TimingConditions c;
    c.clock_period_ps = 0.6 * tb.setup.sta.min_period_ps;
    c.cond = CondMode::Exact;
    c.time_step_ps = 5;
    const TimedNetlist t = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
    const LaneProgram p = build_transport_program(t);
    std::vector<std::array<uint32_t, 4>> all;
    for (uint32_t x = 0; x < (1u << 16); ++x) all.push_back({x & 15, (x >> 4) & 15, (x >> 8) & 15, x >> 12});
    long wrong = 0;
    EXPECT_EQ(mismatches(t, p, all, &wrong, Semantics::Transport), 0);
    EXPECT_GT(wrong, 0);
    EXPECT_THROW(build_lane_program(t, Semantics::DelayLine), Error);
}

TEST(LaneModel, EqualsTheReferenceOnRandomEightBitTransitions) {
    for (Semantics sem : kLaneSemantics)
    for (double scale : {0.8, 0.9}) {
        TimedNetlist t = timed(8, scale, 10, sem);
        LaneProgram p = build_lane_program(t, sem);
        std::mt19937_64 rng(21);
        std::vector<std::array<uint32_t, 4>> all;
        for (int i = 0; i < 3000; ++i) {
            const uint64_t r = rng();
            all.push_back({static_cast<uint32_t>(r & 255), static_cast<uint32_t>((r >> 8) & 255), static_cast<uint32_t>((r >> 16) & 255), static_cast<uint32_t>((r >> 24) & 255)});
        }
        long wrong = 0;
        EXPECT_EQ(mismatches(t, p, all, &wrong, sem), 0)
            << semantics_name(sem) << ", clock scale " << scale << ", " << p.logic_ops() << " ops";
        if (scale == 0.8) {
            EXPECT_GT(wrong, 0);
        }
    }
}

}  // namespace

namespace {

// Every pair of the 4-bit multiplier through the engine (bound + exact program) against the
// reference, and the bound never proves a transition the reference gets wrong.
TEST(LaneEngine, FourBitChunkEqualsTheReferenceAndTheBoundIsSound) {
    for (Semantics sem : kLaneSemantics)
    for (double scale : {0.7, 0.5}) {
        TimedNetlist t = timed(4, scale, 5, sem);
        LaneEngine engine(t, sem);
        EventSimulator ref(t, delay_mode_of(sem));
        LaneEngineStats st;
        long mismatches = 0, unsound = 0, wrong = 0;
        for (uint32_t cur = 0; cur < 256; ++cur) {
            ChunkPairResult r;
            engine.characterize(cur, r, st);
            const uint32_t a = cur & 15, b = cur >> 4;
            std::vector<uint16_t> got(256, static_cast<uint16_t>(t.product(a, b)));
            for (const auto& [prev, out] : r.wrong) got[prev] = out;
            uint64_t total = 0;
            for (const auto& oc : r.outputs) total += oc.second;
            EXPECT_EQ(total, 256u);
            for (uint32_t prev = 0; prev < 256; ++prev) {
                const uint32_t want = ref.capture(prev & 15, prev >> 4, a, b);
                mismatches += got[prev] != want;
                wrong += want != t.product(a, b);
                unsound += want != t.product(a, b) && engine.proves(prev & 15, prev >> 4, a, b);
                if ((prev & 15) == a) {
                    EXPECT_EQ(r.a_held[prev >> 4], want);
                }
                if ((prev >> 4) == b) {
                    EXPECT_EQ(r.b_held[prev & 15], want);
                }
            }
        }
        EXPECT_EQ(mismatches, 0) << semantics_name(sem) << ", clock scale " << scale;
        EXPECT_EQ(unsound, 0);
        EXPECT_GT(wrong, 0);
        EXPECT_EQ(st.wrong, static_cast<uint64_t>(wrong));
        EXPECT_LT(st.exact, st.transitions) << "the bound proves some transitions";
        EXPECT_GE(st.exact, st.wrong);
    }
}

TEST(LaneEngine, BoundIsSoundOnRandomEightBitTransitions) {
    for (Semantics sem : kLaneSemantics)
    for (double scale : {0.8, 0.9}) {
        TimedNetlist t = timed(8, scale, 10, sem);
        LaneEngine engine(t, sem);
        EventSimulator ref(t, delay_mode_of(sem));
        std::mt19937_64 rng(5);
        long proven = 0, unsound = 0;
        for (int i = 0; i < 4000; ++i) {
            const uint64_t r = rng();
            const uint32_t ap = r & 255, bp = (r >> 8) & 255, a = (r >> 16) & 255, b = (r >> 24) & 255;
            const bool p = engine.proves(ap, bp, a, b);
            proven += p;
            unsound += p && ref.capture(ap, bp, a, b) != t.product(a, b);
        }
        EXPECT_EQ(unsound, 0) << semantics_name(sem) << ", clock scale " << scale;
        EXPECT_GT(proven, 3000) << "the bound proves most transitions";
    }
}

}  // namespace

namespace {

// One 8-bit current pair with wrong captures, all 65,536 previous pairs, engine against reference
// (the 8-bit tick lanes of the bound and the packed exact evaluations at full width).
class LaneEngine8 : public ::testing::TestWithParam<Semantics> {};

TEST_P(LaneEngine8, CurrentPairEqualsTheReferenceOnEveryPreviousPair) {
    const Semantics sem = GetParam();
    TimedNetlist t = timed(8, 0.8, 10, sem);
    LaneEngine engine(t, sem);
    EXPECT_TRUE(engine.byte_ticks());
    ChunkPairResult r;
    LaneEngineStats st;
    uint32_t cur = 0;
    for (uint32_t c : {0xff01u, 0xfe03u, 0x81ffu, 0x7f80u, 0xc0c0u}) {
        st = LaneEngineStats{};
        engine.characterize(c, r, st);
        cur = c;
        if (st.wrong > 0) break;
    }
    ASSERT_GT(st.wrong, 0u) << "no candidate current pair fails at clock scale 0.8";
    const uint32_t a = cur & 255, b = cur >> 8;
    std::vector<uint16_t> got(65536, static_cast<uint16_t>(t.product(a, b)));
    for (const auto& [prev, out] : r.wrong) got[prev] = out;
    EventSimulator ref(t, delay_mode_of(sem));
    long mismatches = 0;
    for (uint32_t prev = 0; prev < 65536; ++prev) mismatches += got[prev] != ref.capture(prev & 255, prev >> 8, a, b);
    EXPECT_EQ(mismatches, 0) << semantics_name(sem) << ", current pair " << cur << ", " << st.wrong << " wrong";
}

INSTANTIATE_TEST_SUITE_P(Semantics, LaneEngine8, ::testing::ValuesIn(kLaneSemantics));

}  // namespace

namespace {

// The generated C++ of the lane program, compiled by the system compiler, gives the interpreter's
// bits (plain 64-bit words; the benchmarked 256/512-bit forms differ only in the typedef).
TEST(LaneProgram, GeneratedCppEqualsTheInterpreter) {
    TimedNetlist t = timed(4, 0.6, 10);
    const LaneProgram p = build_sdf_sim_program(t);
    tesa::test::TempDir dir;
    std::string src = p.cpp("tesa_eval", 8);
    src += "#include <cstdio>\nint main() {\n  static W s[100000], in[16], out[8];\n  if (tesa_eval_slots() > 100000) return 3;\n"
           "  unsigned long long sum = 0;\n  for (int g = 0; g < 1024; ++g) {\n"
           "    for (int i = 0; i < 16; ++i) { W m = 0; for (int l = 0; l < 64; ++l) m |= (W)(((g * 64 + l) >> i) & 1) << l; in[i] = m; }\n"
           "    tesa_eval(in, out, s);\n    for (int j = 0; j < 8; ++j) sum = sum * 1000003u + out[j];\n  }\n"
           "  std::printf(\"%llu\\n\", sum);\n  return 0;\n}\n";
    tesa::write_file_atomic(dir.path / "m.cpp", src);
    const tesa::ProcessResult c = tesa::run_process({"c++", "-O0", "-o", (dir.path / "m").string(), (dir.path / "m.cpp").string()});
    ASSERT_EQ(c.exit_code, 0) << c.output;
    const tesa::ProcessResult r = tesa::run_process({(dir.path / "m").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::vector<uint64_t> in(16), out(8), scratch;
    unsigned long long sum = 0;
    for (int g = 0; g < 1024; ++g) {
        for (int i = 0; i < 16; ++i) {
            uint64_t m = 0;
            for (int l = 0; l < 64; ++l) m |= static_cast<uint64_t>(((g * 64 + l) >> i) & 1) << l;
            in[static_cast<size_t>(i)] = m;
        }
        p.evaluate(in.data(), out.data(), scratch);
        for (int j = 0; j < 8; ++j) sum = sum * 1000003u + out[static_cast<size_t>(j)];
    }
    EXPECT_EQ(r.output, std::to_string(sum) + "\n");
}

}  // namespace

namespace {

// The exact program compiled by the system compiler (cached by its hash) gives the interpreter's
// chunk, byte for byte; a second build is a cache hit.
TEST(LaneCompiler, CompiledEngineWritesTheInterpretersChunk) {
    TimedNetlist t = timed(4, 0.6, 10);
    LaneEngine interpreted(t, Semantics::SdfSim), compiled(t, Semantics::SdfSim);
    tesa::test::TempDir dir;
    auto lib = CompiledLaneProgram::build(compiled.program(), dir.path, 2);
    compiled.use_compiled(std::move(lib));
    EXPECT_EQ(compiled.chunk(0, 256, 2), interpreted.chunk(0, 256, 2));
    const auto again = CompiledLaneProgram::build(compiled.program(), dir.path, 2);
    EXPECT_TRUE(std::filesystem::exists(again->library()));
    LaneProgram tiny(16);  // another program: refused
    tiny.add_output(tiny.op_and(tiny.input(0), tiny.input(1)));
    EXPECT_THROW(interpreted.use_compiled(CompiledLaneProgram::build(tiny, dir.path, 2)), Error);
}

}  // namespace
