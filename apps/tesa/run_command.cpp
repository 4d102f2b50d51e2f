// run_command.cpp -- `tesa run`: whole networks end to end on the simulated SoC (host, bus, DRAM,
// accelerator with the cycle-accurate array), compiled by the host-side compiler, for each
// variant (baseline, EAQ, WD+EAQ) and dataflow: accuracy with its confidence interval, MACs,
// cycles, utilisation and timing errors per layer, as text, Markdown and CSV.
//
// --jobs N splits the images over N forked processes (SystemC's kernel is single-threaded); each
// image draws its slow cycles from (seed, image index), so the results do not depend on N.
#include "apps/tesa/accelerator_commands.h"

#include "common/error.h"
#include "common/file_util.h"
#include "compiler/injection.h"
#include "compiler/mitigation.h"
#include "sc_models/network_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <sstream>

namespace tesa::cli {

namespace {

std::string fmt(const char* f, double v) {
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

// A shard's result through a pipe: fixed-size fields, then the per-layer statistics.
void write_all(int fd, const void* p, size_t n) {
    const char* c = static_cast<const char*>(p);
    while (n) {
        const ssize_t w = ::write(fd, c, n);
        if (w <= 0) _exit(3);
        c += w;
        n -= static_cast<size_t>(w);
    }
}
bool read_all(int fd, void* p, size_t n) {
    char* c = static_cast<char*>(p);
    while (n) {
        const ssize_t r = ::read(fd, c, n);
        if (r <= 0) return false;
        c += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}

// Runs `set` on `jobs` processes and merges their results (in image order).
NetworkRun run_sharded(const QuantizedModel& q, const NetworkProgram& prog, const ImageSet& set, const NetworkRunOptions& o,
                       const std::function<MultiplierBackend()>& make_backend, int jobs) {
    jobs = std::max(1, std::min<int>(jobs, static_cast<int>(set.count())));
    if (jobs == 1) return run_network(q, prog, set, o, make_backend());
    const size_t layers = q.model->layers.size();
    struct Child {
        pid_t pid;
        int fd;
    };
    std::vector<Child> children;
    const size_t per = (set.count() + static_cast<size_t>(jobs) - 1) / static_cast<size_t>(jobs);
    for (int j = 0; j < jobs; ++j) {
        const size_t lo = per * static_cast<size_t>(j), hi = std::min(set.count(), lo + per);
        if (lo >= hi) break;
        int fds[2];
        if (::pipe(fds) != 0) fail("run: cannot create a pipe for worker processes");
        const pid_t pid = ::fork();
        if (pid < 0) fail("run: cannot fork worker processes");
        if (pid == 0) {
            ::close(fds[0]);
            int code = 0;
            try {
                ImageSet shard = set;
                shard.pixels.assign(set.pixels.begin() + static_cast<std::ptrdiff_t>(lo * set.image_size()),
                                    set.pixels.begin() + static_cast<std::ptrdiff_t>(hi * set.image_size()));
                shard.labels.assign(set.labels.begin() + static_cast<std::ptrdiff_t>(lo), set.labels.begin() + static_cast<std::ptrdiff_t>(hi));
                NetworkRunOptions so = o;
                so.first_image = o.first_image + lo;
                if (j != 0) so.progress = nullptr;
                const NetworkRun r = run_network(q, prog, shard, so, make_backend());
                const uint64_t head[4] = {r.images, r.correct, r.dma_bytes, r.logits.size()};
                write_all(fds[1], head, sizeof head);
                write_all(fds[1], &r.accelerator_ns, sizeof r.accelerator_ns);
                write_all(fds[1], r.layer_stats.data(), layers * sizeof(GemmStats));
                write_all(fds[1], r.logits.data(), r.logits.size() * sizeof(int32_t));
            } catch (const std::exception& e) {
                const std::string msg = e.what();
                const uint64_t head[4] = {~0ull, msg.size(), 0, 0};
                write_all(fds[1], head, sizeof head);
                write_all(fds[1], msg.data(), msg.size());
                code = 1;
            }
            ::close(fds[1]);
            _exit(code);
        }
        ::close(fds[1]);
        children.push_back({pid, fds[0]});
    }
    NetworkRun r;
    r.layer_stats.assign(layers, GemmStats());
    std::string error;
    const auto t0 = std::chrono::steady_clock::now();
    for (const Child& c : children) {
        uint64_t head[4];
        if (!read_all(c.fd, head, sizeof head)) {
            error = "run: a worker process died";
        } else if (head[0] == ~0ull) {
            std::string msg(head[1], '\0');
            read_all(c.fd, msg.data(), msg.size());
            error = msg;
        } else {
            double ns = 0;
            std::vector<GemmStats> ls(layers);
            std::vector<int32_t> logits(head[3]);
            if (!read_all(c.fd, &ns, sizeof ns) || !read_all(c.fd, ls.data(), layers * sizeof(GemmStats)) ||
                !read_all(c.fd, logits.data(), logits.size() * sizeof(int32_t)))
                error = "run: a worker process died";
            r.images += head[0];
            r.correct += head[1];
            r.dma_bytes += head[2];
            r.accelerator_ns += ns;
            for (size_t l = 0; l < layers; ++l) {
                r.layer_stats[l] += ls[l];
                r.total += ls[l];
            }
            r.logits.insert(r.logits.end(), logits.begin(), logits.end());
        }
        ::close(c.fd);
        int status = 0;
        ::waitpid(c.pid, &status, 0);
    }
    if (!error.empty()) fail(error);
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

struct Result {
    std::string variant, dataflow;
    NetworkProgram program;
    NetworkRun run;
};

}  // namespace

std::filesystem::path run_and_write_network_runs(const NetworkRunSpec& s, const Model& m, const ImageSet& test,
                                                 const std::filesystem::path& data, const std::filesystem::path& out, Context& ctx) {
    if (s.variants.empty() || s.dataflows.empty()) fail("run: --variant and --dataflow need values");
    for (const std::string& v : s.variants)
        if (v != "baseline" && v != "eaq" && v != "wd+eaq") fail("run: unknown variant '" + v + "' (expected baseline, eaq or wd+eaq)");
    const double regulation = parse_regulation(s.regulation);
    const bool mitigated = std::find(s.variants.begin(), s.variants.end(), "baseline") == s.variants.end() || s.variants.size() > 1;
    const bool need_tables = regulation > 0 || mitigated;
    std::unique_ptr<ErrorTables> tables;
    std::shared_ptr<const TransitionTable> transitions;
    if (need_tables) {
        tables = std::make_unique<ErrorTables>(ErrorTables::read(s.tables_file));
        if (s.backend == MultiplierBackendKind::Fast && regulation > 0)
            transitions = std::make_shared<TransitionTable>(read_transition_table(s.tables_file));
    }
    if (!transitions) {
        auto clean = std::make_shared<TransitionTable>();
        clean->offsets.assign((1u << 16) + 1, 0);
        transitions = clean;
    }
    const double clock_scale = tables ? tables->clock_scale : 0;
    auto make_backend = [&]() {
        return s.backend == MultiplierBackendKind::Cosim && regulation > 0 ? MultiplierBackend::cosim(clock_scale) : MultiplierBackend::fast(transitions);
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
    std::ostringstream layers_csv;
    layers_csv << "variant,dataflow,layer,type,m,n,k,extra_rows,tiles,macs,macs_issued,passes,expected_cycles,cycles,busy_pe_cycles,"
                  "utilisation,slow_cycles,wrong_products,wrong_outputs,dma_bytes_per_image\n";
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
            res.run = run_sharded(q, res.program, test, o, make_backend, jobs);
            const NetworkRun& r = res.run;
            std::snprintf(buf, sizeof buf, "run: %s %s: accuracy %.2f%%, %.1f images/s (%.0f s)\n", variant.c_str(), res.dataflow.c_str(),
                          100 * r.accuracy(), static_cast<double>(r.images) / r.wall_seconds, r.wall_seconds);
            ctx.err << buf << std::flush;
            for (const LayerMap& l : res.program.layers) {
                const GemmStats& g = r.layer_stats[static_cast<size_t>(l.layer)];
                layers_csv << variant << "," << res.dataflow << "," << l.layer << "," << layer_type_name(l.type) << "," << l.gemm.m << ","
                           << l.gemm.n << "," << l.gemm.k << "," << l.extra_rows << "," << l.tiles << "," << l.macs << "," << l.macs_issued << ","
                           << l.passes << "," << l.expected_cycles << "," << g.cycles << "," << g.busy_pe_cycles << "," << fmt("%.6f", g.utilisation())
                           << "," << g.slow_cycles << "," << g.wrong_products << "," << g.wrong_outputs << "," << l.dma_bytes << "\n";
            }
            results.push_back(std::move(res));
        }
    }

    std::ostringstream md, csv;
    md << "| variant | dataflow | accuracy % (95% CI) | MACs per image (network) | MACs issued | cycles per image | utilisation | "
          "wrong products per image | accelerator time per image (us) | images/s simulated |\n"
       << "|---|---|---|---|---|---|---|---|---|---|\n";
    csv << "network,variant,dataflow,array,clock_scale,regulation,seed,images,correct,accuracy,ci95,macs,macs_issued,cycles_per_image,"
           "utilisation,slow_per_image,wrong_products_per_image,wrong_outputs_per_image,accelerator_us_per_image,dma_bytes_per_image,"
           "images_per_second,wall_seconds\n";
    const std::string array = std::to_string(s.system.accelerator.rows) + "x" + std::to_string(s.system.accelerator.cols);
    for (const Result& res : results) {
        const NetworkRun& r = res.run;
        const double n = static_cast<double>(r.images), acc = r.accuracy(), ci = 1.96 * std::sqrt(acc * (1 - acc) / n);
        md << "| " << res.variant << " | " << res.dataflow << " | " << fmt("%.2f", 100 * acc) << " ± " << fmt("%.2f", 100 * ci) << " | "
           << res.program.macs() << " | " << res.program.macs_issued() << " | " << fmt("%.0f", static_cast<double>(r.total.cycles) / n) << " | "
           << fmt("%.1f%%", 100 * r.total.utilisation()) << " | " << fmt("%.1f", static_cast<double>(r.total.wrong_products) / n) << " | "
           << fmt("%.1f", r.accelerator_ns / n / 1000) << " | " << fmt("%.2f", n / r.wall_seconds) << " |\n";
        csv << s.network << "," << res.variant << "," << res.dataflow << "," << array << "," << fmt("%.2f", clock_scale) << "," << s.regulation
            << "," << s.seed << "," << r.images << "," << r.correct << "," << fmt("%.6f", acc) << "," << fmt("%.6f", ci) << ","
            << res.program.macs() << "," << res.program.macs_issued() << "," << fmt("%.1f", static_cast<double>(r.total.cycles) / n) << ","
            << fmt("%.6f", r.total.utilisation()) << "," << fmt("%.3f", static_cast<double>(r.total.slow_cycles) / n) << ","
            << fmt("%.3f", static_cast<double>(r.total.wrong_products) / n) << "," << fmt("%.3f", static_cast<double>(r.total.wrong_outputs) / n)
            << "," << fmt("%.3f", r.accelerator_ns / n / 1000) << "," << fmt("%.0f", static_cast<double>(r.dma_bytes) / n) << ","
            << fmt("%.3f", n / r.wall_seconds) << "," << fmt("%.1f", r.wall_seconds) << "\n";
    }
    const std::string stem = s.network + "_" + array + (tables ? fmt("_s%.2f", clock_scale) : std::string("_exact")) + "_" + s.regulation;
    const std::filesystem::path dir = out / "run";
    write_file_atomic(dir / (stem + ".md"), md.str());
    write_file_atomic(dir / (stem + ".csv"), csv.str());
    write_file_atomic(dir / (stem + "_layers.csv"), layers_csv.str());
    ctx.out << "\n" << mapping_report(results.front().program) << "(mapping of " << results.front().variant << " " << results.front().dataflow << ")\n\n"
            << md.str() << "results: " << (dir / (stem + ".csv")).string() << " (and .md, _layers.csv)\n";
    return dir / (stem + ".csv");
}

namespace {

int run_run(const po::variables_map& vm, Context& ctx) {
    NetworkRunSpec s;
    s.network = vm["network"].as<std::string>();
    const Model m = load_network(s.network, vm.count("model") ? vm["model"].as<std::string>() : "");
    const std::filesystem::path data = vm["data-dir"].as<std::string>();
    const std::filesystem::path out = vm["out"].as<std::string>();
    const double scale = vm["clock-scale"].as<double>();
    s.tables_file = vm.count("tables") ? std::filesystem::path(vm["tables"].as<std::string>()) : error_tables_file(out, "booth_mul", 8, "typ", scale, 10);
    s.variants = split_list(vm["variant"].as<std::string>());
    s.dataflows.clear();
    for (const auto& d : split_list(vm["dataflow"].as<std::string>())) s.dataflows.push_back(parse_dataflow(d));
    s.weight_port = parse_weight_port(vm["weight-port"].as<std::string>());
    s.regulation = vm["regulation"].as<std::string>();
    s.seed = vm["seed"].as<uint64_t>();
    s.wd_fraction = vm["wd-fraction"].as<double>();
    s.jobs = vm["jobs"].as<int>();
    s.backend = parse_multiplier_backend(vm["backend"].as<std::string>());
    s.calibration_images = static_cast<size_t>(vm["calibration-images"].as<int>());
    AcceleratorConfig& a = s.system.accelerator;
    parse_array(vm["array"].as<std::string>(), a.rows, a.cols);
    auto kib = [&](const char* key) {
        const int v = vm[key].as<int>();
        if (v < 1) fail(std::string("run: --") + key + " must be at least 1");
        return static_cast<uint64_t>(v) << 10;
    };
    a.weight_bytes = kib("weight-kib");
    a.activation_bytes = kib("activation-kib");
    a.output_bytes = kib("output-kib");
    a.parameter_bytes = kib("parameter-kib");
    s.system.clock_ns = vm["clock-ns"].as<double>();
    s.system.dram_latency_ns = vm["dram-latency-ns"].as<double>();
    s.system.dram_bytes_per_ns = vm["dram-gbps"].as<double>();
    if (!(s.system.clock_ns > 0) || !(s.system.dram_bytes_per_ns > 0) || s.system.dram_latency_ns < 0)
        fail("run: --clock-ns and --dram-gbps must be positive, --dram-latency-ns non-negative");
    if (vm.count("dump-firmware")) s.dump_firmware = vm["dump-firmware"].as<std::string>();
    const ImageSet test = load_dataset(m.dataset, "test", data).head(static_cast<size_t>(vm["images"].as<int>()));
    run_and_write_network_runs(s, m, test, data, out, ctx);
    return 0;
}

}  // namespace

Command make_run_command() {
    Command c;
    c.name = "run";
    c.summary = "a network end to end on the simulated SoC (host, DRAM, DMA, cycle-accurate array) with timing errors";
    c.description =
        "Compiles the INT8 network (baseline, or EAQ / WD+EAQ with the error tables' per-weight\n"
        "probabilities) for the accelerator -- conv and fc as GEMM tiles with im2col by DMA, pooling,\n"
        "shortcuts and residual adds on the post-processing unit -- and runs every test image through the\n"
        "TLM system: the host writes the input, starts the firmware through the registers and reads the\n"
        "logits after the interrupt. Reports accuracy (95% confidence interval), MACs, cycles, utilisation\n"
        "and timing errors, per run and per layer; writes <out>/run/<network>_<RxC>_s<S>_<regulation>.{md,csv}\n"
        "and _layers.csv. Any option can come from an INI file (--config configs/resnet20_ws_16x16.cfg).";
    c.add_options = [](po::options_description& d) {
        d.add_options()("network", po::value<std::string>()->default_value("lenet5-mnist")->value_name("NAME"),
                        "lenet5-mnist, lenet5-cifar10 or resnet20-cifar10")
            ("model", po::value<std::string>()->value_name("FILE"), "model file (default networks/models/NAME.h5)")
            ("variant", po::value<std::string>()->default_value("baseline")->value_name("V,V,.."), "baseline, eaq, wd+eaq (a list runs each)")
            ("array", po::value<std::string>()->default_value("16x16")->value_name("RxC"), "PE rows x columns")
            ("dataflow", po::value<std::string>()->default_value("ws")->value_name("ws|os"), "dataflow (a list runs each)")
            ("weight-port", po::value<std::string>()->default_value("a")->value_name("a|b"), "multiplier port the weights feed")
            ("clock-scale", po::value<double>()->default_value(0.9)->value_name("S"), "clock scale of the error tables")
            ("tables", po::value<std::string>()->value_name("FILE"), "error tables (default from --clock-scale under --out)")
            ("regulation", po::value<std::string>()->default_value("1.5sigma")->value_name("R"),
             "slow-cycle probability: 1.5sigma (0.0668), 2sigma (0.0227), a number, 0 for no errors")
            ("images", po::value<int>()->default_value(0)->value_name("K"), "first K test images (0: all)")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("X"), "error-model seed")
            ("wd-fraction", po::value<double>()->default_value(0.01)->value_name("F"), "WD+EAQ: most sensitive fraction of weights")
            ("backend", po::value<std::string>()->default_value("fast")->value_name("fast|cosim"), "multiplier back-end")
            ("jobs", po::value<int>()->default_value(1)->value_name("N"), "worker processes (images split between them)")
            ("weight-kib", po::value<int>()->default_value(256)->value_name("N"), "weight scratchpad (KiB)")
            ("activation-kib", po::value<int>()->default_value(256)->value_name("N"), "activation scratchpad (KiB)")
            ("output-kib", po::value<int>()->default_value(512)->value_name("N"), "output scratchpad (KiB)")
            ("parameter-kib", po::value<int>()->default_value(16)->value_name("N"), "parameter scratchpad (KiB)")
            ("clock-ns", po::value<double>()->default_value(1.0)->value_name("T"), "accelerator clock period (ns)")
            ("dram-latency-ns", po::value<double>()->default_value(50.0)->value_name("T"), "DRAM latency per transaction (ns)")
            ("dram-gbps", po::value<double>()->default_value(12.8)->value_name("B"), "DRAM bandwidth (bytes per ns)")
            ("calibration-images", po::value<int>()->default_value(1000)->value_name("N"), "training images for activation scales")
            ("dump-firmware", po::value<std::string>()->value_name("PREFIX"), "also write each compiled stream to PREFIX.<variant>.<dataflow>.fw and its DRAM image to .dram")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results");
        add_data_dir_option(d);
    };
    c.run = run_run;
    return c;
}

}  // namespace tesa::cli
