// gemm_command.cpp -- `tesa gemm`: one INT8 GEMM on the cycle-accurate systolic array (SystemC
// module, one sc_clock at the multiplier's T_clk), random operands from a seed; prints cycles,
// utilisation and error statistics, checked against the exact integer GEMM.
#include "apps/tesa/accelerator_commands.h"

#include "common/error.h"
#include "common/rng.h"
#include "compiler/injection.h"
#include "rtl/pe_design.h"
#include "sc_models/pe_trace_file.h"
#include "sc_models/simulation_context.h"
#include "sc_models/systolic_array.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace tesa::cli {

namespace {

std::vector<int8_t> random_matrix(size_t n, Rng& rng, int lo, int hi) {
    std::vector<int8_t> v(n);
    for (auto& x : v) x = static_cast<int8_t>(lo + static_cast<int>(rng.below(static_cast<uint32_t>(hi - lo + 1))));
    return v;
}

// "r,c;r,c;..." or "all".
std::vector<std::pair<int, int>> parse_pes(const std::string& s, int rows, int cols) {
    std::vector<std::pair<int, int>> pes;
    if (s == "all") {
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) pes.emplace_back(r, c);
        return pes;
    }
    for (const std::string& item : split_list(s, ';')) {
        const auto comma = item.find(',');
        if (comma == std::string::npos) fail("--trace-pes '" + s + "': expected ROW,COL;ROW,COL;... or all");
        const int r = static_cast<int>(parse_int(item.substr(0, comma), "--trace-pes row", 0, rows - 1));
        const int c = static_cast<int>(parse_int(item.substr(comma + 1), "--trace-pes column", 0, cols - 1));
        if (r < 0 || c < 0 || r >= rows || c >= cols)
            fail("--trace-pes: PE " + item + " is outside the " + std::to_string(rows) + "x" + std::to_string(cols) + " array");
        pes.emplace_back(r, c);
    }
    return pes;
}


