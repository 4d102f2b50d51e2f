// flow_command.cpp -- `tesa flow`: the most complete end-to-end flow that exists, on built-in
// defaults. Today: synthesize the Booth multiplier, time it with OpenSTA (typical corner), measure
// with the exact event-driven simulation how many products fail as the clock shrinks, and
// characterize all (previous, current) pairs at one clock into HDF5 error tables, then the
// LeNet-5/MNIST accuracy and the paper's mitigation study on those tables, then the network's
// layers on the cycle-accurate systolic array (WS / OS, both weight ports) next to the paper's
// injection, the array study, and the network end to end on the TLM system.
#include "apps/tesa/accelerator_commands.h"
#include "experiments/array_study.h"
#include "experiments/network_runs.h"

#include "common/file_util.h"
#include "common/validate.h"
#include "timing/error_rate.h"
#include "timing/event_simulator.h"
#include "timing/timing_setup.h"

#include <cstdio>
#include <filesystem>
#include <ostream>
#include <sstream>

namespace tesa::cli {

Command make_flow_command() {
    Command c;
    c.name = "flow";
    c.summary = "run the end-to-end flow on built-in defaults (synthesis, timing, error tables, network)";
    c.description =
        "Steps, in order:\n"
        "  1. synth: map rtl/booth_mul.v (N=<width>) onto the typical Liberty, report cells/area.\n"
        "  2. timing: OpenSTA critical path of the multiplier between DFF_X1 registers, SDF (<corner>).\n"
        "  3. errors: exact event-driven simulation of <samples> random (previous, current) operand\n"
        "     transitions at each clock scale of <clock-scales>; wrong-product rate per scale.\n"
        "  4. characterize: all (previous, current) pairs at <characterize-scale> in the default (sdf-sim)\n"
        "     semantics -> HDF5 error tables, cached by operating point (resumable).\n"
        "  5. network: LeNet-5/MNIST test accuracy, FP32 and INT8, and its MAC count; with the tables of\n"
        "     step 4, the paper's study (tesa study): N_baseline, N_TError, N_WD+EAQ, N_EAQ and #MACs at\n"
        "     1.5 and 2 sigma regulation, paper error model, weight on port a, <study-seeds> seeds.\n"
        "  6. array: the INT8 LeNet-5's conv and fc layers as GEMMs on a 16x16 systolic array (tesa\n"
        "     array-study): WS and OS, weight on port a and b, 1.5 sigma, the first <array-images> test\n"
        "     images; next to the paper's uniform-previous-input injection at the same clock.\n"
        "  7. system: LeNet-5 compiled to firmware and run end to end on the SoC (tesa run): host, DRAM,\n"
        "     DMA, 16x16 WS array, post-processing; baseline, EAQ and WD+EAQ at 1.5 sigma on the first\n"
        "     <run-images> test images: accuracy, MACs, cycles, errors per layer.\n"
        "  8. explore: accuracy against energy per inference (tesa explore) at the clock of step 4 for the\n"
        "     supplies <explore-voltages>: tables per supply (cached), the study's four variants at 1.5 and 2\n"
        "     sigma (one seed), energy of the 16x16 WS array's PEs from the PE netlist and OpenSTA; CSV,\n"
        "     Markdown and a plot.\n"
        "Results go under <out>/; the last lines printed name the directories.";
    c.add_options = [](po::options_description& d) {
        add_design_options(d);
        add_liberty_options(d);
        d.add_options()
            ("clock-scales", po::value<std::string>()->default_value("1.0,0.9,0.8,0.7")->value_name("S,S,..."),
             "clock periods as fractions of OpenSTA's min period")
            ("samples", bounded<long>("samples", Range::closed(1, 1e10))->default_value(5000)->value_name("N"), "random transitions per clock scale")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("X"), "seed of the random transitions")
            // sdf-sim at 0.85: 0.226% of all pairs wrong (the delay-line tables had that at 0.95),
            // the regime of the paper's Table V for LeNet-5/CIFAR-10, a few minutes to characterize;
            // 0.8 (0.83%) is LeNet-5/MNIST's (docs/semantics.md, docs/mitigation.md).
            ("characterize-scale", bounded<double>("characterize-scale", Range::closed(0.1, 4.0))->default_value(0.85)->value_name("S"),
             "clock scale of the exhaustive characterization (0: skip the step)");
        d.add_options()("images", bounded<int>("images", Range::closed(0, 100000000))->default_value(0)->value_name("N"),
                        "test images of the network step (0: the whole test set)")
            ("study-seeds", bounded<int>("study-seeds", Range::closed(1, 1000))->default_value(3)->value_name("N"), "seeds of the study in step 5")
            ("array-images", bounded<int>("array-images", Range::closed(0, 100000000))->default_value(2000)->value_name("N"),
             "test images of the array step (0: the whole test set; 2000 take about 2 minutes per row on 2 cores)")
            ("run-images", bounded<int>("run-images", Range::closed(0, 100000000))->default_value(2000)->value_name("N"),
             "test images of the system step (0: the whole test set; 2000 take about a minute on 2 cores)")
            // Above the corner's 1.10 V the step-4 clock has slack: the sweep ends at step 4's table.
            ("explore-voltages", po::value<std::string>()->default_value("1.14,1.12,1.10")->value_name("V,V,..."),
             "supplies of the explore step at the clock of step 4 (empty: skip the step)");
        add_data_dir_option(d);
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        const std::filesystem::path out = vm["out"].as<std::string>();
        SynthOptions s = synth_options(vm);
        s.liberty = std::filesystem::path(vm["pdk-dir"].as<std::string>()) / "nangate45_typ.lib.gz";
        s.out_dir = out / "synth" / (s.top + "_w" + std::to_string(s.width) + "_typ");
        const double char_scale = vm["characterize-scale"].as<double>();
        std::vector<double> explore_voltages;  // checked before any step runs
        for (const auto& v : split_list(vm["explore-voltages"].as<std::string>()))
            explore_voltages.push_back(parse_real(v, "--explore-voltages", Range::closed(0.95, 1.25)));
        const int steps = char_scale > 0 ? (explore_voltages.empty() ? 7 : 8) : 4;
        ctx.out << "== step 1/" << steps << ": synthesis (typical corner) ==\n";
        SynthResult r = synthesize(s);
        ctx.out << r.report << "\n";

        ctx.out << "== step 2/" << steps << ": static timing (OpenSTA) ==\n";
        TimingSetupOptions to;
        to.netlist = r.netlist;
        to.top = s.top;
        to.width = s.width;
        to.liberty = liberty_path(vm);
        to.corner_name = vm.count("liberty") ? to.liberty.stem().stem().string() : vm["corner"].as<std::string>();
        to.out = out;
        TimingSetup t = prepare_timing(to);
        ctx.out << read_file(t.sta.report) << "\n";

        const Semantics semantics = parse_semantics(kDefaultSemantics, "the flow's semantics");
        ctx.out << "== step 3/" << steps << ": timing errors (event-driven, " << kDefaultSemantics << " semantics) ==\n";
        const long samples = vm["samples"].as<long>();
        const uint64_t seed = vm["seed"].as<uint64_t>();
        const std::vector<Transition> transitions = random_transitions(s.width, samples, seed);
        std::ostringstream table;
        table << "clock_scale,clock_ps,samples,wrong,rate,ci95\n";
        char line[200];
        ctx.out << "clock scale   T_clk (ps)   wrong / samples   rate (95% CI)\n";
        std::stringstream scales(vm["clock-scales"].as<std::string>());
        for (std::string item; std::getline(scales, item, ',');) {
            TimingConditions tc;
            tc.clock_period_ps = parse_real(item, "--clock-scales", Range::closed(0.1, 4.0)) * t.sta.min_period_ps;
            tc.cond = cond_mode_of(semantics);
            TimedNetlist tn = TimedNetlist::build(*t.netlist, *t.sdf, tc);
            EventSimulator sim(tn, delay_mode_of(semantics));
            ErrorRate e = measure_error_rate(sim, transitions);
            std::snprintf(line, sizeof line, "%11s %12.1f %9ld / %-7ld %.5f +- %.5f\n", item.c_str(), tc.clock_period_ps,
                          e.wrong, e.samples, e.rate(), e.ci95());
            ctx.out << line;
            std::snprintf(line, sizeof line, "%s,%.1f,%ld,%ld,%.6f,%.6f\n", item.c_str(), tc.clock_period_ps, e.samples,
                          e.wrong, e.rate(), e.ci95());
            table << line;
        }
        const std::filesystem::path csv = out / "timing_errors.csv";
        write_file_atomic(csv, table.str());

        std::filesystem::path table_file;
        int table_width = 0;
        if (char_scale > 0) {
            ctx.out << "\n== step 4/" << steps << ": exhaustive characterization (" << kDefaultSemantics << " semantics, clock scale " << char_scale
                    << ") ==\n";
            OperatingPointSpec spec;
            spec.clock = {ClockSpec::Kind::Scale, char_scale};
            spec.semantics = semantics;
            const PointTiming pt = resolve_point(vm, to, spec);
            // The exact program compiled (minutes once, cached): the faster path from clock scale 0.9 down.
            const ErrorTables et = write_error_tables(pt, out, 2, 256, true, ctx);
            table_file = pt.file;
            table_width = et.width;
            std::snprintf(line, sizeof line, "%llu (previous, current) pairs at T_clk %.1f ps: error rate %.6f\n",
                          static_cast<unsigned long long>(et.pairs), et.clock_ps, et.error_rate());
            ctx.out << line;
        }
        // The workload: LeNet-5 on MNIST, FP32 and INT8, full test set.
        ctx.out << "\n== step " << (steps >= 7 ? 5 : 4) << "/" << steps << ": network (LeNet-5/MNIST, functional engine, FP32 and INT8) ==\n";
        const Model net = load_network("lenet5-mnist", "");
        const std::filesystem::path data = vm["data-dir"].as<std::string>();
        const ImageSet test = load_dataset(net.dataset, "test", data).head(static_cast<size_t>(vm["images"].as<int>()));
        std::ostringstream acc_csv;
        acc_csv << "network,precision,macs,images,correct,accuracy\n";
        for (bool int8 : {false, true}) {
            const EvalResult e = measure_accuracy(net, test, int8, QuantOptions{}, data, 0);
            std::snprintf(line, sizeof line, "%s: %zu MACs per image, accuracy %.4f (%zu / %zu)\n", int8 ? "INT8" : "FP32",
                          net.macs(), e.accuracy(), e.correct, e.images);
            ctx.out << line;
            std::snprintf(line, sizeof line, "lenet5-mnist,%s,%zu,%zu,%zu,%.6f\n", int8 ? "int8" : "fp32", net.macs(), e.images,
                          e.correct, e.accuracy());
            acc_csv << line;
        }
        const std::filesystem::path acc_file = out / "networks" / "lenet5-mnist_accuracy.csv";
        std::filesystem::create_directories(acc_file.parent_path());
        write_file_atomic(acc_file, acc_csv.str());
        std::filesystem::path study_file;
        if (!table_file.empty() && table_width != 8) {
            ctx.out << "study skipped: the tables are of a " << table_width << "-bit multiplier, the INT8 network needs 8 bits\n";
        } else if (!table_file.empty()) {
            ctx.out << "\n";
            StudyOptions so;
            so.seeds = vm["study-seeds"].as<int>();
            so.progress = [&ctx](const std::string& l) { ctx.err << "study: " << l << std::endl; };
            study_file = run_and_write_study("lenet5-mnist", net, {table_file}, so, QuantOptions{}, test, data, out / "study", ctx);
        }
        std::filesystem::path array_file;
        if (!table_file.empty() && table_width == 8) {
            ctx.out << "\n== step 6/" << steps << ": the network on the cycle-accurate systolic array (16x16, WS and OS) ==\n";
            const ImageSet array_test = load_dataset(net.dataset, "test", data).head(static_cast<size_t>(vm["array-images"].as<int>()));
            array_file = run_and_write_array_study("lenet5-mnist", net, array_test, ArrayStudyOptions{}, table_file, data, out / "array", ctx);
        } else if (!table_file.empty()) {
            ctx.out << "array step skipped: the array multiplies INT8 operands, the tables are of a " << table_width << "-bit multiplier\n";
        }
        std::filesystem::path run_file;
        if (!table_file.empty() && table_width == 8) {
            ctx.out << "\n== step 7/" << steps << ": the network end to end on the SoC (firmware, TLM, 16x16 WS array) ==\n";
            const ImageSet run_test = load_dataset(net.dataset, "test", data).head(static_cast<size_t>(vm["run-images"].as<int>()));
            NetworkRunSpec rs;
            rs.network = "lenet5-mnist";
            rs.variants = {"baseline", "eaq", "wd+eaq"};
            rs.tables_file = table_file;
            rs.jobs = 2;
            run_file = run_and_write_network_runs(rs, net, run_test, data, out / "run", ctx);
        } else if (!table_file.empty()) {
            ctx.out << "system step skipped: the accelerator multiplies INT8 operands\n";
        }

        std::filesystem::path explore_file;
        if (!table_file.empty() && table_width == 8 && !explore_voltages.empty()) {
            ctx.out << "\n== step 8/" << steps << ": accuracy against energy per inference (supplies " << vm["explore-voltages"].as<std::string>()
                    << " at clock scale " << char_scale << ") ==\n";
            ExploreSpec es;
            es.voltages = explore_voltages;
            es.clocks = {{ClockSpec::Kind::Scale, char_scale}};
            es.images = static_cast<size_t>(vm["images"].as<int>());
            es.study.seeds = 1;
            explore_file = run_and_write_explore(vm, es, ctx);
        } else if (!table_file.empty() && !explore_voltages.empty()) {
            ctx.out << "explore step skipped: the network's accuracy needs 8-bit tables\n";
        }

        auto abs = [](const std::filesystem::path& p) { return std::filesystem::absolute(p).lexically_normal().string(); };
        ctx.out << "\nflow done. results: " << abs(out) << "\n"
                << "  synthesis: " << abs(r.out_dir) << "\n"
                << "  timing:    " << abs(t.sta.out_dir) << " (SDF " << t.sta.sdf.filename().string() << ")\n"
                << "  errors:    " << abs(csv) << "\n";
        if (!table_file.empty()) ctx.out << "  tables:    " << abs(table_file) << " (tesa tables show FILE)\n";
        ctx.out << "  network:   " << abs(acc_file) << "\n";
        if (!study_file.empty()) ctx.out << "  study:     " << abs(study_file) << " (.md, .png beside it)\n";
        if (!array_file.empty()) ctx.out << "  array:     " << abs(array_file) << " (.md beside it)\n";
        if (!run_file.empty()) ctx.out << "  system:    " << abs(run_file) << " (.md, _layers.csv beside it)\n";
        if (!explore_file.empty()) ctx.out << "  explore:   " << abs(explore_file) << " (.md, .png beside it)\n";
        return 0;
    };
    return c;
}

}  // namespace tesa::cli
