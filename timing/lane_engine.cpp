// lane_engine.cpp -- the stability bound in 16-bit lanes (vectorised by the compiler; an
// AVX2 clone where the CPU has it, same bits), the exact lane program on the unproven rest, and
// the per-current-pair bookkeeping of the chunk format.
#include "timing/lane_engine.h"

#include "common/error.h"
#include "timing/lane_compiler.h"
#include "timing/timed_lane_model.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace tesa {

namespace {

constexpr int kLanes = 256;          // previous pairs per bound block and per exact evaluation
constexpr int16_t kNeverTick = -16000;  // "never changes": below every tick, with room for sums
constexpr int kMaxTick = 8000;  // 16-bit ticks: the longest path stays below this

// 16 lanes of 16-bit ticks, or 32 of 8-bit ticks, per vector.
typedef int16_t Ticks __attribute__((vector_size(32)));
typedef int8_t Ticks8 __attribute__((vector_size(32)));

// Lane-wise max / min (macros: a function taking 32-byte vectors draws GCC's ABI note in the
// non-AVX clone).
#define TESA_VMAX(x, y) ((x) > (y) ? (x) : (y))
#define TESA_VMIN(x, y) ((x) < (y) ? (x) : (y))

}  // namespace

struct LaneEngine::Scratch {
    LaneBuffer stab_buf;              // [net][kLanes] ticks (16-bit), 32-byte aligned
    uint16_t proven[kLanes / 16];     // per 16 lanes: bit l set when lane l is proven correct
    std::vector<uint32_t> counts;     // per output pattern, zero between current pairs
    std::vector<uint16_t> touched;
    std::vector<uint32_t> pending;    // unproven previous pairs awaiting the exact program
    LaneBuffer in, out, slots;
};

LaneEngine::LaneEngine(const TimedNetlist& timed, Semantics semantics) : timed_(timed), width_(timed.width()) {
    program_ = build_lane_program(timed, semantics);
    code_ = program_.code();
    const double step = timed.conditions().time_step_ps;
    auto tick = [step](double ps) { return static_cast<int>(std::llround(ps / step)); };
    auto limit_tick = [step](double ps) { return static_cast<int>(std::floor(ps / step + 1e-6)); };
    if (timed.static_arrival_ps() / step >= kMaxTick)
        fail("sdf-sim engine: the longest path is " + std::to_string(static_cast<int>(timed.static_arrival_ps() / step)) +
             " ticks (at most " + std::to_string(kMaxTick) + "); use a larger --time-step");
    for (int v = 0; v < 2; ++v) {
        for (int i = 0; i < width_; ++i) launch_tick_[v].push_back(static_cast<int16_t>(tick(v ? timed.launch_a(i).rise : timed.launch_a(i).fall)));
        for (int i = 0; i < width_; ++i) launch_tick_[v].push_back(static_cast<int16_t>(tick(v ? timed.launch_b(i).rise : timed.launch_b(i).fall)));
    }
    for (int j = 0; j < 2 * width_; ++j) {
        const int t = std::min(limit_tick(timed.capture_limit(j).rise), limit_tick(timed.capture_limit(j).fall));
        capture_tick_.push_back(static_cast<int16_t>(std::clamp(t, -kMaxTick, kMaxTick)));
    }
    for (const TimedGate& g : timed.gates()) {
        GateData d;
        d.out = g.out_net;
        d.n_in = g.n_in;
        for (int k = 0; k < g.n_in; ++k) {
            d.in[k] = g.in_net[k];
            for (int v = 0; v < 2; ++v) {
                int m = tick(v ? g.arc[k].rise : g.arc[k].fall);
                for (const auto& ca : g.cond_arcs[k]) m = std::max(m, tick(v ? ca.delay.rise : ca.delay.fall));
                d.dmax[v][k] = static_cast<int16_t>(m);
            }
        }
        // Per input combination: the care masks of the implicants of f or ~f containing it, minimal ones.
        const uint32_t combos = 1u << g.n_in;
        d.cubes.resize(combos);
        for (uint32_t idx = 0; idx < combos; ++idx) {
            const uint64_t value = (g.table >> idx) & 1u;
            std::vector<uint8_t> found;
            for (uint32_t care = 0; care < combos; ++care) {  // care 0: a constant function
                bool implicant = true;
                for (uint32_t x = 0; x < combos && implicant; ++x)
                    if ((x & care) == (idx & care) && ((g.table >> x) & 1u) != value) implicant = false;
                if (implicant) found.push_back(static_cast<uint8_t>(care));
            }
            for (uint8_t c : found) {
                bool minimal = true;
                for (uint8_t o : found)
                    if (o != c && (o & c) == o) minimal = false;
                if (minimal) d.cubes[idx].push_back(c);
            }
        }
        gates_.push_back(std::move(d));
    }
    for (int i = 0; i < width_; ++i) operand_net_.push_back(timed.a_bits()[static_cast<size_t>(i)]);
    for (int i = 0; i < width_; ++i) operand_net_.push_back(timed.b_bits()[static_cast<size_t>(i)]);
    // 8-bit ticks when the capture ticks stay below cap = 127 - (largest gate delay) - 1.
    int dmax = 0, last_capture = 0;
    for (const auto& g : gates_)
        for (int v = 0; v < 2; ++v)
            for (int k = 0; k < g.n_in; ++k) dmax = std::max<int>(dmax, g.dmax[v][k]);
    for (int16_t t : capture_tick_) last_capture = std::max<int>(last_capture, t);
    view_.width = width_;
    view_.gates = &gates_;
    view_.launch = &launch_tick_;
    view_.operand_net = &operand_net_;
    view_.product_net = &timed.p_bits();
    view_.capture = &capture_tick_;
    view_.byte_ticks = last_capture + 1 < 127 - dmax;
    view_.never = view_.byte_ticks ? -128 : kNeverTick;
    view_.cap = view_.byte_ticks ? 127 - dmax : kMaxTick + 1000;
}


