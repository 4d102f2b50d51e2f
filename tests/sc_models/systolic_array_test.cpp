// The systolic array: exact GEMMs and closed-form cycle counts for both dataflows and many shapes;
// the operand sequence each multiplier sees, checked through a table whose every listed
// transition captures the previous operand pair; co-simulation equals the fast table on every
// product; seeded runs repeat; the SystemC module equals the plain core.
#include "sc_models/systolic_array.h"

#include "sc_models/simulation_context.h"

#include "common/error.h"
#include "common/rng.h"
#include "held_transitions.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace tesa;

namespace {

using test::clean_table;

struct Gemm {
    GemmShape shape;
    std::vector<int8_t> a, b;
    std::vector<int32_t> c;
    GemmJob job(Dataflow d, double regulation, uint64_t seed = 1, WeightPort port = WeightPort::A) {
        c.assign(static_cast<size_t>(shape.m) * static_cast<size_t>(shape.n), -1);
        GemmJob j;
        j.shape = shape;
        j.a = a.data();
        j.b = b.data();
        j.c = c.data();
        j.dataflow = d;
        j.regulation = regulation;
        j.seed = seed;
        j.weight_port = port;
        return j;
    }
    int8_t A(int m, int k) const { return a[static_cast<size_t>(m) * static_cast<size_t>(shape.k) + static_cast<size_t>(k)]; }
    int8_t B(int k, int n) const { return b[static_cast<size_t>(k) * static_cast<size_t>(shape.n) + static_cast<size_t>(n)]; }
    std::vector<int32_t> reference() const {
        std::vector<int32_t> r(static_cast<size_t>(shape.m) * static_cast<size_t>(shape.n), 0);
        for (int m = 0; m < shape.m; ++m)
            for (int n = 0; n < shape.n; ++n)
                for (int k = 0; k < shape.k; ++k) r[static_cast<size_t>(m * shape.n + n)] += A(m, k) * B(k, n);
        return r;
    }
};

// Operands drawn from `alphabet` (all of INT8 when empty).
Gemm random_gemm(GemmShape s, uint64_t seed, const std::vector<int8_t>& alphabet = {}) {
    Rng rng(seed);
    auto draw = [&] {
        return alphabet.empty() ? static_cast<int8_t>(rng.below(256) - 128) : alphabet[rng.below(static_cast<uint32_t>(alphabet.size()))];
    };
    Gemm g{s, {}, {}, {}};
    g.a.resize(static_cast<size_t>(s.m) * static_cast<size_t>(s.k));
    g.b.resize(static_cast<size_t>(s.k) * static_cast<size_t>(s.n));
    for (auto& x : g.a) x = draw();
    for (auto& x : g.b) x = draw();
    return g;
}


uint16_t pair(int8_t a, int8_t b) { return static_cast<uint16_t>(static_cast<uint8_t>(a) | static_cast<uint8_t>(b) << 8); }

// Every transition between pairs of `alphabet` (0 included, for bubbles) "captures" the previous
// pair's bit pattern, so each output's error reveals the previous operands of all its products.
std::shared_ptr<TransitionTable> echo_previous_table(std::vector<int8_t> alphabet) {
    if (std::find(alphabet.begin(), alphabet.end(), int8_t{0}) == alphabet.end()) alphabet.push_back(0);
    std::vector<uint16_t> pairs;
    for (int8_t x : alphabet)
        for (int8_t y : alphabet) pairs.push_back(pair(x, y));
    std::sort(pairs.begin(), pairs.end());
    auto t = std::make_shared<TransitionTable>();
    t->offsets.assign((1u << 16) + 1, 0);
    std::vector<bool> listed(1u << 16, false);
    for (uint16_t c : pairs) listed[c] = true;
    for (uint32_t c = 0; c < (1u << 16); ++c) {
        t->offsets[c] = t->previous.size();
        if (!listed[c]) continue;
        for (uint16_t p : pairs) {
            t->previous.push_back(p);
            t->outputs.push_back(p);
        }
    }
    t->offsets[1u << 16] = t->previous.size();
    return t;
}

const std::vector<int8_t> kAlphabet = {-128, -77, -8, -3, -1, 0, 1, 2, 5, 64, 99, 127};

struct ArrayCase {
    int rows, cols;
    GemmShape shape;
};
const std::vector<ArrayCase> kCases = {
    {4, 4, {8, 8, 8}},     // multiples of the array
    {4, 4, {9, 7, 13}},    // partial folds in every dimension
    {8, 8, {3, 20, 5}},    // fewer rows / reduction than PEs
    {5, 3, {17, 11, 19}},  // a non-square array
    {16, 16, {40, 33, 70}},
    {1, 1, {3, 2, 4}},
};

TEST(SystolicArray, ErrorsOffGivesTheExactGemmAndTheClosedFormCycles) {
    for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary})
        for (const ArrayCase& ac : kCases) {
            SCOPED_TRACE(std::string(dataflow_name(d)) + " " + std::to_string(ac.rows) + "x" + std::to_string(ac.cols) + " M=" +
                         std::to_string(ac.shape.m) + " N=" + std::to_string(ac.shape.n) + " K=" + std::to_string(ac.shape.k));
            ArrayCore core(ac.rows, ac.cols, MultiplierBackend::fast(clean_table()));
            Gemm g = random_gemm(ac.shape, 7);
            const GemmStats st = core.run(g.job(d, 0.0));
            EXPECT_EQ(g.c, g.reference());
            EXPECT_EQ(st.cycles, expected_cycles(d, ac.rows, ac.cols, ac.shape));
            EXPECT_EQ(st.folds, expected_folds(d, ac.rows, ac.cols, ac.shape));
            EXPECT_EQ(st.busy_pe_cycles, static_cast<uint64_t>(ac.shape.m) * ac.shape.n * ac.shape.k);
            EXPECT_EQ(st.pe_cycles, st.cycles * static_cast<uint64_t>(ac.rows * ac.cols));
            EXPECT_EQ(st.slow_cycles, 0u);
            EXPECT_EQ(st.wrong_outputs, 0u);
            const GemmStats t = expected_traffic(d, ac.rows, ac.cols, ac.shape);
            EXPECT_EQ(st.a_reads, t.a_reads);
            EXPECT_EQ(st.b_reads, t.b_reads);
            EXPECT_EQ(st.c_reads, t.c_reads);
            EXPECT_EQ(st.c_writes, t.c_writes);
        }
}

