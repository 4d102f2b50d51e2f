// network_runs.cpp -- networks end to end on the SoC (network_runs.h).
#include "experiments/network_runs.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/text_format.h"
#include "common/worker_processes.h"
#include "compiler/injection.h"
#include "compiler/mitigation.h"
#include "sc_models/network_runner.h"
#include "timing/table_cache.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <limits>
#include <ostream>
#include <sstream>

namespace tesa {

namespace {

// The images of `set` with the given ids (indices into it).
ImageSet subset(const ImageSet& set, const std::vector<uint64_t>& ids) {
    ImageSet s = set;
    s.pixels.clear();
    s.labels.clear();
    for (uint64_t id : ids) {
        s.pixels.insert(s.pixels.end(), set.image(id), set.image(id) + set.image_size());
        s.labels.push_back(set.labels[id]);
    }
    return s;
}

// Runs the images `ids` of `set` on `jobs` processes, journaling each image, and merges the results.
// A worker replies with a framed run record (common/record_journal.h).
NetworkRun run_sharded(const QuantizedModel& q, const NetworkProgram& prog, const ImageSet& set, const std::vector<uint64_t>& ids,
                       const NetworkRunOptions& o, const std::function<MultiplierBackend()>& make_backend, int jobs, const ImageJournal& journal) {
    jobs = std::max(1, std::min<int>(jobs, static_cast<int>(ids.size())));
    const size_t per = (ids.size() + static_cast<size_t>(jobs) - 1) / static_cast<size_t>(jobs);
    auto work = [&](int j) {
        const size_t lo = per * static_cast<size_t>(j), hi = std::min(ids.size(), lo + per);
        NetworkRunOptions so = o;
        so.image_ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(lo), ids.begin() + static_cast<std::ptrdiff_t>(hi));
        if (j != 0) so.progress = nullptr;
        std::unique_ptr<JournalWriter> jw = journal.writer(j);
        so.on_image = [&jw](uint64_t id, const NetworkRun& one) { jw->append(encode_image_record(id, one)); };
        return run_network(q, prog, subset(set, so.image_ids), so, make_backend());
    };
    const int workers = static_cast<int>((ids.size() + per - 1) / per);
    if (workers == 1) return work(0);
    NetworkRun r;
    for (const std::string& reply : run_in_worker_processes(workers, [&](int j) { return frame_record(encode_run(work(j))); }, "run")) {
        const JournalScan scan = scan_journal(reply);
        if (scan.records.size() != 1 || !scan.problem.empty()) fail("run: a worker's reply is damaged");
        r.add(decode_run(scan.records[0], "worker reply"));
    }
    return r;
}

struct Result {
    std::string variant, dataflow;
    NetworkProgram program;
    NetworkRun run;
    size_t simulated = 0;  // images simulated by this invocation (the rest came from the journal)
    // Per inference: each layer's memory energy and (when measured) array energy, pJ.
    std::vector<MemoryEnergy> layer_memory;
    std::vector<double> layer_array;  // NaN: not a measured layer, or no array energy asked for
    MemoryEnergy memory;              // the whole stream (layers and firmware fetch)
    double array_pj = std::numeric_limits<double>::quiet_NaN();
};

MemoryTraffic per_image(const MemoryTraffic& t, size_t images) {
    MemoryTraffic s = t;
    const uint64_t n = std::max<uint64_t>(1, images);
    for (size_t b = 0; b < 4; ++b) s.spad_read[b] /= n, s.spad_written[b] /= n;
    s.dram_read /= n;
    s.dram_written /= n;
    return s;
}

// Prices one result: memory traffic by `mem`, the array's busy and idle PE-cycles (of the SoC's
// run, per layer) by `array` at (volts, clock_ps) when given.
void price(Result& res, const MemoryEnergyModel& mem, const NetworkEnergy* array, double volts, double clock_ps) {
    const NetworkRun& r = res.run;
    res.layer_memory.clear();
    for (const MemoryTraffic& t : r.layer_traffic) res.layer_memory.push_back(memory_energy(per_image(t, r.images), mem));
    res.memory = memory_energy(per_image(r.traffic, r.images), mem);
    res.layer_array.assign(r.layer_stats.size(), std::numeric_limits<double>::quiet_NaN());
    if (!array || !r.images) return;
    res.array_pj = 0;
    for (const LayerEnergy& le : array->layers) {
        LayerCycles c = le.cycles;
        c.stats = r.layer_stats.at(static_cast<size_t>(le.cycles.layer));
        const double e = le.energy_pj(c, volts, clock_ps) / static_cast<double>(r.images);
        res.layer_array[static_cast<size_t>(le.cycles.layer)] = e;
        res.array_pj += e;
    }
}

}  // namespace

