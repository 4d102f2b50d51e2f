// characterize_command.cpp -- `tesa characterize` (exhaustive error tables of the timed
// multiplier, HDF5) and `tesa tables show` (a readable summary of such a file).
#include "apps/tesa/commands.h"

#include "common/error.h"
#include "timing/error_rate.h"
#include "timing/event_simulator.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdio>
#include <numeric>
#include <ostream>

namespace tesa::cli {

namespace {

bool exact_engine(const std::string& e) {
    if (e != "interpreted" && e != "compiled") fail("--exact '" + e + "': expected interpreted or compiled");
    return e == "compiled";
}

int run_characterize(const po::variables_map& vm, Context& ctx) {
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    const TimingSetupOptions so = timing_setup_options(vm, corner);
    ShardSpec shard;  // checked before any work
    if (vm.count("shard")) shard = parse_shard(vm["shard"].as<std::string>());
    if (vm.count("merge")) {
        if (vm.count("shard")) fail("--merge assembles the shards' chunks: give it without --shard");
        shard.merge_only = true;
    }
    const PointTiming pt = resolve_point(vm, so, operating_point_spec(vm, corner));
    ctx.err << "characterize: " << pt.point.describe() << "; key " << pt.key << std::endl;
    ErrorTables tables;
    try {
        tables = write_error_tables(pt, so.out, vm["threads"].as<int>(), static_cast<uint32_t>(vm["chunk"].as<int>()),
                                    exact_engine(vm["exact"].as<std::string>()), ctx, shard);
    } catch (const IncompleteTables& e) {
        if (shard.merge_only) throw;
        // This shard's part is done; the last shard to finish, or --merge, writes the tables.
        ctx.out << "shard " << shard.index << "/" << shard.count << " done; " << e.missing << " of " << e.total
                << " chunks are other shards'; when they are done: tesa characterize " << pt.point.characterize_options()
                << (so.width != 8 ? " --width " + std::to_string(so.width) : std::string()) << " --chunk " << vm["chunk"].as<int>() << " --out " << so.out.string() << " --merge\n";
        return 0;
    }
    std::filesystem::path file = pt.file;
    if (vm.count("table")) {
        const std::filesystem::path to = vm["table"].as<std::string>();
        if (to.has_parent_path()) std::filesystem::create_directories(to.parent_path());
        std::filesystem::copy_file(file, to, std::filesystem::copy_options::overwrite_existing);
        file = to;
    }
    char buf[300];
    std::snprintf(buf, sizeof buf, "characterized %llu pairs at T_clk %.1f ps (%.3f x %.1f ps, %s, %.3f V, %s semantics): error rate %.6f\n",
                  static_cast<unsigned long long>(tables.pairs), tables.clock_ps, pt.point.clock_scale(), pt.point.sta_period_ps,
                  so.corner_name.c_str(), pt.point.volts(), tables.semantics.c_str(), tables.error_rate());
    ctx.out << buf << "tables: " << file.string() << "\n";
    return 0;
}

int run_show(const po::variables_map& vm, Context& ctx) {
    if (!vm.count("file")) fail("tesa tables show needs a FILE");
    const std::string file = vm["file"].as<std::string>();
    ErrorTables t = ErrorTables::read(file);
    const int top = vm["top"].as<int>();
    char buf[300];
    ctx.out << "file        " << file << "\n";
    std::snprintf(buf, sizeof buf, "multiplier  N=%d, corner %s, T_clk %.1f ps (clock scale %.2f), step %.0f ps\n",
                  t.width, t.corner.c_str(), t.clock_ps, t.clock_scale, t.time_step_ps);
    ctx.out << buf << "semantics   " << t.semantics << "\n";
    std::snprintf(buf, sizeof buf, "operating   %s, delays x %.4f, %s\n",
                  t.voltage > 0 ? (fmt("%.3f", t.voltage) + " V").c_str() : "the corner's nominal voltage", t.delay_scale,
                  t.sigma > 0 ? ("die " + std::to_string(t.die_seed) + " of sigma " + fmt("%g", t.sigma)).c_str() : "nominal die");
    ctx.out << buf << "key         " << (t.key.empty() ? "(none: made before the cache)" : t.key) << "\n";
    ctx.out << "model       " << t.model << "; netlist " << t.netlist_hash << ", SDF " << t.sdf_hash
            << ", tesa " << t.tesa_version << "\n";
    std::snprintf(buf, sizeof buf, "error rate  %llu of %llu (previous, current) pairs wrong: %.6f\n",
                  static_cast<unsigned long long>(t.wrong_pairs), static_cast<unsigned long long>(t.pairs), t.error_rate());
    ctx.out << buf;
    const int n = t.width;
    auto sv = [n](uint32_t v) { return static_cast<int>(v << (32 - n)) >> (32 - n); };
    auto sv2 = [n](uint32_t v) { return static_cast<int>(v << (32 - 2 * n)) >> (32 - 2 * n); };
    for (int role = 0; role < 2; ++role) {
        const auto& p = role == 0 ? t.p_weight_a : t.p_weight_b;
        std::vector<uint32_t> idx(p.size());
        std::iota(idx.begin(), idx.end(), 0);
        std::stable_sort(idx.begin(), idx.end(), [&](uint32_t x, uint32_t y) { return p[x] > p[y]; });
        ctx.out << "worst weights on port " << (role == 0 ? "a (multiplicand; the paper's convention)" : "b (Booth-encoded)")
                << " (Table III):\n";
        for (int k = 0; k < top && k < static_cast<int>(idx.size()); ++k) {
            std::snprintf(buf, sizeof buf, "  w = %5d  P(error) = %.6f\n", sv(idx[static_cast<size_t>(k)]), p[idx[static_cast<size_t>(k)]]);
            ctx.out << buf;
        }
    }
    // Table II excerpt: the current pairs of the worst port-a weight with the most wrong outputs.
    {
        const auto& p = t.p_weight_a;
        const uint32_t w = static_cast<uint32_t>(std::max_element(p.begin(), p.end()) - p.begin());
        const uint32_t ops = 1u << n;
        std::vector<std::pair<double, uint32_t>> worst;
        for (uint32_t b = 0; b < ops; ++b) {
            const uint32_t c = w | (b << n);
            uint64_t right = 0;
            for (uint32_t k = t.offsets[c]; k < t.offsets[c + 1]; ++k)
                if (t.outputs[k] == t.exact(w, b)) right = t.counts[k];
            worst.emplace_back(1.0 - static_cast<double>(right) / (static_cast<double>(ops) * ops), c);
        }
        std::sort(worst.rbegin(), worst.rend());
        ctx.out << "Table II excerpt (a = " << sv(w) << ", the worst port-a weight): captured output, probability\n";
        for (int k = 0; k < 3 && k < static_cast<int>(worst.size()); ++k) {
            const uint32_t c = worst[static_cast<size_t>(k)].second, b = c >> n;
            std::snprintf(buf, sizeof buf, "  a = %d, b = %d (exact %d):", sv(w), sv(b), sv2(t.exact(w, b)));
            ctx.out << buf;
            for (uint32_t j = t.offsets[c]; j < t.offsets[c + 1]; ++j) {
                std::snprintf(buf, sizeof buf, " %d:%.4f", sv2(t.outputs[j]),
                              static_cast<double>(t.counts[j]) / (static_cast<double>(ops) * ops));
                ctx.out << buf;
            }
            ctx.out << "\n";
        }
    }
    ctx.out << "error magnitude |captured - exact| (bin k: 2^(k-1) <= |d| < 2^k):\n";
    for (size_t k = 1; k < t.magnitude_hist.size(); ++k)
        if (t.magnitude_hist[k]) {
            std::snprintf(buf, sizeof buf, "  bin %2zu  %llu\n", k, static_cast<unsigned long long>(t.magnitude_hist[k]));
            ctx.out << buf;
        }
    ctx.out << "wrong captures per product bit (LSB first):";
    for (auto v : t.failing_bits) ctx.out << " " << v;
    ctx.out << "\n";
    return 0;
}

// Random transitions of a table against the event-driven reference in the table's semantics at its
// operating point (timed again from the same netlist and SDF): the check that the engine that made
// the table is bit for bit the reference.
int run_check(const po::variables_map& vm, Context& ctx) {
    if (!vm.count("file")) fail("tesa tables check needs a FILE");
    const std::filesystem::path file = vm["file"].as<std::string>();
    const PointTiming pt = resolve_table_point(vm, file);
    const TimedNetlist tn = TimedNetlist::build(*pt.timing.netlist, *pt.timing.sdf, pt.point.conditions());
    const TransitionTable table = read_transition_table(file);
    const long samples = vm["samples"].as<long>();
    const int threads = vm["threads"].as<int>();
    const std::vector<Transition> ts = random_transitions(tn.width(), samples, vm["seed"].as<uint64_t>());
    std::vector<long> mismatch(static_cast<size_t>(threads)), wrong(static_cast<size_t>(threads));
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k)
        pool.emplace_back([&, k] {
            EventSimulator sim(tn, delay_mode_of(pt.point.spec.semantics));
            const int n = tn.width();
            for (size_t i = static_cast<size_t>(k); i < ts.size(); i += static_cast<size_t>(threads)) {
                const Transition& t = ts[i];
                const uint32_t want = sim.capture(t.a_prev, t.b_prev, t.a, t.b);
                const uint32_t got = table.capture(t.a_prev | t.b_prev << n, t.a | t.b << n, tn.product(t.a, t.b));
                mismatch[static_cast<size_t>(k)] += got != want;
                wrong[static_cast<size_t>(k)] += want != tn.product(t.a, t.b);
            }
        });
    for (auto& th : pool) th.join();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    long m = 0, w = 0;
    for (int k = 0; k < threads; ++k) m += mismatch[static_cast<size_t>(k)], w += wrong[static_cast<size_t>(k)];
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "checked %ld random transitions of %s against the event-driven reference (%s, %s): %ld differ; "
                  "%ld wrong products (%.4f%%); %.0f s\n",
                  samples, file.filename().string().c_str(), semantics_name(pt.point.spec.semantics), pt.point.describe().c_str(), m, w,
                  100.0 * static_cast<double>(w) / static_cast<double>(samples), secs);
    ctx.out << buf;
    if (m) fail(file.string() + ": " + std::to_string(m) + " transitions differ from the reference");
    return 0;
}