TEST(SystolicArray, ClosedFormCyclesOfOneFold) {
    // WS: R load cycles + M + R + N - 2 streaming; OS: K + M + N - 2 compute + R drain.
    EXPECT_EQ(expected_cycles(Dataflow::WeightStationary, 4, 4, {10, 4, 4}), 4u + 10 + 4 + 4 - 2);
    EXPECT_EQ(expected_cycles(Dataflow::OutputStationary, 4, 4, {4, 4, 10}), 10u + 4 + 4 - 2 + 4);
    EXPECT_EQ(expected_folds(Dataflow::WeightStationary, 4, 4, {10, 9, 5}), 3u * 2);
    EXPECT_EQ(expected_folds(Dataflow::OutputStationary, 4, 4, {10, 9, 5}), 3u * 3);
    // M=10, N=9, K=5 on 4x4: WS streams A once per N fold (3), loads each weight once, writes C
    // once per K fold (2) and reads it back in the second; OS reads B once per M fold (3).
    const GemmStats ws = expected_traffic(Dataflow::WeightStationary, 4, 4, {10, 9, 5});
    EXPECT_EQ(ws.a_reads, 150u);
    EXPECT_EQ(ws.b_reads, 45u);
    EXPECT_EQ(ws.c_writes, 180u);
    EXPECT_EQ(ws.c_reads, 90u);
    const GemmStats os = expected_traffic(Dataflow::OutputStationary, 4, 4, {10, 9, 5});
    EXPECT_EQ(os.a_reads, 150u);
    EXPECT_EQ(os.b_reads, 135u);
    EXPECT_EQ(os.c_writes, 90u);
    EXPECT_EQ(os.c_reads, 0u);
}

