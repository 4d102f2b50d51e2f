// power_command.cpp -- `tesa power`: energy per busy / idle PE-cycle and per MAC of one GEMM on the
// systolic array, from the PE netlist's switching activity on the GEMM's real operand streams and
// OpenSTA's power analysis (sc_models/pe_energy.h).
#include "apps/tesa/accelerator_commands.h"

#include "common/error.h"
#include "common/rng.h"
#include "networks/datasets.h"
#include "networks/quantize.h"
#include "rtl/pe_design.h"
#include "sc_models/array_inference.h"
#include "sc_models/pe_energy.h"

#include <chrono>
#include <cstdio>
#include <ostream>

namespace tesa::cli {

namespace {

// Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm: 8-bit integer multiply and add.
constexpr double kHorowitzMul8Pj = 0.2, kHorowitzAdd8Pj = 0.03;

// Records the GEMM of one layer of one forward pass.
struct LayerGemm {
    static constexpr MulMode kMode = MulMode::Corrections;
    int layer = 0;
    bool found = false;
    std::string seen;  // the GEMM layers' indices
    std::vector<int8_t> a, b;
    GemmShape shape;
    int32_t mul(int8_t w, int8_t x, const MacSite&) { return int32_t{w} * int32_t{x}; }
    void correct(const GemmView& v) {
        seen += (seen.empty() ? "" : ", ") + std::to_string(v.layer);
        if (v.layer != layer) return;
        shape = array_operands(v, a, b);
        found = true;
    }
};

int run_power(const po::variables_map& vm, Context& ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    PeEnergyOptions eo;
    parse_array(vm["array"].as<std::string>(), eo.rows, eo.cols);
    eo.sample_pes = vm["sample-pes"].as<int>();
    eo.seed = vm["seed"].as<uint64_t>();
    GemmJob job;
    job.dataflow = parse_dataflow(vm["dataflow"].as<std::string>());
    job.weight_port = parse_weight_port(vm["weight-port"].as<std::string>());

    // The operands: one layer of a network on one test image, or random INT8 matrices.
    std::vector<int8_t> a, b;
    std::string source;
    if (vm.count("network")) {
        for (const char* o : {"m", "n", "k", "data-seed"})
            if (!vm[o].defaulted()) fail(std::string("--") + o + " describes a random GEMM: it does not go with --network");
        const std::string network = vm["network"].as<std::string>();
        const Model m = load_network(network, "");
        const std::filesystem::path data = vm["data-dir"].as<std::string>();
        const ImageSet calib = load_dataset(m.dataset, "train", data).head(1000);
        const QuantizedModel q = QuantizedModel::quantize(m, calib, QuantOptions());
        const int image = vm["image"].as<int>();
        const ImageSet test = load_dataset(m.dataset, "test", data).head(static_cast<size_t>(image) + 1);
        LayerGemm rec;
        rec.layer = vm["layer"].as<int>();
        Workspace<int8_t> ws(*q.model);
        std::vector<int32_t> logits(static_cast<size_t>(q.model->classes()));
        forward_int8(q, test.image(static_cast<size_t>(image)), ws, logits.data(), rec);
        if (!rec.found)
            fail("--layer " + std::to_string(rec.layer) + ": " + network + " has no conv or fc layer with that index (they are " + rec.seen + ")");
        a = std::move(rec.a), b = std::move(rec.b);
        job.shape = rec.shape;
        source = network + " layer " + std::to_string(rec.layer) + ", test image " + std::to_string(image);
    } else {
        for (const char* o : {"layer", "image"})
            if (!vm[o].defaulted()) fail(std::string("--") + o + " needs --network");
        job.shape = {vm["m"].as<int>(), vm["n"].as<int>(), vm["k"].as<int>()};
        Rng rng(vm["data-seed"].as<uint64_t>());
        a.resize(static_cast<size_t>(job.shape.m) * static_cast<size_t>(job.shape.k));
        b.resize(static_cast<size_t>(job.shape.k) * static_cast<size_t>(job.shape.n));
        for (auto& x : a) x = static_cast<int8_t>(static_cast<int>(rng.below(256)) - 128);
        for (auto& x : b) x = static_cast<int8_t>(static_cast<int>(rng.below(256)) - 128);
        source = "random INT8 operands, data seed " + std::to_string(vm["data-seed"].as<uint64_t>());
    }
    job.a = a.data();
    job.b = b.data();

    // The clock of the operating point; the PE synthesized for the dataflow and weight port.
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    const TimingSetupOptions setup = accelerator_timing_options(vm, corner);
    const PointTiming pt = resolve_point(vm, setup, operating_point_spec(vm, corner));
    PeDesign d;
    d.output_stationary = job.dataflow == Dataflow::OutputStationary;
    d.weight_on_b = job.weight_port == WeightPort::B;
    const std::filesystem::path out = vm["out"].as<std::string>();
    const std::filesystem::path pdk = vm["pdk-dir"].as<std::string>();
    const SynthResult pe = synthesize_pe_cached(d, source_dir(), pdk / "nangate45_typ.lib.gz", "typ", out);
    eo.netlist = pe.netlist;
    eo.sta.liberty = setup.liberty;
    eo.sta.liberty_cache = out / "liberty";
    eo.sta.clock_period_ps = pt.point.clock_ps;
    char dir[160];
    std::snprintf(dir, sizeof dir, "%s_%s_%dx%d_T%.1f", pe_dir_name(d).c_str(), setup.corner_name.c_str(), eo.rows, eo.cols, pt.point.clock_ps);
    eo.sta.work_dir = out / "power" / dir;
    if (vm.count("voltage")) {
        VoltageScaling v;
        v.volts = vm["voltage"].as<double>();
        v.corners = {{{"slow", pdk / "nangate45_slow.lib.gz"}, {"typ", pdk / "nangate45_typ.lib.gz"}, {"fast", pdk / "nangate45_fast.lib.gz"}}};
        eo.voltage = v;
        char vdir[40];
        std::snprintf(vdir, sizeof vdir, "_V%.3f", v.volts);
        eo.sta.work_dir += vdir;
    }
    if (vm["glitches"].as<bool>()) {
        eo.glitches = glitch_source(setup);
        eo.sta.work_dir += "_glitches";
    }
    const PeEnergyResult r = measure_pe_energy(job, eo);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    char buf[512];
    std::snprintf(buf, sizeof buf, "design      %s (%d cells, %.1f um^2), %s\n", pe_top(d).c_str(), pe.cells, pe.area,
                  pt.point.describe().c_str());
    ctx.out << buf;
    std::snprintf(buf, sizeof buf, "gemm        M=%d N=%d K=%d on %dx%d, %s dataflow, weight on port %s; %s\n", job.shape.m, job.shape.n,
                  job.shape.k, eo.rows, eo.cols, dataflow_name(job.dataflow), weight_port_name(job.weight_port), source.c_str());
    ctx.out << buf;
    std::snprintf(buf, sizeof buf, "cycles      %llu, %llu PE-cycles, %llu busy (utilisation %.2f%%)\n",
                  static_cast<unsigned long long>(r.stats.cycles), static_cast<unsigned long long>(r.stats.pe_cycles),
                  static_cast<unsigned long long>(r.stats.busy_pe_cycles), 100 * r.stats.utilisation());
    ctx.out << buf;
    std::snprintf(buf, sizeof buf,
                  "sample      %d of the %d PEs with MACs (seed %llu), %llu busy and %llu idle PE-cycles simulated (zero-delay); toggles per period "
                  "over the PE's nets: busy %.1f +- %.1f, idle %.1f +- %.1f (95%% CI over the PEs)\n",
                  r.sampled_pes, r.used_pes, static_cast<unsigned long long>(eo.seed), static_cast<unsigned long long>(r.sampled_busy),
                  static_cast<unsigned long long>(r.sampled_idle), r.toggles_busy.mean, r.toggles_busy.half_width, r.toggles_idle.mean,
                  r.toggles_idle.half_width);
    ctx.out << buf;
    const auto line = [&](const char* what, const StaPowerResult& p, double e) {
        const double t = p.period_ps * 1e-12 * 1e12;  // W x s -> pJ
        std::snprintf(buf, sizeof buf,
                      "%-11s %.4f pJ per PE-cycle (internal %.4f, switching %.4f, leakage %.4f); rates to OpenSTA within %.1e (worst %s)\n",
                      what, e, p.power.internal * t, p.power.switching * t, p.power.leakage * t, p.max_rate_error, p.worst_pin.c_str());
        ctx.out << buf;
    };
    // The breakdowns are the PE's zero-delay activity; the energies include the glitches' lines.
    if (r.sampled_busy) line("busy", r.busy, r.energy_busy_pj);
    if (r.sampled_idle) line("idle", r.idle, r.energy_idle_pj);
    const auto glitch_line = [&](const char* what, const std::optional<GlitchEnergy>& g) {
        if (!g) return;
        std::snprintf(buf, sizeof buf,
                      "glitches    %s: the multiplier's transitions per period %.1f +- %.1f timed (SDF, %s corner) against %.1f +- %.1f "
                      "zero-delay (x%.2f); OpenSTA on booth_mul: %.4f pJ against %.4f pJ dynamic, +%.4f pJ per PE-cycle at %.2f V\n",
                      what, g->toggles_timed.mean, g->toggles_timed.half_width, setup.corner_name.c_str(), g->toggles_zero.mean,
                      g->toggles_zero.half_width, g->factor(), g->timed.power.dynamic() * g->timed.period_ps,
                      g->zero_delay.power.dynamic() * g->zero_delay.period_ps, g->extra_pj, pt.point.nominal_voltage);
        ctx.out << buf;
    };
    glitch_line("busy", r.glitch_busy);
    glitch_line("idle", r.glitch_idle);
    if (r.scaled) {
        std::snprintf(buf, sizeof buf,
                      "voltage     %.3f V: energies above scaled from the %s corner (dynamic x (V/%.2f)^2; its breakdown is at %.2f V), "
                      "leakage interpolated over the corners (busy: %.2f uW at %.2f V, %.2f uW at %.2f V, %.2f uW at %.2f V)\n",
                      r.volts, setup.corner_name.c_str(), pt.point.nominal_voltage, pt.point.nominal_voltage, r.corner_leakage_busy_w[0] * 1e6,
                      r.corner_volts[0], r.corner_leakage_busy_w[1] * 1e6, r.corner_volts[1], r.corner_leakage_busy_w[2] * 1e6, r.corner_volts[2]);
        ctx.out << buf;
    }
    std::snprintf(buf, sizeof buf, "energy      %.3f nJ for the GEMM, %.4f pJ per MAC (array PEs only: no SRAM, DRAM or clock tree)\n",
                  r.energy_job_pj * 1e-3, r.energy_per_mac_pj);
    ctx.out << buf;
    std::snprintf(buf, sizeof buf,
                  "reference   Horowitz (ISSCC 2014, 45 nm): 8-bit multiply %.2f pJ, 8-bit add %.2f pJ; this PE per MAC / (multiply + add) "
                  "= %.2f, busy PE-cycle / (multiply + add) = %.2f\n",
                  kHorowitzMul8Pj, kHorowitzAdd8Pj, r.energy_per_mac_pj / (kHorowitzMul8Pj + kHorowitzAdd8Pj),
                  r.energy_busy_pj / (kHorowitzMul8Pj + kHorowitzAdd8Pj));
    ctx.out << buf;
    std::snprintf(buf, sizeof buf, "results     %s (busy/ and idle/: OpenSTA scripts and logs, activity.saif), %.1f s\n", eo.sta.work_dir.string().c_str(), secs);
    ctx.out << buf;
    return 0;
}

}  // namespace

Command make_power_command() {
    Command c;
    c.name = "power";
    c.summary = "energy per PE-cycle and per MAC of a GEMM on the array: gate-level activity, power by OpenSTA";
    c.description =
        "Runs one GEMM on the R x C systolic array (exact products) -- one conv/fc layer of a network on a\n"
        "test image (--network, --layer, --image) or random INT8 operands (--m --n --k --data-seed) --\n"
        "and simulates the PE netlist (rtl/mac_pe.v synthesized onto Nangate45) of --sample-pes PEs on\n"
        "the input streams they see, cycle by cycle (zero delay). The activity of busy and of idle\n"
        "PE-cycles goes to OpenSTA per pin (power/sta_power.h), whose report_power gives internal,\n"
        "switching and leakage power at the clock of the operating point (--clock-scale of OpenSTA's\n"
        "min period of the multiplier, --clock-ps or --frequency-mhz; --corner). Prints energy per busy\n"
        "and idle PE-cycle, for the GEMM and per MAC, next to Horowitz's 45 nm figures. --voltage V (between\n"
        "the corners' 0.95 and 1.25 V): dynamic energy of --corner scaled by (V / V_corner)^2, leakage\n"
        "interpolated over the three corners (power/voltage_energy.h). --glitches: the multiplier alone (the\n"
        "tables' booth_mul netlist and SDF) simulated event by event on the sampled PEs' operand registers; OpenSTA\n"
        "prices its timed and its zero-delay activity and the difference is added to the PE's dynamic energy.";
    c.add_options = [](po::options_description& d) {
        d.add_options()("array", po::value<std::string>()->default_value("16x16")->value_name("RxC"), "PE rows x columns")
            ("dataflow", po::value<std::string>()->default_value("ws")->value_name("ws|os"), "weight- or output-stationary")
            ("weight-port", po::value<std::string>()->default_value("a")->value_name("a|b"), "multiplier port of the weight")
            ("network", po::value<std::string>()->value_name("NAME"), "take the GEMM of a layer of this network (e.g. lenet5-mnist)")
            ("layer", bounded<int>("layer", Range::closed(0, 1000))->default_value(1)->value_name("L"), "with --network: the conv/fc layer index")
            ("image", bounded<int>("image", Range::closed(0, 9999))->default_value(0)->value_name("I"), "with --network: the test image")
            ("m", bounded<int>("m", Range::closed(1, 4096))->default_value(64)->value_name("M"), "random GEMM: rows of A and C")
            ("n", bounded<int>("n", Range::closed(1, 4096))->default_value(64)->value_name("N"), "random GEMM: columns of B and C")
            ("k", bounded<int>("k", Range::closed(1, 4096))->default_value(64)->value_name("K"), "random GEMM: reduction length")
            ("data-seed", po::value<uint64_t>()->default_value(1)->value_name("S"), "random GEMM: seed of the operands")
            ("sample-pes", bounded<int>("sample-pes", Range::closed(1, 4096))->default_value(8)->value_name("P"), "PEs simulated at gate level")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("S"), "seed of the PE sample")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results");
        add_glitches_option(d);
        add_data_dir_option(d);
        add_liberty_options(d);
        add_operating_point_options(d, 1.0);
    };
    c.run = run_power;
    return c;
}

}  // namespace tesa::cli