// The bound over kLanes lanes in ticks of type T (int16_t, or int8_t when every capture tick and
// gate delay fit: then values are kept in [never, cap] -- anything at or above cap means "not
// before cap", which is later than every capture tick -- and a negative result, derived only
// from "never", is set back to never, so no sum ever wraps).
template <class T, class V>
__attribute__((always_inline)) inline void bound_lanes(const LaneEngine::BoundView& w, uint32_t cur, uint32_t prev_first, const std::vector<uint8_t>& nv,
                        void* buf, uint16_t* proven) {
    constexpr int kPer = static_cast<int>(sizeof(V) / sizeof(T)), kVec = kLanes / kPer;
    const int n = w.width;
    V* stab = static_cast<V*>(buf);
    const V never = V{} + static_cast<T>(w.never), cap = V{} + static_cast<T>(w.cap), zero = V{};
    // Operand bits: a 0..N-1, b N..2N-1 (bit q of both pair indices); lane l is prev_first + l,
    // prev_first a multiple of kLanes: bit q < 8 of the lane's previous pair is bit q of l.
    static const struct Patterns {
        V bit[8][kVec];
        Patterns() {
            for (int q = 0; q < 8; ++q)
                for (int i = 0; i < kVec; ++i)
                    for (int l = 0; l < kPer; ++l) bit[q][i][l] = static_cast<T>(-static_cast<int>(((kPer * i + l) >> q) & 1));
        }
    } patterns;
    for (int q = 0; q < 2 * n; ++q) {
        const uint32_t now = (cur >> q) & 1u;
        const V launch = V{} + static_cast<T>((*w.launch)[now][static_cast<size_t>(q)]);
        V* o = stab + static_cast<size_t>((*w.operand_net)[static_cast<size_t>(q)]) * kVec;
        const V flip = now ? V{} - 1 : V{};
        for (int i = 0; i < kVec; ++i) {
            const V bit = q < 8 ? patterns.bit[q][i] : (((prev_first >> q) & 1u) ? V{} - 1 : V{});
            o[i] = (bit ^ flip) ? launch : never;
        }
    }
    V sf[kVec], m[kVec];
    for (const auto& g : *w.gates) {
        const uint8_t v = nv[static_cast<size_t>(g.out)];
        uint32_t idx = 0;
        for (int k = 0; k < g.n_in; ++k) idx |= static_cast<uint32_t>(nv[static_cast<size_t>(g.in[k])]) << k;
        const V* in[6];
        for (int k = 0; k < g.n_in; ++k) in[k] = stab + static_cast<size_t>(g.in[k]) * kVec;
        for (int i = 0; i < kVec; ++i) sf[i] = cap;
        for (uint8_t care : g.cubes[idx]) {
            for (int i = 0; i < kVec; ++i) m[i] = never;
            for (int k = 0; k < g.n_in; ++k) {
                if (!((care >> k) & 1u)) continue;
                const V* x = in[k];
                for (int i = 0; i < kVec; ++i) m[i] = TESA_VMAX(m[i], x[i]);
            }
            for (int i = 0; i < kVec; ++i) sf[i] = TESA_VMIN(sf[i], m[i]);
        }
        V* o = stab + static_cast<size_t>(g.out) * kVec;
        for (int i = 0; i < kVec; ++i) m[i] = never;
        for (int k = 0; k < g.n_in; ++k) {
            const V* x = in[k];
            const T d = static_cast<T>(g.dmax[v][k]);
            for (int i = 0; i < kVec; ++i) m[i] = TESA_VMAX(m[i], TESA_VMIN(sf[i], x[i]) + d);
        }
        for (int i = 0; i < kVec; ++i) {
            const V r = TESA_VMIN(m[i], cap);
            o[i] = r < zero ? never : r;
        }
    }
    // Proven lanes: every product bit stable by its capture tick.
    for (int i = 0; i < kVec; ++i) {
        V ok = V{} - 1;
        for (int j = 0; j < 2 * n; ++j)
            ok &= stab[static_cast<size_t>((*w.product_net)[static_cast<size_t>(j)]) * kVec + static_cast<size_t>(i)] <=
                  (V{} + static_cast<T>((*w.capture)[static_cast<size_t>(j)]));
        for (int l = 0; l < kPer; ++l) {
            const int lane = kPer * i + l;
            if (ok[l]) proven[lane / 16] = static_cast<uint16_t>(proven[lane / 16] | (1u << (lane % 16)));
        }
    }
}

