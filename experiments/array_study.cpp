// array_study.cpp -- a network's layers on the systolic array next to the paper's model (array_study.h).
#include "experiments/array_study.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/text_format.h"
#include "timing/table_cache.h"
#include "compiler/injection.h"
#include "sc_models/array_inference.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

namespace tesa {

namespace {

struct Row {
    std::string method, dataflow, port, regulation;
    std::vector<double> acc;  // per seed
    double wrong_per_mac = 0, expected_per_mac = -1, slow_per_mac = 0;
    double cycles_per_image = 0, utilisation = 0, seconds = 0;
    uint64_t macs_per_image = 0;
};

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
}
double stdev(const std::vector<double>& v) {
    if (v.size() < 2) return 0;
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

}  // namespace

std::filesystem::path run_and_write_array_study(const std::string& network, const Model& m, const ImageSet& test,
                                                const ArrayStudyOptions& so, const std::filesystem::path& tables_file,
                                                const std::filesystem::path& data, const std::filesystem::path& dir, Console& ctx) {
    ArrayInferenceOptions base;
    base.rows = so.rows;
    base.cols = so.cols;
    base.threads = so.threads;
    const std::vector<Dataflow>& flows = so.dataflows;
    const std::vector<WeightPort>& ports = so.ports;
    const std::vector<std::string>& regs = so.regulations;
    const int seeds = so.seeds;
    const uint64_t first_seed = so.first_seed;
    if (flows.empty() || ports.empty() || regs.empty() || seeds < 1) fail("array study: dataflows, weight ports, regulations and seeds need values");
    for (const auto& r : regs) parse_regulation(r);
    const ErrorTables tables = ErrorTables::read(tables_file);
    const MultiplierBackendKind kind = so.backend;
    std::shared_ptr<const TransitionTable> tt;
    if (kind == MultiplierBackendKind::Fast) tt = std::make_shared<TransitionTable>(read_transition_table(tables_file));
    else if (!so.cosim) fail("array study: --backend cosim needs the tables' co-simulation models");
    auto make_backend = [&]() { return kind == MultiplierBackendKind::Fast ? MultiplierBackend::fast(tt) : MultiplierBackend::cosim(so.cosim->make()); };

    QuantOptions qo;
    qo.calibration_images = so.calibration_images;
    const ImageSet calib = load_dataset(m.dataset, "train", data).head(qo.calibration_images);
    const QuantizedModel q = QuantizedModel::quantize(m, calib, qo);
    const EvalResult exact = evaluate_int8(q, test, base.threads);

    char buf[400];
    std::snprintf(buf, sizeof buf, "array-study %s, %zu test images, INT8 without errors %.2f%%; tables %s (clock scale %.2f, T_clk %.1f ps)\n",
                  network.c_str(), test.count(), 100 * exact.accuracy(), tables_file.string().c_str(), tables.clock_scale, tables.clock_ps);
    ctx.out << buf;

    std::vector<Row> rows;
    using Clock = std::chrono::steady_clock;
    for (const std::string& reg : regs) {
        const double r = parse_regulation(reg);
        for (WeightPort port : ports) {  // the paper: each product fails with r x P(wrong | pair), previous operands uniform
            const ProductErrors pe = ProductErrors::from_tables(tables, port, false);
            const InjectionPlan plan(q, pe, ErrorModel::Paper, r);
            Row row{"uniform previous (paper)", "-", weight_port_name(port), reg, {}, 0, 0, 0, 0, 0, 0, q.macs()};
            InjectionStats st;
            const auto t0 = Clock::now();
            for (int s = 0; s < seeds; ++s) {
                const InjectedEval e = evaluate_injected(plan, test, base.threads, first_seed + static_cast<uint64_t>(s), true);
                row.acc.push_back(e.result.accuracy());
                st.add(e.stats);
            }
            row.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
            row.wrong_per_mac = static_cast<double>(st.errors) / static_cast<double>(st.candidates);
            row.expected_per_mac = st.expected / static_cast<double>(st.candidates);
            row.slow_per_mac = r;
            rows.push_back(row);
            ctx.err << "array-study: " << reg << " paper port " << weight_port_name(port) << " " << fmt("%.2f%%", 100 * mean(row.acc)) << std::endl;
        }
        for (Dataflow d : flows)
            for (WeightPort port : ports) {
                ArrayInferenceOptions o = base;
                o.dataflow = d;
                o.weight_port = port;
                o.regulation = r;
                Row row{"systolic array", dataflow_name(d), weight_port_name(port), reg, {}, 0, -1, 0, 0, 0, 0, q.macs()};
                GemmStats st;
                const auto t0 = Clock::now();
                for (int s = 0; s < seeds; ++s) {
                    o.seed = first_seed + static_cast<uint64_t>(s);
                    const ArrayEval e = evaluate_on_array(q, test, o, make_backend);
                    row.acc.push_back(e.result.accuracy());
                    st += e.stats;
                }
                row.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
                const double macs = static_cast<double>(st.busy_pe_cycles);
                row.wrong_per_mac = static_cast<double>(st.wrong_products) / macs;
                row.slow_per_mac = static_cast<double>(st.slow_cycles) / macs;
                row.cycles_per_image = static_cast<double>(st.cycles) / static_cast<double>(test.count() * static_cast<size_t>(seeds));
                row.utilisation = st.utilisation();
                rows.push_back(row);
                ctx.err << "array-study: " << reg << " " << dataflow_name(d) << " port " << weight_port_name(port) << " "
                        << fmt("%.2f%%", 100 * mean(row.acc)) << " (" << fmt("%.0f s", row.seconds) << ")" << std::endl;
            }
    }

    std::ostringstream md, csv;
    md << "| regulation | errors from | dataflow | weight port | accuracy % (mean ± sd, " << seeds
       << " seed(s)) | wrong products per MAC | paper model's expectation | cycles per image | utilisation |\n"
       << "|---|---|---|---|---|---|---|---|---|\n";
    csv << "regulation,method,dataflow,weight_port,accuracy_mean,accuracy_sd,seeds,images,wrong_per_mac,expected_per_mac,slow_per_mac,"
           "macs_per_image,cycles_per_image,utilisation,seconds\n";
    for (const Row& r : rows) {
        md << "| " << r.regulation << " | " << r.method << " | " << r.dataflow << " | " << r.port << " | " << fmt("%.2f", 100 * mean(r.acc))
           << " ± " << fmt("%.2f", 100 * stdev(r.acc)) << " | " << fmt("%.4f%%", 100 * r.wrong_per_mac) << " | "
           << (r.expected_per_mac >= 0 ? fmt("%.4f%%", 100 * r.expected_per_mac) : std::string("-")) << " | "
           << (r.cycles_per_image > 0 ? fmt("%.0f", r.cycles_per_image) : std::string("-")) << " | "
           << (r.utilisation > 0 ? fmt("%.1f%%", 100 * r.utilisation) : std::string("-")) << " |\n";
        csv << r.regulation << "," << r.method << "," << r.dataflow << "," << r.port << "," << fmt("%.6f", mean(r.acc)) << ","
            << fmt("%.6f", stdev(r.acc)) << "," << r.acc.size() << "," << test.count() << "," << fmt("%.8f", r.wrong_per_mac) << ","
            << fmt("%.8f", r.expected_per_mac) << "," << fmt("%.6f", r.slow_per_mac) << "," << r.macs_per_image << ","
            << fmt("%.1f", r.cycles_per_image) << "," << fmt("%.6f", r.utilisation) << "," << fmt("%.1f", r.seconds) << "\n";
    }
    const std::string stem = network + "_" + table_tag(tables) + "_" + std::to_string(base.rows) + "x" + std::to_string(base.cols);
    OutputSet results;
    results.write(dir / (stem + ".md"), md.str());
    results.write(dir / (stem + ".csv"), csv.str());
    results.commit();
    ctx.out << md.str() << "results: " << (dir / (stem + ".csv")).string() << " (and .md)\n";
    return dir / (stem + ".csv");
}

}  // namespace tesa