int run_gemm(const po::variables_map& vm, Context& ctx) {
    int rows = 0, cols = 0;
    parse_array(vm["array"].as<std::string>(), rows, cols);
    GemmJob job;
    job.shape = {vm["m"].as<int>(), vm["n"].as<int>(), vm["k"].as<int>()};
    job.dataflow = parse_dataflow(vm["dataflow"].as<std::string>());
    job.weight_port = parse_weight_port(vm["weight-port"].as<std::string>());
    job.regulation = parse_regulation(vm["regulation"].as<std::string>());
    job.seed = vm["seed"].as<uint64_t>();
    double scale = vm["clock-scale"].as<double>();
    const MultiplierBackendKind kind = parse_multiplier_backend(vm["backend"].as<std::string>());
    // Each operand and the result must fit in memory comfortably (elements, not bytes).
    constexpr uint64_t kMaxElements = uint64_t{1} << 26;
    checked_product(static_cast<uint64_t>(job.shape.m), static_cast<uint64_t>(job.shape.k), "--m x --k (A's elements)", kMaxElements);
    checked_product(static_cast<uint64_t>(job.shape.k), static_cast<uint64_t>(job.shape.n), "--k x --n (B's elements)", kMaxElements);
    checked_product(static_cast<uint64_t>(job.shape.m), static_cast<uint64_t>(job.shape.n), "--m x --n (C's elements)", kMaxElements);

    // The clock period comes from the tables (the fast back-end needs them anyway).
    std::shared_ptr<TransitionTable> tt;
    double clock_ps = 0;
    if (kind == MultiplierBackendKind::Fast) {
        const std::string corner = check_corner(vm["corner"].as<std::string>());
        const std::filesystem::path tables =
            vm.count("tables") ? std::filesystem::path(vm["tables"].as<std::string>())
                               : find_cached_tables(vm, accelerator_timing_options(vm, corner), operating_point_spec(vm, corner));
        tt = std::make_shared<TransitionTable>(read_transition_table(tables));
        if (vm.count("tables") && !vm["clock-scale"].defaulted() && std::fabs(tt->clock_scale - scale) > 1e-6)
            fail(tables.string() + ": characterized at clock scale " + std::to_string(tt->clock_scale) + ", not --clock-scale " + std::to_string(scale));
        clock_ps = tt->clock_ps;
        scale = tt->clock_scale;
    }
    OperatingPoint point;
    MultiplierBackend backend =
        kind == MultiplierBackendKind::Fast
            ? MultiplierBackend::fast(tt)
            : MultiplierBackend::cosim(cosim_models_for(vm, vm.count("tables") ? vm["tables"].as<std::string>() : "", ctx, &point)->make());
    if (kind == MultiplierBackendKind::Cosim) {
        clock_ps = point.clock_ps;
        scale = point.clock_scale();
    }

    Rng rng(vm["data-seed"].as<uint64_t>());
    const int act_lo = vm.count("relu-activations") ? 0 : -128;
    const std::vector<int8_t> a = random_matrix(static_cast<size_t>(job.shape.m) * static_cast<size_t>(job.shape.k), rng, act_lo, 127);
    const std::vector<int8_t> b = random_matrix(static_cast<size_t>(job.shape.k) * static_cast<size_t>(job.shape.n), rng, -128, 127);
    std::vector<int32_t> c(static_cast<size_t>(job.shape.m) * static_cast<size_t>(job.shape.n));
    job.a = a.data();
    job.b = b.data();
    job.c = c.data();

    fresh_simulation_context();
    sc_core::sc_clock clk("clk", sc_core::sc_time(clock_ps > 0 ? clock_ps : 1000.0, sc_core::SC_PS));
    SystolicArray array("array", rows, cols, std::move(backend));
    array.clk(clk);
    const bool vcd = vm.count("vcd") > 0, trace = vm.count("trace") > 0;
    uint64_t first = 0, last = 0;
    if (vcd || trace) {
        const std::string w = vm["trace-cycles"].as<std::string>();
        const auto colon = w.find(':');
        if (colon == std::string::npos) fail("--trace-cycles '" + w + "': expected FIRST:LAST");
        first = static_cast<uint64_t>(parse_int(w.substr(0, colon), "--trace-cycles first", 0, INT64_MAX));
        last = static_cast<uint64_t>(parse_int(w.substr(colon + 1), "--trace-cycles last", 0, INT64_MAX));
        const auto pes = parse_pes(vm["trace-pes"].as<std::string>(), rows, cols);
        if (vcd) {
            array.trace_vcd(vm["vcd"].as<std::string>(), pes, first, last);
        } else {
            TraceWindow tw;
            tw.first_cycle = first;
            tw.last_cycle = last;
            tw.pes.assign(static_cast<size_t>(rows) * static_cast<size_t>(cols), false);
            for (const auto& [r, c] : pes) tw.pes[static_cast<size_t>(r) * static_cast<size_t>(cols) + static_cast<size_t>(c)] = true;
            array.core().record(std::move(tw));
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    const GemmStats st = array.run_gemm(job);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // The exact GEMM: C minus the recorded corrections must equal it.
    uint64_t mismatched = 0;
    const GemmShape s = job.shape;
    for (int m = 0; m < s.m; ++m)
        for (int n = 0; n < s.n; ++n) {
            int64_t acc = 0;
            for (int k = 0; k < s.k; ++k) acc += static_cast<int32_t>(a[static_cast<size_t>(m) * s.k + k]) * b[static_cast<size_t>(k) * s.n + n];
            const size_t i = static_cast<size_t>(m) * s.n + n;
            mismatched += c[i] - array.core().output_errors()[i] != acc;
        }
    if (mismatched) fail("internal error: " + std::to_string(mismatched) + " outputs disagree with the exact GEMM plus the recorded corrections");

    if (vcd) array.close_vcd();
    if (trace) {
        PeTraceInfo info;
        info.rows = rows;
        info.cols = cols;
        info.shape = s;
        info.dataflow = dataflow_name(job.dataflow);
        info.weight_port = weight_port_name(job.weight_port);
        info.backend = multiplier_backend_name(kind);
        info.clock_scale = scale;
        info.clock_ps = clock_ps;
        info.regulation = job.regulation;
        info.seed = job.seed;
        info.first_cycle = first;
        info.last_cycle = last;
        write_pe_trace(vm["trace"].as<std::string>(), array.core().records(), info);
    }

    char buf[400];
    char clock[80];
    std::snprintf(clock, sizeof clock, "T_clk %.1f ps", clock_ps);
    std::snprintf(buf, sizeof buf, "array       %dx%d, %s dataflow, weight on port %s, %s multiplier, clock scale %.2f (%s)\n", rows,
                  cols, dataflow_name(job.dataflow), weight_port_name(job.weight_port), multiplier_backend_name(kind), scale, clock);
    ctx.out << buf;
    std::snprintf(buf, sizeof buf, "gemm        M=%d N=%d K=%d, regulation %.4f, seed %llu\n", s.m, s.n, s.k, job.regulation,
                  static_cast<unsigned long long>(job.seed));
    ctx.out << buf;
    std::snprintf(buf, sizeof buf, "cycles      %llu (closed form %llu), %llu folds, utilisation %.2f%%\n",
                  static_cast<unsigned long long>(st.cycles), static_cast<unsigned long long>(expected_cycles(job.dataflow, rows, cols, s)),
                  static_cast<unsigned long long>(st.folds), 100 * st.utilisation());
    ctx.out << buf;
    const double macs = static_cast<double>(st.busy_pe_cycles);
    std::snprintf(buf, sizeof buf, "errors      %llu MACs, %llu slow (%.3f%%), %llu wrong products (%.4f%% of MACs), %llu of %d outputs wrong\n",
                  static_cast<unsigned long long>(st.busy_pe_cycles), static_cast<unsigned long long>(st.slow_cycles),
                  100 * static_cast<double>(st.slow_cycles) / macs, static_cast<unsigned long long>(st.wrong_products),
                  100 * static_cast<double>(st.wrong_products) / macs, static_cast<unsigned long long>(st.wrong_outputs), s.m * s.n);
    ctx.out << buf;
    std::snprintf(buf, sizeof buf, "speed       %.3f s simulated %llu PE-cycles: %.2f M PE-cycles/s\n", secs,
                  static_cast<unsigned long long>(st.pe_cycles), static_cast<double>(st.pe_cycles) / secs / 1e6);
    ctx.out << buf;
    ctx.out << "hardware    " << pe_area_line(vm, job.dataflow, job.weight_port, rows, cols);
    if (vcd) ctx.out << "vcd         " << vm["vcd"].as<std::string>() << "\n";
    if (trace) ctx.out << "trace       " << vm["trace"].as<std::string>() << " (" << array.core().records().size() << " PE-cycles)\n";
    return 0;
}

}  // namespace

Command make_gemm_command() {
    Command c;
    c.name = "gemm";
    c.summary = "one INT8 GEMM on the cycle-accurate systolic array: cycles, utilisation, timing errors";
    c.description =
        "Runs C = A x B (A: M x K activations, B: K x N weights, random INT8 from --data-seed) on an R x C\n"
        "systolic array, weight-stationary (ws) or output-stationary (os), at one operating point of the\n"
        "multiplier (--clock-scale / --clock-ps / --frequency-mhz, --voltage, --sigma/--die-seed, --semantics;\n"
        "or that of --tables FILE). Each busy PE-cycle is slow with probability --regulation; a slow cycle\n"
        "uses the product the multiplier captured after the PE's real previous operands: from the full\n"
        "transition table of `tesa characterize` (--backend fast) or from the timed model of the same netlist,\n"
        "delays and point, co-simulated (--backend cosim: built on demand, cached under <out>/cosim/; with\n"
        "--tables, refused unless the table was made from that netlist and SDF). Both give the same bits.";
    c.add_options = [](po::options_description& d) {
        d.add_options()("array", po::value<std::string>()->default_value("16x16")->value_name("RxC"), "PE rows x columns")
            ("dataflow", po::value<std::string>()->default_value("ws")->value_name("ws|os"), "weight- or output-stationary")
            ("m", bounded<int>("m", Range::closed(1, kMaxGemmSide))->default_value(64)->value_name("M"), "rows of A and C (output pixels)")
            ("n", bounded<int>("n", Range::closed(1, kMaxGemmSide))->default_value(64)->value_name("N"), "columns of B and C (output channels)")
            ("k", bounded<int>("k", Range::closed(1, kMaxGemmSide))->default_value(64)->value_name("K"), "reduction length")
            ("regulation", po::value<std::string>()->default_value("1.5sigma")->value_name("R"),
             "1.5sigma (0.0668), 2sigma (0.0227) or a probability (1: every cycle slow)")
            ("backend", po::value<std::string>()->default_value("fast")->value_name("fast|cosim"), "multiplier back-end")
            ("weight-port", po::value<std::string>()->default_value("a")->value_name("a|b"),
             "multiplier port the weight feeds (b: the Booth-encoded operand)")
            ("tables", po::value<std::string>()->value_name("FILE"),
             "error tables with full transitions (default: the cached ones of the operating point)")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("S"), "seed of the slow-cycle draws")
            ("data-seed", po::value<uint64_t>()->default_value(1)->value_name("S"), "seed of the random operands")
            ("vcd", po::value<std::string>()->value_name("FILE"), "VCD (sc_trace) of the registers of --trace-pes over --trace-cycles")
            ("trace", po::value<std::string>()->value_name("FILE"),
             "HDF5 trace of every busy PE-cycle of --trace-pes over --trace-cycles (format: traces/README.md)")
            ("trace-pes", po::value<std::string>()->default_value("0,0")->value_name("R,C;R,C|all"), "PEs the VCD / trace follow")
            ("trace-cycles", po::value<std::string>()->default_value("0:999")->value_name("FIRST:LAST"),
             "cycles (from the GEMM's start, inclusive) the VCD / trace cover")
            ("relu-activations", "activations in [0, 127] (after a ReLU) instead of [-128, 127]")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results");
        add_liberty_options(d);
        add_operating_point_options(d, 0.9);
    };
    c.run = run_gemm;
    return c;
}

}  // namespace tesa::cli