// One row per cached table: its operating point, semantics, error rate and file.
int run_list(const po::variables_map& vm, Context& ctx) {
    const std::filesystem::path out = vm["out"].as<std::string>();
    const std::vector<CachedTable> list = list_cached_tables(out);
    if (list.empty()) {
        ctx.out << "no tables cached under " << (out / "tables").string() << " (tesa characterize makes them)\n";
        return 0;
    }
    char buf[400];
    ctx.out << "corner  voltage  T_clk(ps)  scale  step  semantics   sigma  die   error rate  key               file\n";
    for (const CachedTable& c : list) {
        if (!c.problem.empty()) {
            ctx.out << "unreadable: " << c.problem << "\n";
            continue;
        }
        const ErrorTables& t = c.attributes;
        const std::string volts = t.voltage > 0 ? fmt("%.3f", t.voltage) : "nominal";
        const std::string die = t.sigma > 0 ? std::to_string(t.die_seed) : "-";
        std::snprintf(buf, sizeof buf, "%-6s  %-7s  %9.1f  %5.3f  %4g  %-10s  %5g  %-4s  %10.6f  %-16s  %s\n", t.corner.c_str(),
                      volts.c_str(), t.clock_ps, t.clock_scale, t.time_step_ps, t.semantics.c_str(), t.sigma, die.c_str(),
                      t.error_rate(), t.key.empty() ? "(none)" : t.key.c_str(), c.file.filename().string().c_str());
        ctx.out << buf;
    }
    return 0;
}

}  // namespace

