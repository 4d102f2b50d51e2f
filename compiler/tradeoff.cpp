// tradeoff.cpp -- the variants' accuracy per point and regulation, priced, and the tables.
#include "compiler/tradeoff.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace tesa {

namespace {

struct Stats {
    double mean = 0, sd = 0, min = 0, max = 0;
    int n = 0;
};

Stats stats_of(const std::vector<double>& v) {
    const MeanSd m = MeanSd::of(v);
    Stats s{m.mean, m.sd, v.empty() ? 0 : *std::min_element(v.begin(), v.end()), v.empty() ? 0 : *std::max_element(v.begin(), v.end()),
            static_cast<int>(v.size())};
    return s;
}

}  // namespace

std::vector<TradeoffRow> run_tradeoff(const QuantizedModel& base, const std::vector<TradeoffPoint>& points, const ImageSet& test,
                                      const StudyOptions& o, const EnergyPricer& energy, const ImageSet* profile,
                                      const ArrayAccuracy& array) {
    if (points.empty()) fail("trade-off: no operating point");
    if (o.seeds < 1) fail("trade-off: at least one seed");
    if (test.count() == 0) fail("trade-off: no test image");
    for (const TradeoffPoint& p : points)
        if (!p.nominal) fail("trade-off: a point without its nominal die's tables");
    const auto say = [&](const std::string& s) {
        if (o.progress) o.progress(s);
    };
    const double baseline = evaluate_int8(base, test, o.threads).accuracy();
    say("baseline (no errors): accuracy " + std::to_string(baseline));
    std::vector<std::vector<double>> hist;
    if (o.activation_aware) {
        if (!profile) fail("trade-off: activation-aware EAQ/WD needs profile images");
        hist = activation_histograms(base, *profile, o.threads);
    }
    const double reference = energy(points[0], base).energy_pj;
    std::vector<TradeoffRow> rows;
    for (size_t pi = 0; pi < points.size(); ++pi) {
        const TradeoffPoint& p = points[pi];
        const ProductErrors nominal = ProductErrors::from_tables(*p.nominal, o.port, o.model == ErrorModel::Sequence);
        const MitigatedVariants mv = mitigate_variants(base, nominal, o, hist);
        const QuantizedModel* variants[3] = {&base, &mv.wd, &mv.eaq};
        const char* names[3] = {"TError", "WD+EAQ", "EAQ"};
        const InferenceCost e_base = energy(p, base);
        const InferenceCost e_var[3] = {e_base, energy(p, mv.wd), energy(p, mv.eaq)};
        char buf[240];
        std::snprintf(buf, sizeof buf, "point %zu: %.3f V, T_clk %.1f ps: energy per inference %.3f nJ (WD+EAQ %.3f, EAQ %.3f)", pi, p.volts,
                      p.clock_ps, e_base.energy_pj * 1e-3, e_var[1].energy_pj * 1e-3, e_var[2].energy_pj * 1e-3);
        say(buf);

        const auto row = [&](const std::string& reg, int dies, double rate, const std::string& variant, const std::string& errors,
                             const Stats& s, size_t macs, const InferenceCost& e) {
            TradeoffRow r;
            r.point = pi, r.volts = p.volts, r.clock_ps = p.clock_ps, r.clock_scale = p.clock_scale, r.delay_scale = p.delay_scale;
            r.error_rate = rate, r.regulation = reg, r.dies = dies, r.variant = variant, r.errors = errors, r.images = test.count(), r.runs = s.n;
            r.accuracy = s.mean, r.sd = s.sd, r.min = s.min, r.max = s.max, r.macs = macs, r.energy_pj = e.energy_pj, r.cycles = e.cycles;
            r.ci95 = 1.96 * std::sqrt(std::max(0.0, s.mean * (1 - s.mean)) / static_cast<double>(test.count()));
            r.saved = reference > 0 ? 1 - e.energy_pj / reference : 0;
            r.loss_points = 100 * (baseline - s.mean);
            rows.push_back(r);
        };
        // One regulation mode: the baseline row, then each variant over the given tables x seeds.
        const auto mode = [&](const std::string& reg, double regulation, const std::vector<const ErrorTables*>& tables, int dies) {
            double rate = 0;
            for (const ErrorTables* t : tables) rate += t->error_rate() / static_cast<double>(tables.size());
            row(reg, dies, rate, "baseline", "none", Stats{baseline, 0, baseline, baseline, 1}, base.macs(), e_base);
            std::vector<double> acc[3], on_array[3];
            for (size_t ti = 0; ti < tables.size(); ++ti) {
                const ErrorTables* t = tables[ti];
                const ProductErrors e = t == p.nominal ? nominal : ProductErrors::from_tables(*t, o.port, o.model == ErrorModel::Sequence);
                for (int v = 0; v < 3; ++v) {
                    const InjectionPlan plan(*variants[v], e, o.model, regulation);
                    for (int s = 0; s < o.seeds; ++s) {
                        const uint64_t seed = o.first_seed + static_cast<uint64_t>(s);
                        const InjectedEval r = evaluate_injected(plan, test, o.threads, seed);
                        acc[v].push_back(r.result.accuracy());
                        std::snprintf(buf, sizeof buf, "point %zu regulation %s%s %-6s seed %llu: accuracy %.4f, %.1f s", pi, reg.c_str(),
                                      dies ? (" die " + std::to_string(ti + 1)).c_str() : "",
                                      names[v], static_cast<unsigned long long>(seed), r.result.accuracy(), r.result.seconds);
                        say(buf);
                        if (!array) continue;
                        on_array[v].push_back(array(*variants[v], *t, regulation, seed));
                        std::snprintf(buf, sizeof buf, "point %zu regulation %s%s %-6s seed %llu: accuracy on the array %.4f", pi, reg.c_str(),
                                      dies ? (" die " + std::to_string(ti + 1)).c_str() : "", names[v], static_cast<unsigned long long>(seed),
                                      on_array[v].back());
                        say(buf);
                    }
                }
            }
            for (int v = 0; v < 3; ++v) row(reg, dies, rate, names[v], error_model_name(o.model), stats_of(acc[v]), variants[v]->macs(), e_var[v]);
            if (array)
                for (int v = 0; v < 3; ++v) row(reg, dies, rate, names[v], "array", stats_of(on_array[v]), variants[v]->macs(), e_var[v]);
        };
        for (const std::string& reg : o.regulations) mode(reg, parse_regulation(reg), {p.nominal}, 0);
        if (!p.dies.empty()) mode("none", 1.0, p.dies, static_cast<int>(p.dies.size()));
    }
    return rows;
}