void check_variants(const std::vector<std::string>& variants) {
    for (const std::string& v : variants)
        if (v != "baseline" && v != "eaq" && v != "wd+eaq") fail("run: unknown variant '" + v + "' (expected baseline, eaq or wd+eaq)");
}

bool network_runs_need_tables(const std::vector<std::string>& variants, const std::string& regulation) {
    return parse_regulation(regulation) > 0 || std::any_of(variants.begin(), variants.end(), [](const std::string& v) { return v != "baseline"; });
}

std::filesystem::path run_and_write_network_runs(const NetworkRunSpec& s, const Model& m, const ImageSet& test,
                                                 const std::filesystem::path& data, const std::filesystem::path& dir, Console& ctx) {
    if (s.variants.empty() || s.dataflows.empty()) fail("run: --variant and --dataflow need values");
    check_variants(s.variants);
    const double regulation = parse_regulation(s.regulation);
    const bool need_tables = network_runs_need_tables(s.variants, s.regulation);
    std::unique_ptr<ErrorTables> tables;
    std::shared_ptr<const TransitionTable> transitions;
    if (need_tables) {
        tables = std::make_unique<ErrorTables>(ErrorTables::read(s.tables_file));
        if (s.backend == MultiplierBackendKind::Fast && regulation > 0)
            transitions = std::make_shared<TransitionTable>(read_transition_table(s.tables_file));
        if (s.backend == MultiplierBackendKind::Cosim && regulation > 0 && !s.cosim)
            fail("run: --backend cosim needs the tables' co-simulation models");
    }
    if (!transitions) transitions = std::make_shared<TransitionTable>(TransitionTable::clean());
    const double clock_scale = tables ? tables->clock_scale : 0;
    auto make_backend = [&]() {
        return s.backend == MultiplierBackendKind::Cosim && regulation > 0 ? MultiplierBackend::cosim(s.cosim->make()) : MultiplierBackend::fast(transitions);
    };

    QuantOptions qo;
    qo.calibration_images = s.calibration_images;
    const ImageSet calib = load_dataset(m.dataset, "train", data).head(qo.calibration_images);
    const QuantizedModel base = QuantizedModel::quantize(m, calib, qo);

    char buf[512];
    std::snprintf(buf, sizeof buf, "run %s on the SoC: %dx%d array, %zu test images, regulation %s (%g)%s%s\n", s.network.c_str(),
                  s.system.accelerator.rows, s.system.accelerator.cols, test.count(), s.regulation.c_str(), regulation,
                  tables ? ", tables " : "", tables ? (s.tables_file.string() + fmt(" (clock scale %.2f)", clock_scale)).c_str() : "");
    ctx.out << buf;

    std::vector<Result> results;
    std::vector<std::filesystem::path> journals;
    size_t budget = s.budget_images ? s.budget_images : SIZE_MAX;
    bool incomplete = false;
    const AcceleratorConfig& a = s.system.accelerator;
    const std::string array_name = std::to_string(a.rows) + "x" + std::to_string(a.cols);
    std::ostringstream layers_csv;
    layers_csv << "variant,dataflow,layer,type,m,n,k,extra_rows,tiles,macs,macs_issued,passes,expected_cycles,cycles,busy_pe_cycles,"
                  "utilisation,slow_cycles,wrong_products,wrong_outputs,dma_bytes_per_image,sram_read_bytes_per_image,sram_written_bytes_per_image,"
                  "dram_read_bytes_per_image,dram_written_bytes_per_image,array_pj_per_image,sram_pj_per_image,dram_pj_per_image\n";
    std::map<Dataflow, NetworkEnergy> array_energy;  // measured on the baseline, once per dataflow
    for (const std::string& variant : s.variants) {
        QuantizedModel q = base;
        if (variant != "baseline") {
            const std::vector<double>& p = s.weight_port == WeightPort::A ? tables->p_weight_a : tables->p_weight_b;
            MitigationOptions mo;
            mo.eaq = true;
            mo.wd_fraction = variant == "wd+eaq" ? s.wd_fraction : 0;
            const MitigationReport rep = mitigate(q, p, mo);
            ctx.err << "run: " << variant << ": EAQ moved " << rep.eaq_moved << " weights, WD split " << rep.wd_split << std::endl;
        }
        for (Dataflow d : s.dataflows) {
            Result res;
            res.variant = variant;
            res.dataflow = dataflow_name(d);
            res.program = compile_network(q, mapping_options(s.system.accelerator, d, s.weight_port));
            if (!s.dump_firmware.empty()) {
                const std::string f = s.dump_firmware.string() + "." + variant + "." + res.dataflow;
                write_file_atomic(f + ".fw", std::string(res.program.firmware.begin(), res.program.firmware.end()));
                // The DRAM image the host loads: constants and firmware at their addresses, zeros between.
                std::string image(res.program.firmware_addr + res.program.firmware.size(), '\0');
                for (const DramSegment& seg : res.program.constants) std::copy(seg.bytes.begin(), seg.bytes.end(), image.begin() + static_cast<std::ptrdiff_t>(seg.addr));
                std::copy(res.program.firmware.begin(), res.program.firmware.end(), image.begin() + static_cast<std::ptrdiff_t>(res.program.firmware_addr));
                write_file_atomic(f + ".dram", image);
                ctx.err << "run: firmware written to " << f << ".fw (tesa fw dump " << f << ".fw), DRAM image to " << f << ".dram (input at 0x"
                        << std::hex << res.program.input_addr << ", logits at 0x" << res.program.logits_addr << ", firmware at 0x"
                        << res.program.firmware_addr << std::dec << ")" << std::endl;
            }
            NetworkRunOptions o;
            o.system = s.system;
            o.system.dram_bytes = std::max(o.system.dram_bytes, res.program.dram_bytes);
            o.regulation = regulation;
            o.seed = s.seed;
            const size_t step = std::max<size_t>(1, test.count() / 20);
            const int jobs = std::max(1, s.jobs);
            o.progress = [&, jobs](size_t done, size_t total) {
                if (done % step == 0 || done == total)
                    ctx.err << "run: " << variant << " " << res.dataflow << ": " << done << "/" << total << " images"
                            << (jobs > 1 ? " (first worker)" : "") << std::endl;
            };
            // The journal key: everything that changes an image's result (not the image count, so
            // a run can be extended to more images).
            std::ostringstream key;
            key << s.network << "|" << file_hash(m.file) << "|" << variant << "|" << res.dataflow << "|" << array_name << "|"
                << weight_port_name(s.weight_port) << "|" << regulation << "|" << s.seed << "|" << s.wd_fraction << "|"
                << s.calibration_images << "|" << static_cast<int>(s.backend) << "|" << a.weight_bytes << "|" << a.activation_bytes << "|"
                << a.output_bytes << "|" << a.parameter_bytes << "|" << s.system.clock_ns << "|" << s.system.dram_latency_ns << "|"
                << s.system.dram_bytes_per_ns << "|" << (tables ? file_hash(s.tables_file) : std::string("exact"));
            ImageJournal journal;
            journal.dir = dir / "journal" / (s.network + "_" + variant + "_" + res.dataflow + "_" + bytes_hash(key.str()));
            const std::map<uint64_t, NetworkRun> done =
                journal.load(q.model->layers.size(), [&ctx](const std::string& w) { ctx.err << "run: " << w << std::endl; });
            if (!done.empty())
                ctx.err << "run: " << variant << " " << res.dataflow << ": resuming, " << done.size() << " images done before ("
                        << journal.dir.string() << ")" << std::endl;
            std::vector<uint64_t> todo;
            NetworkRun before;
            for (uint64_t id = 0; id < test.count(); ++id) {
                const auto it = done.find(id);
                if (it == done.end())
                    todo.push_back(id);
                else
                    before.add(it->second);
            }
            if (budget < todo.size()) {
                todo.resize(budget);
                incomplete = true;
            }
            budget -= todo.size();
            const auto t0 = std::chrono::steady_clock::now();
            res.run = todo.empty() ? NetworkRun() : run_sharded(q, res.program, test, todo, o, make_backend, jobs, journal);
            // Per-layer statistics for every layer even when no image ran now (all journaled, or none
            // left in the budget): the report below indexes them by layer.
            res.run.layer_stats.resize(q.model->layers.size());
            res.run.layer_traffic.resize(q.model->layers.size());
            res.run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            res.simulated = res.run.images;
            res.run.add(before);
            journals.push_back(journal.dir);
            NetworkRun& r = res.run;
            std::snprintf(buf, sizeof buf, "run: %s %s: accuracy %.2f%%, %.1f images/s (%zu images simulated in %.0f s)\n", variant.c_str(),
                          res.dataflow.c_str(), 100 * r.accuracy(), static_cast<double>(res.simulated) / std::max(r.wall_seconds, 1e-9),
                          res.simulated, r.wall_seconds);
            ctx.err << buf << std::flush;
            if (s.measure_array && !array_energy.count(d)) array_energy.emplace(d, s.measure_array(base, d));
            price(res, s.memory, s.measure_array ? &array_energy.at(d) : nullptr, s.array_volts, s.array_clock_ps);
            for (const LayerMap& l : res.program.layers) {
                const size_t li = static_cast<size_t>(l.layer);
                const GemmStats& g = r.layer_stats[li];
                const MemoryTraffic t = per_image(r.layer_traffic[li], r.images);
                const MemoryEnergy& me = res.layer_memory[li];
                uint64_t read = 0, written = 0;
                for (size_t b = 0; b < 4; ++b) read += t.spad_read[b], written += t.spad_written[b];
                layers_csv << variant << "," << res.dataflow << "," << l.layer << "," << layer_type_name(l.type) << "," << l.gemm.m << ","
                           << l.gemm.n << "," << l.gemm.k << "," << l.extra_rows << "," << l.tiles << "," << l.macs << "," << l.macs_issued << ","
                           << l.passes << "," << l.expected_cycles << "," << g.cycles << "," << g.busy_pe_cycles << "," << fmt("%.6f", g.utilisation())
                           << "," << g.slow_cycles << "," << g.wrong_products << "," << g.wrong_outputs << "," << l.dma_bytes << "," << read << ","
                           << written << "," << t.dram_read << "," << t.dram_written << ","
                           << (std::isnan(res.layer_array[li]) ? std::string() : fmt("%.1f", res.layer_array[li])) << "," << fmt("%.1f", me.sram_pj())
                           << "," << fmt("%.1f", me.dram_pj) << "\n";
            }
            results.push_back(std::move(res));
        }
    }

    if (incomplete) {
        size_t done = 0;
        for (const Result& res : results) done += res.run.images;
        ctx.out << "partial run: " << done << " of " << test.count() * results.size()
                << " image runs done (--budget-images); the same command again continues from the journal\n";
        return {};
    }
    std::ostringstream md, csv;
    md << "| variant | dataflow | accuracy % (95% CI) | MACs per image (network) | MACs issued | cycles per image | utilisation | "
          "wrong products per image | accelerator time per image (us) | images/s simulated |\n"
       << "|---|---|---|---|---|---|---|---|---|---|\n";
    csv << "network,variant,dataflow,array,clock_scale,regulation,seed,images,correct,accuracy,ci95,macs,macs_issued,cycles_per_image,"
           "utilisation,slow_per_image,wrong_products_per_image,wrong_outputs_per_image,accelerator_us_per_image,dma_bytes_per_image,"
           "images_per_second,wall_seconds,array_uj_per_image,sram_uj_per_image,dram_uj_per_image,total_uj_per_image,pj_per_mac\n";
    const std::string array = std::to_string(s.system.accelerator.rows) + "x" + std::to_string(s.system.accelerator.cols);
    for (const Result& res : results) {
        const NetworkRun& r = res.run;
        const double n = static_cast<double>(r.images), acc = r.accuracy(), ci = 1.96 * std::sqrt(acc * (1 - acc) / n);
        md << "| " << res.variant << " | " << res.dataflow << " | " << fmt("%.2f", 100 * acc) << " ± " << fmt("%.2f", 100 * ci) << " | "
           << res.program.macs() << " | " << res.program.macs_issued() << " | " << fmt("%.0f", static_cast<double>(r.total.cycles) / n) << " | "
           << fmt("%.1f%%", 100 * r.total.utilisation()) << " | " << fmt("%.1f", static_cast<double>(r.total.wrong_products) / n) << " | "
           << fmt("%.1f", r.accelerator_ns / n / 1000) << " | " << (res.simulated ? fmt("%.2f", static_cast<double>(res.simulated) / r.wall_seconds) : std::string("-")) << " |\n";
        csv << s.network << "," << res.variant << "," << res.dataflow << "," << array << "," << fmt("%.2f", clock_scale) << "," << s.regulation
            << "," << s.seed << "," << r.images << "," << r.correct << "," << fmt("%.6f", acc) << "," << fmt("%.6f", ci) << ","
            << res.program.macs() << "," << res.program.macs_issued() << "," << fmt("%.1f", static_cast<double>(r.total.cycles) / n) << ","
            << fmt("%.6f", r.total.utilisation()) << "," << fmt("%.3f", static_cast<double>(r.total.slow_cycles) / n) << ","
            << fmt("%.3f", static_cast<double>(r.total.wrong_products) / n) << "," << fmt("%.3f", static_cast<double>(r.total.wrong_outputs) / n)
            << "," << fmt("%.3f", r.accelerator_ns / n / 1000) << "," << fmt("%.0f", static_cast<double>(r.dma_bytes) / n) << ","
            << fmt("%.3f", res.simulated ? static_cast<double>(res.simulated) / r.wall_seconds : 0.0) << "," << fmt("%.1f", r.wall_seconds);
        const bool arr = !std::isnan(res.array_pj);
        const double total = res.memory.total_pj() + (arr ? res.array_pj : 0);
        csv << "," << (arr ? fmt("%.4f", res.array_pj / 1e6) : std::string()) << "," << fmt("%.4f", res.memory.sram_pj() / 1e6) << ","
            << fmt("%.4f", res.memory.dram_pj / 1e6) << "," << (arr ? fmt("%.4f", total / 1e6) : std::string()) << ","
            << (arr ? fmt("%.4f", total / static_cast<double>(res.program.macs())) : std::string()) << "\n";
    }
    // Energy per inference: the array (when measured) and the memories, with their shares.
    md << "\nEnergy per inference (" << describe(s.memory);
    if (s.measure_array) md << "; array PEs at " << fmt("%.3f V", s.array_volts) << ", T_clk " << fmt("%.1f ps", s.array_clock_ps);
    md << "):\n\n| variant | dataflow | array uJ | SRAM uJ | DRAM uJ | total uJ | pJ per MAC | array / SRAM / DRAM |\n|---|---|---|---|---|---|---|---|\n";
    for (const Result& res : results) {
        const bool arr = !std::isnan(res.array_pj);
        const double a = arr ? res.array_pj : 0, total = a + res.memory.total_pj();
        md << "| " << res.variant << " | " << res.dataflow << " | " << (arr ? fmt("%.3f", a / 1e6) : std::string("- (--energy)")) << " | "
           << fmt("%.3f", res.memory.sram_pj() / 1e6) << " | " << fmt("%.3f", res.memory.dram_pj / 1e6) << " | "
           << (arr ? fmt("%.3f", total / 1e6) : std::string("-")) << " | " << (arr ? fmt("%.2f", total / static_cast<double>(res.program.macs())) : std::string("-"))
           << " | " << (arr ? fmt("%.1f%%", 100 * a / total) : std::string("-")) << " / " << fmt("%.1f%%", 100 * res.memory.sram_pj() / total) << " / "
           << fmt("%.1f%%", 100 * res.memory.dram_pj / total) << " |\n";
    }
    if (!s.measure_array) md << "\n(Shares of the memories' energy only: the array's needs --energy.)\n";
    const std::string stem = s.network + "_" + array + (tables ? "_" + table_tag(*tables) : std::string("_exact")) + "_" + s.regulation;
    OutputSet outputs;  // all three or none
    outputs.write(dir / (stem + ".md"), md.str());
    outputs.write(dir / (stem + ".csv"), csv.str());
    outputs.write(dir / (stem + "_layers.csv"), layers_csv.str());
    outputs.commit();
    for (const std::filesystem::path& j : journals) std::filesystem::remove_all(j);  // the results are written
    ctx.out << "\n" << mapping_report(results.front().program) << "(mapping of " << results.front().variant << " " << results.front().dataflow << ")\n\n"
            << md.str() << "results: " << (dir / (stem + ".csv")).string() << " (and .md, _layers.csv)\n";
    return dir / (stem + ".csv");
}

}  // namespace tesa