Command make_characterize_command() {
    Command c;
    c.name = "characterize";
    c.summary = "exhaustive error tables of the timed multiplier: all (previous, current) pairs -> HDF5";
    c.description =
        "Runs every (previous, current) operand pair of the timed multiplier at one operating point: a\n"
        "--corner, optionally a --voltage (delays scaled by the alpha-power law fitted to the three corners),\n"
        "a clock (--clock-scale of OpenSTA's min period at the corner's nominal voltage, --clock-ps or\n"
        "--frequency-mhz), and optionally one die of a population (--sigma, --die-seed), in the chosen\n"
        "--semantics: sdf-sim (an SDF-annotated gate-level simulation's rules) or transport (transport\n"
        "delays per arc), both in process: a sound stability bound, the exact lane program for what it\n"
        "cannot prove; or delay-line (the 64-lane time-unrolled model, compiled with Verilator). The tables go to the cache, <out>/tables/<top>_w<N>_<key>.h5,\n"
        "key = a hash of netlist, SDF, semantics, clock, step, voltage and die, where every command that\n"
        "needs them finds them by the same options (`tesa tables list` shows the cache). Chunks make an\n"
        "interrupted run resume (finished chunks are kept); --shard I/N splits the chunks over processes or\n"
        "machines sharing --out, and the tables assembled from them (by the last shard, or --merge) are\n"
        "one run's, bit for bit. Writes Table II (distinct outputs and counts\n"
        "per current pair), Table III (per-weight error probability, both ports), the stationary\n"
        "sub-tables, the full transitions (the wrong captures; what `tesa gemm --backend fast` looks up)\n"
        "and a summary (schema: timing/error_tables.h).";
    c.add_options = [](po::options_description& d) {
        add_design_options(d);
        add_liberty_options(d);
        add_operating_point_options(d, 0.8);
        d.add_options()
            ("netlist", po::value<std::string>()->value_name("FILE"), "mapped netlist (default: synthesize at typ)")
            ("exact", po::value<std::string>()->default_value("interpreted")->value_name("interpreted|compiled"),
             "sdf-sim, transport: run the exact program interpreted, or compiled by c++ (minutes once per operating point, "
             "cached; then several times faster; same tables)")
            ("threads", bounded<int>("threads", Range::closed(1, kMaxThreads))->default_value(2)->value_name("N"), "worker threads")
            ("chunk", bounded<int>("chunk", Range::closed(1, 65536))->default_value(256)->value_name("N"), "current pairs per resumable chunk")
            ("shard", po::value<std::string>()->value_name("I/N"),
             "compute only shard I of N (chunks k with k mod N = I) into the shared work directory; the\n"
             "last shard to finish writes the tables, else --merge does")
            ("merge", "compute nothing: assemble the tables from the shards' chunks (an error while any is missing)")
            ("table", po::value<std::string>()->value_name("FILE"), "also copy the HDF5 tables to FILE");
    };
    c.run = run_characterize;
    return c;
}

