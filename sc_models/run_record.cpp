// run_record.cpp -- NetworkRun merging and its checked byte form.
#include "sc_models/run_record.h"

#include "common/error.h"

#include <unistd.h>

#include <cmath>
#include <cstring>

namespace tesa {

namespace {

constexpr uint64_t kRunMagic = 0x324e555254;  // "TRUN2"
constexpr uint64_t kMaxLayers = 100000, kMaxLogits = 1u << 28;

template <class T>
void put(std::string& s, const T& v) {
    s.append(reinterpret_cast<const char*>(&v), sizeof v);
}

struct Cursor {
    const std::string& b;
    const std::string& name;
    size_t pos = 0;
    template <class T>
    T get() {
        if (b.size() - pos < sizeof(T)) fail(name + ": run record cut short");
        T v;
        std::memcpy(&v, b.data() + pos, sizeof v);
        pos += sizeof v;
        return v;
    }
};

}  // namespace

void NetworkRun::add(const NetworkRun& o) {
    images += o.images;
    correct += o.correct;
    if (layer_stats.size() < o.layer_stats.size()) layer_stats.resize(o.layer_stats.size());
    for (size_t l = 0; l < o.layer_stats.size(); ++l) layer_stats[l] += o.layer_stats[l];
    if (layer_traffic.size() < o.layer_traffic.size()) layer_traffic.resize(o.layer_traffic.size());
    for (size_t l = 0; l < o.layer_traffic.size(); ++l) layer_traffic[l] += o.layer_traffic[l];
    total += o.total;
    traffic += o.traffic;
    accelerator_ns += o.accelerator_ns;
    dma_bytes += o.dma_bytes;
    logits.insert(logits.end(), o.logits.begin(), o.logits.end());
}

std::string encode_run(const NetworkRun& r) {
    std::string s;
    for (uint64_t v : {kRunMagic, static_cast<uint64_t>(r.images), static_cast<uint64_t>(r.correct), r.dma_bytes,
                       static_cast<uint64_t>(r.layer_stats.size()), static_cast<uint64_t>(r.logits.size())})
        put(s, v);
    put(s, r.accelerator_ns);
    put(s, r.total);
    put(s, r.traffic);
    std::vector<MemoryTraffic> traffic = r.layer_traffic;
    traffic.resize(r.layer_stats.size());  // one per layer, like the statistics
    for (const GemmStats& g : r.layer_stats) put(s, g);
    for (const MemoryTraffic& t : traffic) put(s, t);
    for (int32_t l : r.logits) put(s, l);
    return s;
}

NetworkRun decode_run(const std::string& bytes, const std::string& name) {
    Cursor c{bytes, name};
    if (c.get<uint64_t>() != kRunMagic) fail(name + ": not a run record");
    NetworkRun r;
    r.images = c.get<uint64_t>();
    r.correct = c.get<uint64_t>();
    r.dma_bytes = c.get<uint64_t>();
    const uint64_t layers = c.get<uint64_t>(), logits = c.get<uint64_t>();
    if (layers > kMaxLayers || logits > kMaxLogits) fail(name + ": run record with implausible sizes");
    if (r.correct > r.images) fail(name + ": run record with more correct images than images");
    r.accelerator_ns = c.get<double>();
    if (!std::isfinite(r.accelerator_ns) || r.accelerator_ns < 0) fail(name + ": run record with a bad time");
    r.total = c.get<GemmStats>();
    r.traffic = c.get<MemoryTraffic>();
    const size_t need = layers * (sizeof(GemmStats) + sizeof(MemoryTraffic)) + logits * sizeof(int32_t);
    if (bytes.size() - c.pos != need) fail(name + ": run record of the wrong length");
    r.layer_stats.resize(layers);
    for (GemmStats& g : r.layer_stats) g = c.get<GemmStats>();
    r.layer_traffic.resize(layers);
    for (MemoryTraffic& t : r.layer_traffic) t = c.get<MemoryTraffic>();
    r.logits.resize(logits);
    for (int32_t& l : r.logits) l = c.get<int32_t>();
    return r;
}

std::string encode_image_record(uint64_t image_id, const NetworkRun& one) {
    std::string s;
    put(s, image_id);
    return s + encode_run(one);
}

std::pair<uint64_t, NetworkRun> decode_image_record(const std::string& bytes, size_t layers, const std::string& name) {
    if (bytes.size() < sizeof(uint64_t)) fail(name + ": image record cut short");
    uint64_t id = 0;
    std::memcpy(&id, bytes.data(), sizeof id);
    NetworkRun r = decode_run(bytes.substr(sizeof id), name);
    if (r.images != 1) fail(name + ": image record of " + std::to_string(r.images) + " images");
    if (r.layer_stats.size() != layers)
        fail(name + ": image record with " + std::to_string(r.layer_stats.size()) + " layers, the network has " + std::to_string(layers));
    return {id, std::move(r)};
}

std::map<uint64_t, NetworkRun> ImageJournal::load(size_t layers, const std::function<void(const std::string&)>& warn) const {
    std::map<uint64_t, NetworkRun> done;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return done;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        const std::string name = e.path().string();
        const JournalScan scan = scan_journal_file(e.path());
        if (!scan.problem.empty())
            warn(name + ": " + scan.problem + "; dropping its last " + std::to_string(scan.dropped_bytes) + " bytes (those images run again)");
        for (const std::string& rec : scan.records) {
            try {
                auto [id, one] = decode_image_record(rec, layers, name);
                done.insert_or_assign(id, std::move(one));
            } catch (const Error& err) {
                warn(std::string(err.what()) + "; that image runs again");
            }
        }
    }
    return done;
}

std::unique_ptr<JournalWriter> ImageJournal::writer(int worker) const {
    return std::make_unique<JournalWriter>(dir / ("w" + std::to_string(worker) + "_" + std::to_string(::getpid()) + ".tjr"));
}

}  // namespace tesa