std::vector<TradeoffHeadline> tradeoff_headlines(const std::vector<TradeoffRow>& rows, double max_loss) {
    std::vector<TradeoffHeadline> h;
    for (const TradeoffRow& r : rows) {
        if (r.variant == "baseline") continue;
        auto it = std::find_if(h.begin(), h.end(), [&](const TradeoffHeadline& x) {
            return x.regulation == r.regulation && x.dies == r.dies && x.errors == r.errors;
        });
        if (it == h.end()) {
            h.push_back({r.regulation, r.dies, r.errors, false, false, {}, {}});
            it = h.end() - 1;
        }
        if (r.loss_points > max_loss + 1e-12) continue;
        const bool plain = r.variant == "TError";
        bool& found = plain ? it->found_plain : it->found_mitigated;
        TradeoffRow& best = plain ? it->plain : it->mitigated;
        if (!found || r.saved > best.saved + 1e-12 || (r.saved > best.saved - 1e-12 && r.loss_points < best.loss_points)) best = r, found = true;
    }
    return h;
}

std::string tradeoff_csv(const std::vector<TradeoffRow>& rows, const std::string& network) {
    std::ostringstream s;
    s << "network,point,supply_v,clock_ps,frequency_mhz,clock_scale,delay_scale,pairs_wrong,regulation,dies,variant,errors,images,runs,"
         "accuracy,accuracy_sd,accuracy_min,accuracy_max,accuracy_ci95,loss_points,macs_per_image,cycles_per_inference,latency_us,"
         "energy_nj_per_inference,energy_saved\n";
    char buf[700];
    for (const TradeoffRow& r : rows) {
        std::snprintf(buf, sizeof buf, "%s,%zu,%.4f,%.2f,%.2f,%.5f,%.5f,%.8f,%s,%d,%s,%s,%zu,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f,%zu,%llu,%.3f,%.4f,%.6f\n",
                      network.c_str(), r.point, r.volts, r.clock_ps, 1e6 / r.clock_ps, r.clock_scale, r.delay_scale, r.error_rate,
                      r.regulation.c_str(), r.dies, r.variant.c_str(), r.errors.c_str(), r.images, r.runs, r.accuracy, r.sd, r.min, r.max, r.ci95, r.loss_points,
                      r.macs, static_cast<unsigned long long>(r.cycles), r.latency_us(), r.energy_pj * 1e-3, r.saved);
        s << buf;
    }
    return s.str();
}

std::string tradeoff_markdown(const std::vector<TradeoffRow>& rows, const std::vector<TradeoffHeadline>& headlines, const std::string& title) {
    std::ostringstream s;
    char buf[700];
    s << "## " << title << "\n\n";
    const auto mode_name = [](const std::string& reg, int dies) {
        return dies ? "no regulation, " + std::to_string(dies) + " dies" : reg + " regulation";
    };
    for (const TradeoffHeadline& h : headlines) {
        s << "- **" << mode_name(h.regulation, h.dies) << ", errors from " << h.errors << "**, at <= 1 point of accuracy loss: ";
        const auto one = [&](bool found, const TradeoffRow& r, const char* what) {
            if (!found) {
                s << what << " no point qualifies";
                return;
            }
            std::snprintf(buf, sizeof buf, "%s %.1f%% energy saved (%s at %.3f V, %.1f MHz, %.2f points lost)", what, 100 * r.saved,
                          r.variant.c_str(), r.volts, 1e6 / r.clock_ps, r.loss_points);
            s << buf;
        };
        one(h.found_plain, h.plain, "without mitigation");
        s << "; ";
        one(h.found_mitigated, h.mitigated, "with mitigation");
        s << "\n";
    }
    s << "\n| supply (V) | clock (MHz) | clock scale | delays x | pairs wrong | regulation | variant | errors from | accuracy (%) +- sd "
         "| 95% CI (test set) | min .. max | loss (points) | MACs/image | latency (us) | energy/inference (nJ) | saved |\n"
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const TradeoffRow& r : rows) {
        std::snprintf(buf, sizeof buf,
                      "| %.3f | %.1f | %.3f | %.4f | %.4f%% | %s | %s | %s | %.2f +- %.2f | +- %.2f | %.2f .. %.2f | %.2f | %zu | %.1f | %.2f | %.1f%% |\n",
                      r.volts, 1e6 / r.clock_ps, r.clock_scale, r.delay_scale, 100 * r.error_rate, mode_name(r.regulation, r.dies).c_str(),
                      r.variant.c_str(), r.errors.c_str(), 100 * r.accuracy, 100 * r.sd, 100 * r.ci95, 100 * r.min, 100 * r.max, r.loss_points, r.macs,
                      r.latency_us(), r.energy_pj * 1e-3, 100 * r.saved);
        s << buf;
    }
    return s.str();
}

}  // namespace tesa