Command make_tables_command() {
    Command c;
    c.name = "tables";
    c.summary = "the error-table cache: list it, or show one table (error rate, worst weights, error magnitudes)";
    c.description = "tesa tables list [--out DIR]      every table cached under DIR/tables, by operating point\n"
                    "tesa tables show FILE [--top N]  one table\n"
                    "tesa tables check FILE [--samples N] [--seed S] [--threads T]\n"
                    "                                 random transitions of the table against the event-driven reference\n"
                    "                                 at its operating point (the netlist and SDF under --out must be its own)";
    c.positional = {"action", "file"};
    c.add_options = [](po::options_description& d) {
        d.add_options()("action", po::value<std::string>()->required()->value_name("list|show|check"), "what to do")
            ("file", po::value<std::string>()->value_name("FILE"), "HDF5 error tables")
            ("top", bounded<int>("top", Range::closed(1, 65536))->default_value(10)->value_name("N"), "worst weights to list")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results")
            ("samples", bounded<long>("samples", Range::closed(1, 1e9))->default_value(100000)->value_name("N"), "check: transitions")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("S"), "check: seed of the transitions")
            ("threads", bounded<int>("threads", Range::closed(1, kMaxThreads))->default_value(2)->value_name("N"), "check: threads");
        add_liberty_options(d);
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        const std::string action = vm["action"].as<std::string>();
        if (action == "list") return run_list(vm, ctx);
        if (action == "show") return run_show(vm, ctx);
        if (action == "check") return run_check(vm, ctx);
        fail("tesa tables: unknown action '" + action + "' (expected list, show or check)");
    };
    return c;
}

}  // namespace tesa::cli