// Each multiplier's previous operands: WS holds the weight and streams A's rows, so the product
// (m, k, n) follows (A[m-1][k], B[k][n]) (zeros before the first row); OS streams both, so it
// follows (A[m][k-1], B[k-1][n]) (zeros before k = 0). Bubbles and fold changes included.
TEST(SystolicArray, EveryMultiplierSeesItsRealPreviousOperands) {
    for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary})
        for (WeightPort port : {WeightPort::A, WeightPort::B})
            for (const ArrayCase& ac : kCases) {
                SCOPED_TRACE(std::string(dataflow_name(d)) + " port " + weight_port_name(port) + " " + std::to_string(ac.rows) + "x" +
                             std::to_string(ac.cols));
                ArrayCore core(ac.rows, ac.cols, MultiplierBackend::fast(echo_previous_table(kAlphabet)));
                Gemm g = random_gemm(ac.shape, 11, kAlphabet);
                const GemmStats st = core.run(g.job(d, 1.0, 1, port));
                std::vector<int32_t> expect = g.reference();
                uint64_t wrong = 0;
                for (int m = 0; m < ac.shape.m; ++m)
                    for (int n = 0; n < ac.shape.n; ++n)
                        for (int k = 0; k < ac.shape.k; ++k) {
                            const int8_t w = g.B(k, n), x = g.A(m, k);
                            int8_t wp = 0, xp = 0;
                            if (d == Dataflow::WeightStationary) {
                                wp = w;
                                xp = m ? g.A(m - 1, k) : 0;
                            } else if (k) {
                                wp = g.B(k - 1, n);
                                xp = g.A(m, k - 1);
                            }
                            const uint16_t prev = Pe::pack(wp, xp, port);
                            const int32_t captured = static_cast<int16_t>(prev), exact = w * x;
                            expect[static_cast<size_t>(m * ac.shape.n + n)] += captured - exact;
                            wrong += captured != exact;
                        }
                EXPECT_EQ(g.c, expect);
                EXPECT_EQ(st.wrong_products, wrong);
                EXPECT_EQ(st.slow_cycles, st.busy_pe_cycles);
            }
}

// The fast back-end's table for the pairs of `alphabet`, built by sweeping every previous pair
// through the co-simulation model (the characterization does the same for all pairs).
std::shared_ptr<TransitionTable> table_from_model(double clock_scale, std::vector<int8_t> alphabet) {
    std::unique_ptr<CosimModel> model = make_cosim_model(clock_scale);
    std::vector<bool> used(1u << 16, false);
    for (int8_t x : alphabet)
        for (int8_t y : alphabet) used[pair(x, y)] = true;
    auto t = std::make_shared<TransitionTable>();
    t->offsets.assign((1u << 16) + 1, 0);
    std::vector<MulTransition> batch(64);
    uint16_t out[64];
    for (uint32_t c = 0; c < (1u << 16); ++c) {
        t->offsets[c] = t->previous.size();
        if (!used[c]) continue;
        const int32_t exact = static_cast<int8_t>(c & 0xff) * static_cast<int8_t>(c >> 8);
        for (uint32_t p0 = 0; p0 < (1u << 16); p0 += 64) {
            for (uint32_t l = 0; l < 64; ++l) batch[l] = {static_cast<uint16_t>(p0 + l), static_cast<uint16_t>(c)};
            model->evaluate64(batch.data(), 64, out);
            for (uint32_t l = 0; l < 64; ++l)
                if (out[l] != static_cast<uint16_t>(exact)) {
                    t->previous.push_back(static_cast<uint16_t>(p0 + l));
                    t->outputs.push_back(out[l]);
                }
        }
    }
    t->offsets[1u << 16] = t->previous.size();
    return t;
}

TEST(SystolicArray, CosimulationAndFastTableAgreeOnEveryProduct) {
    const double scale = 0.8;
    auto table = table_from_model(scale, kAlphabet);
    ASSERT_GT(table->wrong_transitions(), 0u);
    const GemmShape s{13, 11, 21};  // several folds on a 6x5 array in both dataflows
    for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary})
        for (WeightPort port : {WeightPort::A, WeightPort::B}) {
            SCOPED_TRACE(std::string(dataflow_name(d)) + " port " + weight_port_name(port));
            Gemm gf = random_gemm(s, 5, kAlphabet), gc = gf;
            ArrayCore fast(6, 5, MultiplierBackend::fast(table)), cosim(6, 5, MultiplierBackend::cosim(scale));
            const GemmStats sf = fast.run(gf.job(d, 1.0, 3, port));
            const GemmStats sc = cosim.run(gc.job(d, 1.0, 3, port));
            EXPECT_EQ(gf.c, gc.c);
            EXPECT_EQ(fast.output_errors(), cosim.output_errors());
            EXPECT_EQ(sf.wrong_products, sc.wrong_products);
            EXPECT_GT(sf.wrong_products, 0u) << "the test must exercise failing products";
            EXPECT_EQ(sf.cycles, sc.cycles);
            // and at a regulation that makes only some cycles slow
            const GemmStats rf = fast.run(gf.job(d, 0.3, 9, port));
            const GemmStats rc = cosim.run(gc.job(d, 0.3, 9, port));
            EXPECT_EQ(gf.c, gc.c);
            EXPECT_EQ(rf.slow_cycles, rc.slow_cycles);
            EXPECT_EQ(rf.wrong_products, rc.wrong_products);
        }
}

