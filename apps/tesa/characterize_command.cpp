// characterize_command.cpp -- `tesa characterize` (exhaustive error tables of the timed
// multiplier, HDF5) and `tesa tables show` (a readable summary of such a file).
#include "apps/tesa/commands.h"

#include "common/error.h"

#include <algorithm>
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
    TimingSetupOptions so = timing_setup_options(vm, corner);
    TimingSetup t = prepare_timing(so);
    const double scale = vm["clock-scale"].as<double>();
    ErrorTables tables;
    std::filesystem::path file =
        write_error_tables(t, so.corner_name, scale, vm["time-step"].as<double>(), so.out, vm["threads"].as<int>(),
                           static_cast<uint32_t>(vm["chunk"].as<int>()), ctx, tables, vm["semantics"].as<std::string>(),
                           exact_engine(vm["exact"].as<std::string>()));
    if (vm.count("table")) {
        const std::filesystem::path to = vm["table"].as<std::string>();
        if (to.has_parent_path()) std::filesystem::create_directories(to.parent_path());
        std::filesystem::copy_file(file, to, std::filesystem::copy_options::overwrite_existing);
        file = to;
    }
    char buf[300];
    std::snprintf(buf, sizeof buf, "characterized %llu pairs at T_clk %.1f ps (%.2f x %.1f ps, %s, %s semantics): error rate %.6f\n",
                  static_cast<unsigned long long>(tables.pairs), tables.clock_ps, scale, t.sta.min_period_ps,
                  so.corner_name.c_str(), tables.semantics.c_str(), tables.error_rate());
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

}  // namespace

Command make_characterize_command() {
    Command c;
    c.name = "characterize";
    c.summary = "exhaustive error tables of the timed multiplier: all (previous, current) pairs -> HDF5";
    c.description =
        "Runs every (previous, current) operand pair of the timed multiplier at --clock-scale (of OpenSTA's\n"
        "min period at --corner) in the chosen --semantics: delay-line (the 64-lane time-unrolled model,\n"
        "compiled with Verilator) or sdf-sim (an SDF-annotated gate-level simulation's rules; in process:\n"
        "a sound stability bound, the exact lane program for what it cannot prove). Chunks make an\n"
        "interrupted run resume (finished chunks are kept). Writes Table II (distinct outputs\n"
        "and counts per current pair), Table III (per-weight error probability, both ports), the\n"
        "stationary sub-tables, the full transitions (the wrong captures; what `tesa gemm --backend fast`\n"
        "looks up) and a summary to <out>/tables/ (schema: timing/error_tables.h).";
    c.add_options = [](po::options_description& d) {
        add_design_options(d);
        add_liberty_options(d);
        d.add_options()
            ("netlist", po::value<std::string>()->value_name("FILE"), "mapped netlist (default: synthesize at typ)")
            ("clock-scale", bounded<double>("clock-scale", Range::closed(0.1, 4.0))->default_value(0.8)->value_name("S"), "T_clk = S x OpenSTA's min period")
            ("time-step", bounded<double>("time-step", Range::closed(1, 100))->default_value(10.0)->value_name("PS"), "time step of the unrolled model")
            ("semantics", po::value<std::string>()->default_value("delay-line")->value_name("delay-line|sdf-sim"),
             "timing semantics of the tables (timing/semantics.h; recorded in the file)")
            ("exact", po::value<std::string>()->default_value("interpreted")->value_name("interpreted|compiled"),
             "sdf-sim: run the exact program interpreted, or compiled by c++ (minutes once per operating point, "
             "cached; then several times faster; same tables)")
            ("threads", bounded<int>("threads", Range::closed(1, kMaxThreads))->default_value(2)->value_name("N"), "worker threads")
            ("chunk", bounded<int>("chunk", Range::closed(1, 65536))->default_value(256)->value_name("N"), "current pairs per resumable chunk")
            ("table", po::value<std::string>()->value_name("FILE"), "also copy the HDF5 tables to FILE");
    };
    c.run = run_characterize;
    return c;
}

Command make_tables_command() {
    Command c;
    c.name = "tables";
    c.summary = "show an error-table file (error rate, worst weights, error magnitudes)";
    c.description = "tesa tables show FILE [--top N]";
    c.positional = {"action", "file"};
    c.add_options = [](po::options_description& d) {
        d.add_options()("action", po::value<std::string>()->required()->value_name("show"), "what to do")
            ("file", po::value<std::string>()->value_name("FILE"), "HDF5 error tables")
            ("top", bounded<int>("top", Range::closed(1, 65536))->default_value(10)->value_name("N"), "worst weights to list");
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        if (vm["action"].as<std::string>() != "show") fail("tesa tables: unknown action '" + vm["action"].as<std::string>() + "' (expected show)");
        return run_show(vm, ctx);
    };
    return c;
}

}  // namespace tesa::cli
