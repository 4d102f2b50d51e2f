// characterizer.cpp -- model generation, worker build (cached by content hash), chunked runs with
// resume and progress, aggregation of the chunk files into Table II and the stationary tables.
#include "timing/characterizer.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "timing/unrolled_model.h"

#include <chrono>
#include <cstdio>
#include <cstring>

namespace tesa {

namespace {

struct ChunkReader {
    const std::string& data;
    const std::string& file;
    size_t pos = 0;
    template <class T>
    T get() {
        if (pos + sizeof(T) > data.size()) fail(file + ": truncated chunk file");
        T v;
        std::memcpy(&v, data.data() + pos, sizeof(T));
        pos += sizeof(T);
        return v;
    }
};

bool chunk_complete(const std::filesystem::path& f, int width, uint32_t first, uint32_t count) {
    if (!std::filesystem::exists(f)) return false;
    std::string d = read_file(f);
    if (d.size() < 20 || d.compare(0, 8, "TESACHK2") != 0) return false;
    uint32_t h[3];
    std::memcpy(h, d.data() + 8, sizeof h);
    return h[0] == static_cast<uint32_t>(width) && h[1] == first && h[2] == count;
}

std::filesystem::path build_worker(const UnrolledModel& m, const CharacterizeOptions& o) {
    const std::filesystem::path obj = o.work_dir / "obj";
    const std::filesystem::path model = o.work_dir / "model.v";
    const std::string verilog = m.verilog("model", 64);
    const std::string stamp = std::to_string(std::hash<std::string>{}(verilog + read_file(o.worker_source) + o.cflags));
    const std::filesystem::path worker = obj / "worker", stamp_file = o.work_dir / "worker.stamp";
    if (std::filesystem::exists(worker) && std::filesystem::exists(stamp_file) && read_file(stamp_file) == stamp)
        return worker;
    write_file_atomic(model, verilog);
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

ErrorTables characterize(const TimedNetlist& timed, const GateNetlist& netlist, const CharacterizeOptions& o) {
    const UnrolledModel m = UnrolledModel::build(timed, netlist);
    std::filesystem::create_directories(o.work_dir / "chunks");
    const std::filesystem::path worker = build_worker(m, o);
    const int w = m.width();
    const uint32_t ops = 1u << w, cur_pairs = ops * ops, chunk = std::min(o.chunk, cur_pairs);
    const uint32_t chunks = (cur_pairs + chunk - 1) / chunk;

    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    uint32_t done = 0, reused = 0;
    for (uint32_t k = 0; k < chunks; ++k) {
        const uint32_t first = k * chunk, count = std::min(chunk, cur_pairs - first);
        const std::filesystem::path f = o.work_dir / "chunks" / ("chunk_" + std::to_string(k) + ".bin");
        if (chunk_complete(f, w, first, count)) {
            ++reused;
            continue;
        }
        ProcessResult r = run_process({worker.string(), std::to_string(first), std::to_string(count), f.string(),
                                       std::to_string(o.threads)});
        if (r.exit_code != 0) fail("characterization worker failed on chunk " + std::to_string(k) + ":\n" + r.output);
        ++done;
        if (o.progress) {
            const double el = std::chrono::duration<double>(Clock::now() - t0).count();
            const double eta = el / done * (chunks - k - 1);
            char line[200];
            std::snprintf(line, sizeof line, "characterize: chunk %u/%u (%.1f%%), %.0f s elapsed, about %.0f s left%s",
                          k + 1, chunks, 100.0 * (k + 1) / chunks, el, eta,
                          reused ? (" (" + std::to_string(reused) + " chunks reused)").c_str() : "");
            o.progress(line);
        }
    }

    ErrorTables t;
    t.width = w;
    t.clock_ps = timed.conditions().clock_period_ps;
    t.time_step_ps = m.step_ps();
    t.offsets.reserve(cur_pairs + 1);
    t.a_held.assign(static_cast<size_t>(ops) * ops * ops, 0);
    t.b_held.assign(static_cast<size_t>(ops) * ops * ops, 0);
    t.offsets.push_back(0);
    t.transitions.width = w;
    t.transitions.offsets.reserve(static_cast<size_t>(cur_pairs) + 1);
    t.transitions.offsets.push_back(0);
    for (uint32_t k = 0; k < chunks; ++k) {
        const uint32_t first = k * chunk, count = std::min(chunk, cur_pairs - first);
        const std::filesystem::path f = o.work_dir / "chunks" / ("chunk_" + std::to_string(k) + ".bin");
        if (!chunk_complete(f, w, first, count)) fail(f.string() + ": missing or from another run");
        const std::string data = read_file(f);
        const std::string name = f.string();
        ChunkReader rd{data, name, 20};
        for (uint32_t i = 0; i < count; ++i) {
            const uint32_t c = first + i, a = c & (ops - 1), b = c >> w;
            const uint32_t kdist = rd.get<uint32_t>();
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
    }
    t.derive();
    t.transitions.clock_ps = t.clock_ps;
    return t;
}

}  // namespace tesa
