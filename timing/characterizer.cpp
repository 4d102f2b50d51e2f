// characterizer.cpp -- model generation, worker build (cached by content hash), chunked runs with
// resume and progress, aggregation of the chunk files into Table II and the stationary tables.
#include "timing/characterizer.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "timing/chunk_format.h"
#include "timing/lane_compiler.h"
#include "timing/lane_engine.h"
#include "timing/unrolled_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

namespace tesa {

namespace {

struct ChunkReader {
    const std::string& data;
    const std::string& file;
    size_t pos = 0;
    size_t end = 0;  // the trailer's offset
    template <class T>
    T get() {
        if (end - pos < sizeof(T)) fail(file + ": truncated chunk file");
        T v;
        std::memcpy(&v, data.data() + pos, sizeof(T));
        pos += sizeof(T);
        return v;
    }
};

constexpr size_t kChunkHeader = 20, kChunkTrailer = 8;

uint64_t fnv1a(const std::string& s, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 1099511628211ull;
    return h;
}

std::filesystem::path build_worker(const UnrolledModel& m, const CharacterizeOptions& o) {
    const std::filesystem::path obj = o.work_dir / "obj";
    const std::filesystem::path model = o.work_dir / "model.v";
    const std::string verilog = m.verilog("model", 64);
    const std::string stamp = std::to_string(std::hash<std::string>{}(
        verilog + read_file(o.worker_source) + read_file(o.worker_source.parent_path() / "chunk_format.h") + o.cflags));
    const std::filesystem::path worker = obj / "worker", stamp_file = o.work_dir / "worker.stamp";
    if (std::filesystem::exists(worker) && std::filesystem::exists(stamp_file) && read_file(stamp_file) == stamp)
        return worker;
    write_file_atomic(model, verilog);
    // A build killed half way can leave truncated objects newer than their sources: start clean.
    std::error_code ec;
    std::filesystem::remove(stamp_file, ec);
    std::filesystem::remove_all(obj, ec);
    std::filesystem::create_directories(obj);
    if (o.progress) o.progress("characterize: compiling the 64-lane model with Verilator (" + std::to_string(m.gate_nodes()) +
                               " gate instants; takes a minute or two)");
    ProcessResult r = run_process({TESA_VERILATOR_BIN, "--cc", model.string(), "--exe", std::filesystem::absolute(o.worker_source).string(),
                                   "--top-module", "model", "--prefix", "Vmodel", "--Mdir", obj.string(), "--build", "-j", "2",
                                   "-Wno-fatal", "-CFLAGS", o.cflags + " -std=c++17 -DTESA_WIDTH=" + std::to_string(m.width()),
                                   "-LDFLAGS", "-pthread", "-o", "worker"});
    write_file_atomic(o.work_dir / "verilator.log", r.output);
    if (r.exit_code != 0 || !std::filesystem::exists(worker))
        fail("building the characterization worker failed (see " + (o.work_dir / "verilator.log").string() + "):\n" +
             r.output.substr(r.output.size() > 2000 ? r.output.size() - 2000 : 0));
    write_file_atomic(stamp_file, stamp);
    return worker;
}

}  // namespace

std::string chunk_problem(const std::string& d, int width, uint32_t first, uint32_t count) {
    if (d.size() < kChunkHeader + kChunkTrailer || d.compare(0, 8, "TESACHK3") != 0) return "not a chunk file of this tesa";
    uint32_t h[3];
    std::memcpy(h, d.data() + 8, sizeof h);
    if (h[0] != static_cast<uint32_t>(width) || h[1] != first || h[2] != count) return "a chunk of another run";
    uint64_t sum = 0;
    std::memcpy(&sum, d.data() + d.size() - kChunkTrailer, sizeof sum);
    if (sum != fnv1a(d, d.size() - kChunkTrailer)) return "fails its checksum (damaged)";
    return "";
}

ErrorTables empty_chunk_tables(int width) {
    if (width < 2 || width > 8) fail("chunk tables: width " + std::to_string(width) + " (expected 2 .. 8)");
    const size_t ops = size_t{1} << width;
    ErrorTables t;
    t.width = width;
    t.offsets.reserve(ops * ops + 1);
    t.offsets.push_back(0);
    t.a_held.assign(ops * ops * ops, 0);
    t.b_held.assign(ops * ops * ops, 0);
    t.transitions.width = width;
    t.transitions.offsets.reserve(ops * ops + 1);
    t.transitions.offsets.push_back(0);
    return t;
}

void append_chunk(const std::string& data, const std::string& name, uint32_t first, uint32_t count, ErrorTables& t) {
    const int w = t.width;
    const uint32_t ops = 1u << w, cur_pairs = ops * ops;
    const std::string problem = chunk_problem(data, w, first, count);
    if (!problem.empty()) fail(name + ": " + problem);
    if (t.offsets.empty() || first != t.offsets.size() - 1 || first > cur_pairs || count > cur_pairs - first ||
        t.a_held.size() != static_cast<size_t>(ops) * ops * ops || t.transitions.offsets.size() != t.offsets.size())
        fail(name + ": chunk out of order (tables not begun with empty_chunk_tables?)");
    ChunkReader rd{data, name, kChunkHeader, data.size() - kChunkTrailer};
    for (uint32_t i = 0; i < count; ++i) {
        const uint32_t c = first + i, a = c & (ops - 1), b = c >> w;
        const uint32_t kdist = rd.get<uint32_t>();
        if (kdist == 0 || kdist > cur_pairs) fail(name + ": current pair " + std::to_string(c) + " has " + std::to_string(kdist) + " outputs");
        uint64_t total = 0;
        for (uint32_t j = 0; j < kdist; ++j) {
            t.outputs.push_back(rd.get<uint16_t>());
            t.counts.push_back(rd.get<uint32_t>());
            total += t.counts.back();
        }
        if (total != cur_pairs) fail(name + ": counts of current pair " + std::to_string(c) + " do not add up");
        t.offsets.push_back(static_cast<uint32_t>(t.outputs.size()));
        for (uint32_t bp = 0; bp < ops; ++bp) t.a_held[(static_cast<size_t>(a) * ops + bp) * ops + b] = rd.get<uint16_t>();
        for (uint32_t ap = 0; ap < ops; ++ap) t.b_held[(static_cast<size_t>(b) * ops + ap) * ops + a] = rd.get<uint16_t>();
        const uint32_t nwrong = rd.get<uint32_t>();
        if (nwrong > cur_pairs) fail(name + ": current pair " + std::to_string(c) + " lists " + std::to_string(nwrong) + " wrong transitions");
        uint64_t listed = 0;
        for (uint32_t j = 0; j < nwrong; ++j) {
            t.transitions.previous.push_back(rd.get<uint16_t>());
            t.transitions.outputs.push_back(rd.get<uint16_t>());
        }
        for (uint32_t k = t.offsets[c]; k < t.offsets[c + 1]; ++k)
            if (t.outputs[k] != t.exact(a, b)) listed += t.counts[k];
        if (listed != nwrong) fail(name + ": wrong transitions of current pair " + std::to_string(c) + " do not match its counts");
        t.transitions.offsets.push_back(t.transitions.previous.size());
    }
    if (rd.pos != rd.end) fail(name + ": " + std::to_string(rd.end - rd.pos) + " bytes after the last current pair");
}

namespace {

// The chunked run shared by every engine: chunk k of `chunk` current pairs is file
// chunks/chunk_<k>.bin; a complete, undamaged one is reused, anything else computed again by
// `compute(first, count, file)`; then all chunks are read back into the tables.
ErrorTables run_chunks(int w, double clock_ps, double step_ps, const CharacterizeOptions& o,
                       const std::function<void(uint32_t, uint32_t, const std::filesystem::path&)>& compute) {
    const uint32_t ops = 1u << w, cur_pairs = ops * ops, chunk = std::min(o.chunk, cur_pairs);
    const uint32_t chunks = (cur_pairs + chunk - 1) / chunk;
    std::filesystem::create_directories(o.work_dir / "chunks");
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    if (o.shard.count < 1 || o.shard.index >= o.shard.count)
        fail("characterize: shard " + std::to_string(o.shard.index) + " of " + std::to_string(o.shard.count) + " does not exist");
    uint32_t done = 0, reused = 0, missing = 0;
    for (uint32_t k = 0; k < chunks; ++k) {
        const uint32_t first = k * chunk, count = std::min(chunk, cur_pairs - first);
        const std::filesystem::path f = o.work_dir / "chunks" / ("chunk_" + std::to_string(k) + ".bin");
        const bool mine = !o.shard.merge_only && k % o.shard.count == o.shard.index;
        std::error_code ec;
        if (std::filesystem::exists(f, ec)) {
            const std::string problem = chunk_problem(read_file(f), w, first, count);
            if (problem.empty()) {
                ++reused;
                continue;
            }
            if (!mine) {  // another shard's, perhaps still being written: not ours to replace
                ++missing;
                continue;
            }
            if (o.progress) o.progress("characterize: " + f.string() + ": " + problem + "; computing the chunk again");
            std::filesystem::remove(f, ec);
        }
        if (!mine) {
            ++missing;
            continue;
        }
        compute(first, count, f);
        ++done;
        if (o.progress) {
            const double el = std::chrono::duration<double>(Clock::now() - t0).count();
            const double eta = el / done * (chunks - k - 1) / o.shard.count;
            char line[200];
            std::snprintf(line, sizeof line, "characterize: chunk %u/%u (%.1f%%), %.0f s elapsed, about %.0f s left%s",
                          k + 1, chunks, 100.0 * (k + 1) / chunks, el, eta,
                          reused ? (" (" + std::to_string(reused) + " chunks reused)").c_str() : "");
            o.progress(line);
        }
    }
    if (missing)
        throw IncompleteTables("characterize: " + std::to_string(missing) + " of " + std::to_string(chunks) + " chunks under " +
                                   (o.work_dir / "chunks").string() + " are other shards' and not done yet",
                               missing, chunks);
    ErrorTables t = empty_chunk_tables(w);
    t.clock_ps = clock_ps;
    t.time_step_ps = step_ps;
    for (uint32_t k = 0; k < chunks; ++k) {
        const uint32_t first = k * chunk, count = std::min(chunk, cur_pairs - first);
        const std::filesystem::path f = o.work_dir / "chunks" / ("chunk_" + std::to_string(k) + ".bin");
        if (!std::filesystem::exists(f)) fail(f.string() + ": missing (removed during the run?)");
        append_chunk(read_file(f), f.string(), first, count, t);
    }
    t.derive();
    t.transitions.clock_ps = t.clock_ps;
    return t;
}

// Whether no transition can change a product bit after its capture: the longest launch-to-output
// path with every arc at its largest delay (which bounds every event of every semantics: each is an
// input event plus one arc's delay, a selected COND entry or an input-edge line never exceeding the
// arc's max) ends before every bit's capture limit. Then every capture is the exact product.
bool settles_before_capture(const TimedNetlist& timed) {
    const double arrival = timed.static_arrival_ps();
    for (int j = 0; j < 2 * timed.width(); ++j)
        if (!(arrival < std::min(timed.capture_limit(j).rise, timed.capture_limit(j).fall))) return false;
    return true;
}

// The chunk of an error-free multiplier: every previous pair captures the exact product.
std::string error_free_chunk(const TimedNetlist& timed, uint32_t first, uint32_t count) {
    const int w = timed.width();
    const uint32_t ops = 1u << w, mask = ops - 1;
    std::vector<ChunkPairResult> results(count);
    for (uint32_t i = 0; i < count; ++i) {
        const uint32_t c = first + i;
        const uint16_t exact = static_cast<uint16_t>(timed.product(c & mask, c >> w));
        results[i].outputs = {{exact, ops * ops}};
        results[i].a_held.assign(ops, exact);
        results[i].b_held.assign(ops, exact);
    }
    return encode_chunk(static_cast<uint32_t>(w), first, results);
}

// run_chunks with error-free chunks; `engine()` computes them otherwise.
ErrorTables run_or_prove(const TimedNetlist& timed, double step_ps, const CharacterizeOptions& o,
                         const std::function<std::function<void(uint32_t, uint32_t, const std::filesystem::path&)>()>& engine) {
    if (o.static_proof && settles_before_capture(timed)) {
        if (o.progress)
            o.progress("characterize: the longest path (" + std::to_string(timed.static_arrival_ps()) +
                       " ps) settles before every capture: every transition captures the exact product");
        return run_chunks(timed.width(), timed.conditions().clock_period_ps, step_ps, o,
                          [&](uint32_t first, uint32_t count, const std::filesystem::path& f) {
            write_file_atomic(f, error_free_chunk(timed, first, count));
        });
    }
    return run_chunks(timed.width(), timed.conditions().clock_period_ps, step_ps, o, engine());
}

void check_options(const CharacterizeOptions& o) {
    if (o.chunk < 1) fail("characterize: chunks of at least one current pair");
    if (o.threads < 1 || o.threads > 1024) fail("characterize: " + std::to_string(o.threads) + " threads (1 .. 1024)");
}

}  // namespace

ErrorTables characterize(const TimedNetlist& timed, const GateNetlist& netlist, const CharacterizeOptions& o) {
    check_options(o);
    const UnrolledModel m = UnrolledModel::build(timed, netlist);
    std::filesystem::create_directories(o.work_dir);
    std::filesystem::path worker;
    ErrorTables t = run_or_prove(timed, m.step_ps(), o, [&]() {
        worker = build_worker(m, o);
        return [&](uint32_t first, uint32_t count, const std::filesystem::path& f) {
            ProcessResult r = run_process({worker.string(), std::to_string(first), std::to_string(count), f.string(),
                                           std::to_string(o.threads)});
            if (r.exit_code != 0) fail("characterization worker failed on " + f.filename().string() + ":\n" + r.output);
        };
    });
    t.semantics = "delay-line";
    return t;
}

ErrorTables characterize_lanes(const TimedNetlist& timed, Semantics semantics, const CharacterizeOptions& o,
                               LaneEngineStats* stats) {
    check_options(o);
    if (semantics == Semantics::DelayLine) fail("characterize_lanes: the delay-line semantics is characterized by characterize()");
    std::unique_ptr<LaneEngine> engine;
    LaneEngineStats st;
    bool compiled = false;
    ErrorTables t = run_or_prove(timed, timed.conditions().time_step_ps, o, [&]() {
        if (o.progress)
            o.progress(std::string("characterize: building the ") + semantics_name(semantics) +
                       " lane program (bound + exact engine, in process)");
        engine = std::make_unique<LaneEngine>(timed, semantics);
        // The exact program is compiled (a minute or more) only once the transitions the bound
        // leaves to it, extrapolated from the chunks so far to the whole table, would take the
        // interpreter about as long (~3 us each here: 2e7 of them); at points the bound nearly
        // settles, the interpreter finishes first. The tables are the same either way.
        const double pairs = std::ldexp(1.0, 4 * timed.width());
        return [&, pairs](uint32_t first, uint32_t count, const std::filesystem::path& f) {
            write_file_atomic(f, engine->chunk(first, count, o.threads, &st));
            if (o.compile_exact && !compiled && st.transitions &&
                static_cast<double>(st.exact) * pairs / static_cast<double>(st.transitions) > 2e7) {
                engine->use_compiled(CompiledLaneProgram::build(engine->program(), o.work_dir / "lanes", o.threads, o.progress));
                compiled = true;
            }
        };
    });
    t.semantics = semantics_name(semantics);
    if (stats) *stats = st;
    return t;
}

}  // namespace tesa