__attribute__((target_clones("avx2", "default")))
void bound16(const LaneEngine::BoundView& w, uint32_t cur, uint32_t prev_first, const std::vector<uint8_t>& nv, void* buf, uint16_t* proven) {
    bound_lanes<int16_t, Ticks>(w, cur, prev_first, nv, buf, proven);
}

__attribute__((target_clones("avx2", "default")))
void bound8(const LaneEngine::BoundView& w, uint32_t cur, uint32_t prev_first, const std::vector<uint8_t>& nv, void* buf, uint16_t* proven) {
    bound_lanes<int8_t, Ticks8>(w, cur, prev_first, nv, buf, proven);
}

void LaneEngine::bound_block(uint32_t cur, uint32_t prev_first, const std::vector<uint8_t>& nv, Scratch& s) const {
    for (auto& p : s.proven) p = 0;
    if (view_.byte_ticks) bound8(view_, cur, prev_first, nv, s.stab_buf.data(), s.proven);
    else bound16(view_, cur, prev_first, nv, s.stab_buf.data(), s.proven);
}

void LaneEngine::use_compiled(std::shared_ptr<const CompiledLaneProgram> compiled) {
    if (compiled && compiled->slots() != code_.slots) fail("sdf-sim engine: the compiled program is not this engine's");
    compiled_ = std::move(compiled);
}

