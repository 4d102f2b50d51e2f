// study.h -- the paper's experiment (Tables IV-VI): one network's INT8 accuracy without errors,
// with timing errors, with WD+EAQ and with EAQ only, and the MAC counts, per clock scale and
// regulation, mean and standard deviation over seeds.
#pragma once

#include "compiler/activation_profile.h"
#include "compiler/injection.h"
#include "compiler/mitigation.h"

#include <functional>
#include <string>
#include <vector>

namespace tesa {

struct StudyOptions {
    std::vector<std::string> regulations{"1.5sigma", "2sigma"};  // names or numbers (parse_regulation)
    int seeds = 3;
    uint64_t first_seed = 1;
    double wd_fraction = 0.01;
    WeightPort port = WeightPort::A;
    ErrorModel model = ErrorModel::Paper;
    // EAQ/WD from each layer's activation-aware probabilities (activation_profile.h), measured on
    // run_study's profile images, instead of Table III (the paper's).
    bool activation_aware = false;
    int threads = 0;
    std::function<void(const std::string&)> progress;  // one line per finished evaluation
};

struct MeanSd {
    double mean = 0, sd = 0;  // sample standard deviation (n - 1); 0 for one value
    static MeanSd of(const std::vector<double>& v);
};

struct StudyRow {
    double clock_scale = 0;
    std::string regulation_name;
    double regulation = 0;
    size_t images = 0;
    int seeds = 0;
    double baseline = 0;             // accuracy without errors (nearest rounding)
    MeanSd terror, wd_eaq, eaq;      // accuracies with errors
    size_t macs = 0, macs_wd = 0;    // per image: baseline/TError/EAQ, and WD+EAQ
    size_t eaq_moved = 0, wd_split = 0;
    MeanSd errors_terror, errors_wd_eaq, errors_eaq;  // injected wrong products per image
};

// The study's two mitigated networks for one set of tables: EAQ alone, and WD (top o.wd_fraction)
// + EAQ, from Table III of o.port or, with o.activation_aware, from `hist`
// (activation_histograms of the profile images).
struct MitigatedVariants {
    QuantizedModel eaq, wd;
    MitigationReport eaq_report, wd_report;
};
MitigatedVariants mitigate_variants(const QuantizedModel& base, const ProductErrors& e, const StudyOptions& o,
                                    const std::vector<std::vector<double>>& hist);

// `tables` in clock-scale order; `base` is the nearest-rounded INT8 network; `profile`: the images
// the activation-aware probabilities come from (needed with o.activation_aware; not test images).
std::vector<StudyRow> run_study(const QuantizedModel& base, const std::vector<const ErrorTables*>& tables,
                                const ImageSet& test, const StudyOptions& o, const ImageSet* profile = nullptr);

std::string study_csv(const std::vector<StudyRow>& rows);
std::string study_markdown(const std::vector<StudyRow>& rows, const std::string& title);

}  // namespace tesa