TEST(SystolicArray, SeededRunsRepeatAndSlowCyclesFollowTheRegulation) {
    auto table = echo_previous_table(kAlphabet);
    const GemmShape s{30, 20, 25};
    Gemm g = random_gemm(s, 3, kAlphabet);
    ArrayCore core(8, 8, MultiplierBackend::fast(table));
    const double reg = 0.0668;
    const GemmStats a = core.run(g.job(Dataflow::OutputStationary, reg, 42));
    const std::vector<int32_t> ca = g.c;
    const GemmStats b = core.run(g.job(Dataflow::OutputStationary, reg, 42));
    EXPECT_EQ(g.c, ca);
    EXPECT_EQ(a.slow_cycles, b.slow_cycles);
    EXPECT_EQ(a.wrong_products, b.wrong_products);
    const GemmStats other = core.run(g.job(Dataflow::OutputStationary, reg, 43));
    EXPECT_NE(g.c, ca) << "another seed draws other slow cycles";
    const double n = static_cast<double>(a.busy_pe_cycles), sd = std::sqrt(n * reg * (1 - reg));
    for (const GemmStats* st : {&a, &other}) EXPECT_NEAR(static_cast<double>(st->slow_cycles), n * reg, 5 * sd);
}

TEST(SystolicArray, BadJobsAndBackEndsAreRefused) {
    tesa::test::expect_error([] { ArrayCore(0, 4, MultiplierBackend::fast(clean_table())); }, {"array size 0x4"});
    tesa::test::expect_error([] { MultiplierBackend::cosim(0.77); }, {"no co-simulation model for clock scale 0.77", "0.80, 0.90"});
    tesa::test::expect_error([] { MultiplierBackend::fast(std::make_shared<TransitionTable>()); }, {"needs a full transition table"});
    tesa::test::expect_error([] { parse_dataflow("is"); }, {"unknown dataflow 'is'"});
    ArrayCore core(4, 4, MultiplierBackend::fast(clean_table()));
    Gemm g = random_gemm({0, 3, 3}, 1);
    tesa::test::expect_error([&] { core.begin(g.job(Dataflow::WeightStationary, 0)); }, {"M=0", "must be positive"});
    Gemm h = random_gemm({2, 3, 3}, 1);
    tesa::test::expect_error([&] { core.begin(h.job(Dataflow::WeightStationary, 1.5)); }, {"not a probability"});
}

// The SystemC module (one clocked process over the core) gives what the plain core gives; every
// GEMM of this test runs on one module (SystemC cannot create modules after sc_start; a fresh
// context lets it follow other SystemC tests in the same process).
TEST(SystolicArrayModule, ClockedRunsEqualThePlainCore) {
    fresh_simulation_context();
    auto table = echo_previous_table(kAlphabet);
    sc_core::sc_clock clk("clk", sc_core::sc_time(1000, sc_core::SC_PS));
    SystolicArray array("array", 5, 4, MultiplierBackend::fast(table));
    array.clk(clk);
    ArrayCore core(5, 4, MultiplierBackend::fast(table));
    bool first = true;
    for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary}) {
        Gemm gm = random_gemm({11, 9, 13}, 2, kAlphabet), gp = gm;
        // the last cycle of a job is a rising edge; the clock's first edge is at time 0
        const double t0 = sc_core::sc_time_stamp().to_seconds() - (first ? 1e-9 : 0.0);
        first = false;
        const GemmStats sm = array.run_gemm(gm.job(d, 0.5, 4));
        const GemmStats sp = core.run(gp.job(d, 0.5, 4));
        EXPECT_EQ(gm.c, gp.c);
        EXPECT_EQ(sm.cycles, sp.cycles);
        EXPECT_EQ(sm.wrong_products, sp.wrong_products);
        EXPECT_NEAR(sc_core::sc_time_stamp().to_seconds() - t0, 1e-9 * static_cast<double>(sm.cycles), 1e-13) << "one clock period per cycle";
    }
}

}  // namespace
