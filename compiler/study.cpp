// study.cpp -- running the four variants over seeds and writing the table.
#include "compiler/study.h"

#include "common/error.h"

#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

namespace tesa {

MeanSd MeanSd::of(const std::vector<double>& v) {
    MeanSd r;
    if (v.empty()) return r;
    r.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    if (v.size() > 1) {
        double s = 0;
        for (double x : v) s += (x - r.mean) * (x - r.mean);
        r.sd = std::sqrt(s / static_cast<double>(v.size() - 1));
    }
    return r;
}

MitigatedVariants mitigate_variants(const QuantizedModel& base, const ProductErrors& e, const StudyOptions& o,
                                    const std::vector<std::vector<double>>& hist) {
    MitigatedVariants v{base, base, {}, {}};
    MitigationOptions mo;
    mo.eaq = true;
    const std::vector<std::vector<double>> p = o.activation_aware ? activation_aware_probabilities(e, hist)
                                                                 : std::vector<std::vector<double>>(base.layers.size(), e.weight_probabilities());
    v.eaq_report = mitigate(v.eaq, p, mo);
    mo.wd_fraction = o.wd_fraction;
    v.wd_report = mitigate(v.wd, p, mo);
    return v;
}

std::vector<StudyRow> run_study(const QuantizedModel& base, const std::vector<const ErrorTables*>& tables,
                                const ImageSet& test, const StudyOptions& o, const ImageSet* profile) {
    if (o.seeds < 1) fail("a study needs at least one seed");
    if (test.count() == 0) fail("a study needs at least one test image");
    auto say = [&](const std::string& s) {
        if (o.progress) o.progress(s);
    };
    const EvalResult baseline = evaluate_int8(base, test, o.threads);
    say("baseline (no errors): accuracy " + std::to_string(baseline.accuracy()));
    std::vector<std::vector<double>> hist;
    if (o.activation_aware) {
        if (!profile) fail("activation-aware EAQ/WD needs profile images");
        hist = activation_histograms(base, *profile, o.threads);
    }
    std::vector<StudyRow> rows;
    for (const ErrorTables* t : tables) {
        const ProductErrors e = ProductErrors::from_tables(*t, o.port, o.model == ErrorModel::Sequence);
        const MitigatedVariants mv = mitigate_variants(base, e, o, hist);
        const QuantizedModel &eaq = mv.eaq, &wd = mv.wd;
        const MitigationReport &re = mv.eaq_report, &rw = mv.wd_report;
        for (const std::string& name : o.regulations) {
            StudyRow row;
            row.clock_scale = t->clock_scale;
            row.regulation_name = name;
            row.regulation = parse_regulation(name);
            row.images = test.count();
            row.seeds = o.seeds;
            row.baseline = baseline.accuracy();
            row.macs = base.macs();
            row.macs_wd = wd.macs();
            row.eaq_moved = re.eaq_moved;
            row.wd_split = rw.wd_split;
            const QuantizedModel* variants[3] = {&base, &wd, &eaq};
            const char* names[3] = {"TError", "WD+EAQ", "EAQ"};
            std::vector<double> acc[3], err[3];
            for (int v = 0; v < 3; ++v) {
                const InjectionPlan plan(*variants[v], e, o.model, row.regulation);
                for (int s = 0; s < o.seeds; ++s) {
                    const InjectedEval r = evaluate_injected(plan, test, o.threads, o.first_seed + static_cast<uint64_t>(s));
                    acc[v].push_back(r.result.accuracy());
                    err[v].push_back(static_cast<double>(r.stats.errors) / static_cast<double>(test.count()));
                    char buf[200];
                    std::snprintf(buf, sizeof buf, "clock %.2f regulation %s %-6s seed %llu: accuracy %.4f, %.0f wrong products per image, %.1f s",
                                  t->clock_scale, name.c_str(), names[v], static_cast<unsigned long long>(o.first_seed + static_cast<uint64_t>(s)),
                                  r.result.accuracy(), err[v].back(), r.result.seconds);
                    say(buf);
                }
            }
            row.terror = MeanSd::of(acc[0]);
            row.wd_eaq = MeanSd::of(acc[1]);
            row.eaq = MeanSd::of(acc[2]);
            row.errors_terror = MeanSd::of(err[0]);
            row.errors_wd_eaq = MeanSd::of(err[1]);
            row.errors_eaq = MeanSd::of(err[2]);
            rows.push_back(row);
        }
    }
    return rows;
}

std::string study_csv(const std::vector<StudyRow>& rows) {
    std::ostringstream s;
    s << "clock_scale,regulation,regulation_value,images,seeds,n_baseline,n_terror_mean,n_terror_sd,n_wd_eaq_mean,n_wd_eaq_sd,"
         "n_eaq_mean,n_eaq_sd,macs,macs_wd_eaq,eaq_moved,wd_split,errors_terror,errors_wd_eaq,errors_eaq\n";
    char buf[512];
    for (const StudyRow& r : rows) {
        std::snprintf(buf, sizeof buf, "%.2f,%s,%.4f,%zu,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%zu,%zu,%zu,%zu,%.1f,%.1f,%.1f\n",
                      r.clock_scale, r.regulation_name.c_str(), r.regulation, r.images, r.seeds, 100 * r.baseline,
                      100 * r.terror.mean, 100 * r.terror.sd, 100 * r.wd_eaq.mean, 100 * r.wd_eaq.sd, 100 * r.eaq.mean, 100 * r.eaq.sd,
                      r.macs, r.macs_wd, r.eaq_moved, r.wd_split, r.errors_terror.mean, r.errors_wd_eaq.mean, r.errors_eaq.mean);
        s << buf;
    }
    return s.str();
}

std::string study_markdown(const std::vector<StudyRow>& rows, const std::string& title) {
    std::ostringstream s;
    s << "## " << title << "\n\n"
      << "| clock scale | regulation | N_baseline (%) | N_TError (%) | N_WD+EAQ (%) | N_EAQ (%) | #MACs (baseline/TError/EAQ) | #MACs (WD+EAQ) |\n"
      << "|---|---|---|---|---|---|---|---|\n";
    char buf[512];
    for (const StudyRow& r : rows) {
        std::snprintf(buf, sizeof buf, "| %.2f | %s (%.4f) | %.2f | %.2f +- %.2f | %.2f +- %.2f | %.2f +- %.2f | %zu | %zu |\n", r.clock_scale,
                      r.regulation_name.c_str(), r.regulation, 100 * r.baseline, 100 * r.terror.mean, 100 * r.terror.sd,
                      100 * r.wd_eaq.mean, 100 * r.wd_eaq.sd, 100 * r.eaq.mean, 100 * r.eaq.sd, r.macs, r.macs_wd);
        s << buf;
    }
    if (!rows.empty()) {
        std::snprintf(buf, sizeof buf, "\n%zu test images, %d seeds (mean +- sample standard deviation). Wrong products per image:\n\n",
                      rows[0].images, rows[0].seeds);
        s << buf << "| clock scale | regulation | TError | WD+EAQ | EAQ | weights moved by EAQ | weights distributed |\n|---|---|---|---|---|---|---|\n";
        for (const StudyRow& r : rows) {
            std::snprintf(buf, sizeof buf, "| %.2f | %s | %.1f | %.1f | %.1f | %zu | %zu |\n", r.clock_scale, r.regulation_name.c_str(),
                          r.errors_terror.mean, r.errors_wd_eaq.mean, r.errors_eaq.mean, r.eaq_moved, r.wd_split);
            s << buf;
        }
    }
    return s.str();
}

}  // namespace tesa