void LaneEngine::characterize(uint32_t cur, ChunkPairResult& r, LaneEngineStats& stats) const {
    thread_local Scratch s;
    const int n = width_;
    const uint32_t ops = 1u << n, prevs = ops * ops, a = cur & (ops - 1), b = cur >> n;
    s.stab_buf.resize(static_cast<size_t>(timed_.net_count()) * kLanes / 16 + 1);
    s.counts.assign(size_t{1} << (2 * n), 0);
    s.touched.clear();
    s.pending.clear();
    s.in.resize(static_cast<size_t>(4 * n));
    s.out.resize(static_cast<size_t>(2 * n));
    s.slots.resize(code_.slots);
    std::vector<uint8_t> nv;
    timed_.settle(a, b, nv);
    const uint16_t exact = static_cast<uint16_t>(timed_.product(a, b));
    r.a_held.assign(ops, exact);
    r.b_held.assign(ops, exact);
    r.wrong.clear();
    uint32_t correct = 0;
    auto record = [&](uint32_t prev, uint16_t out) {
        if (out == exact) {
            ++correct;
            return;
        }
        if (s.counts[out]++ == 0) s.touched.push_back(out);
        r.wrong.emplace_back(static_cast<uint16_t>(prev), out);
        const uint32_t ap = prev & (ops - 1), bp = prev >> n;
        if (ap == a) r.a_held[bp] = out;
        if (bp == b) r.b_held[ap] = out;
        ++stats.wrong;
    };
    // The exact program on the pending previous pairs, 256 lanes per evaluation.
    auto flush = [&] {
        if (s.pending.empty()) return;
        const size_t m = s.pending.size();
        for (int i = 0; i < n; ++i) {
            LaneWord256 ap{}, bp{};
            for (size_t l = 0; l < m; ++l) {
                const uint32_t prev = s.pending[l];
                ap[l / 64] |= static_cast<uint64_t>((prev >> i) & 1u) << (l % 64);
                bp[l / 64] |= static_cast<uint64_t>((prev >> (n + i)) & 1u) << (l % 64);
            }
            LaneWord256 ones{};
            ones = ~ones;
            s.in[static_cast<size_t>(i)] = ap;
            s.in[static_cast<size_t>(n + i)] = bp;
            s.in[static_cast<size_t>(2 * n + i)] = ((a >> i) & 1u) ? ones : LaneWord256{};
            s.in[static_cast<size_t>(3 * n + i)] = ((b >> i) & 1u) ? ones : LaneWord256{};
        }
        if (compiled_) compiled_->run(s.in.data(), s.out.data(), s.slots.data());
        else run_lane_code(code_, s.in.data(), s.out.data(), s.slots.data());
        for (size_t l = 0; l < m; ++l) {
            uint16_t out = 0;
            for (int j = 0; j < 2 * n; ++j) out |= static_cast<uint16_t>(((s.out[static_cast<size_t>(j)][l / 64] >> (l % 64)) & 1u) << j);
            record(s.pending[l], out);
        }
        stats.exact += m;
        s.pending.clear();
    };
    for (uint32_t first = 0; first < prevs; first += kLanes) {
        bound_block(cur, first, nv, s);
        const uint32_t lanes = std::min<uint32_t>(kLanes, prevs - first);
        for (uint32_t l = 0; l < lanes; ++l) {
            if ((s.proven[l / 16] >> (l % 16)) & 1u) {
                ++correct;
                continue;
            }
            s.pending.push_back(first + l);
            if (s.pending.size() == kLanes) flush();
        }
    }
    flush();
    stats.transitions += prevs;
    if (correct) {
        if (s.counts[exact] == 0) s.touched.push_back(exact);
        s.counts[exact] += correct;
    }
    std::sort(s.touched.begin(), s.touched.end());
    r.outputs.clear();
    for (uint16_t o : s.touched) {
        r.outputs.emplace_back(o, s.counts[o]);
        s.counts[o] = 0;
    }
}

std::string LaneEngine::chunk(uint32_t first, uint32_t count, int threads, LaneEngineStats* stats) const {
    std::vector<ChunkPairResult> results(count);
    std::vector<LaneEngineStats> per(static_cast<size_t>(std::max(1, threads)));
    std::atomic<uint32_t> next{0};
    std::vector<std::thread> pool;
    for (size_t t = 0; t < per.size(); ++t)
        pool.emplace_back([&, t] {
            for (uint32_t i; (i = next.fetch_add(1)) < count;) characterize(first + i, results[i], per[t]);
        });
    for (auto& th : pool) th.join();
    if (stats)
        for (const auto& p : per) {
            stats->transitions += p.transitions;
            stats->exact += p.exact;
            stats->wrong += p.wrong;
        }
    return encode_chunk(static_cast<uint32_t>(width_), first, results);
}

bool LaneEngine::proves(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) const {
    Scratch s;
    s.stab_buf.resize(static_cast<size_t>(timed_.net_count()) * kLanes / 16 + 1);
    std::vector<uint8_t> nv;
    timed_.settle(a, b, nv);
    const int n = width_;
    const uint32_t cur = a | (b << n), prev = a_prev | (b_prev << n);
    const uint32_t block = prev & ~static_cast<uint32_t>(kLanes - 1), l = prev - block;
    bound_block(cur, block, nv, s);
    return (s.proven[l / 16] >> (l % 16)) & 1u;
}

}  // namespace tesa
