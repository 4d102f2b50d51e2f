// table_cache.cpp -- operating points timed, keyed, characterized and listed.
#include "timing/table_cache.h"

#include "common/text_format.h"

#include "common/error.h"
#include "common/file_util.h"
#include "timing/lane_engine.h"
#include "timing/voltage_model.h"

#include <algorithm>

namespace tesa {

namespace {

const char* const kNangateCorners[] = {"fast", "typ", "slow"};

// The SDF's bytes without its (DATE "...") header entry: OpenSTA stamps the time of the run, and
// one design timed twice must give one key.
std::string sdf_content_hash(const std::filesystem::path& sdf) {
    std::string bytes = read_file(sdf);
    const auto at = bytes.find("(DATE ");
    if (at != std::string::npos && at < 512) {
        const auto end = bytes.find(')', at);
        if (end != std::string::npos) bytes.erase(at, end + 1 - at);
    }
    return bytes_hash(bytes);
}

}  // namespace

PointTiming resolve_point_timing(const TimingSetupOptions& corner, const OperatingPointSpec& spec,
                                 const std::filesystem::path& pdk_dir) {
    if (spec.voltage &&
        std::find(std::begin(kNangateCorners), std::end(kNangateCorners), spec.corner) == std::end(kNangateCorners))
        fail("--voltage scales one of the Nangate45 corners (typ, fast, slow) with a fit over all three; the "
             "corner '" + spec.corner + "' is not one of them");
    PointTiming pt;
    pt.timing = prepare_timing(corner);
    pt.width = static_cast<int>(pt.timing.netlist->find_port("a")->bits.size());
    VoltageRange range;
    std::vector<VoltagePoint> points;
    if (spec.voltage) {
        for (const char* k : kNangateCorners) {
            if (k == spec.corner) {
                points.push_back({pt.timing.liberty->nom_voltage(), pt.timing.sta.min_period_ps});
                continue;
            }
            TimingSetupOptions o = corner;
            o.liberty = pdk_dir / (std::string("nangate45_") + k + ".lib.gz");
            o.corner_name = k;
            const TimingSetup s = prepare_timing(o);
            points.push_back({s.liberty->nom_voltage(), s.sta.min_period_ps});
        }
        range.lo = std::min({points[0].volts, points[1].volts, points[2].volts});
        range.hi = std::max({points[0].volts, points[1].volts, points[2].volts});
    }
    const double nominal = pt.timing.liberty->nom_voltage();
    pt.point = resolve_operating_point(spec, pt.timing.sta.min_period_ps, nominal, range, [&](double v) {
        return AlphaPowerModel::fit(points).scale(nominal, v);
    });
    pt.netlist_hash = file_hash(pt.timing.netlist->file());
    pt.sdf_hash = sdf_content_hash(pt.timing.sta.sdf);
    pt.key = table_key(pt.point, pt.netlist_hash, pt.sdf_hash, pt.width);
    pt.file = cached_table_file(corner.out, pt.timing.netlist->module_name(), pt.width, pt.key);
    return pt;
}

std::filesystem::path cached_table_file(const std::filesystem::path& out, const std::string& top, int width,
                                        const std::string& key) {
    return out / "tables" / (top + "_w" + std::to_string(width) + "_" + key + ".h5");
}

ErrorTables characterize_point(const PointTiming& pt, const std::filesystem::path& out, CharacterizeOptions options,
                               LaneEngineStats* stats) {
    const OperatingPoint& p = pt.point;
    const TimedNetlist tn = TimedNetlist::build(*pt.timing.netlist, *pt.timing.sdf, p.conditions());
    options.work_dir = out / "characterize" / pt.key;
    ErrorTables tables;
    switch (p.spec.semantics) {
    case Semantics::SdfSim:
    case Semantics::Transport:
        tables = characterize_lanes(tn, p.spec.semantics, options, stats);
        tables.model = std::string(semantics_name(p.spec.semantics)) + " lane program, stability bound + exact evaluation";
        break;
    case Semantics::DelayLine:
        tables = characterize(tn, *pt.timing.netlist, options);
        tables.model = "time-unrolled, input-edge lines, max over COND";
        break;
    }
    tables.semantics = semantics_name(p.spec.semantics);
    tables.clock_scale = p.clock_scale();
    tables.corner = p.spec.corner;
    tables.voltage = p.spec.voltage ? *p.spec.voltage : 0.0;
    tables.delay_scale = p.delay_scale;
    tables.sigma = p.spec.sigma;
    tables.die_seed = p.spec.die_seed;
    tables.key = pt.key;
    tables.netlist_hash = pt.netlist_hash;
    tables.sdf_hash = pt.sdf_hash;
    tables.tesa_version = TESA_VERSION;
    tables.write(pt.file);
    return tables;
}

std::vector<CachedTable> list_cached_tables(const std::filesystem::path& out) {
    std::vector<CachedTable> list;
    const std::filesystem::path dir = out / "tables";
    if (!std::filesystem::is_directory(dir)) return list;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (!e.is_regular_file() || e.path().extension() != ".h5") continue;
        CachedTable c;
        c.file = e.path();
        try {
            c.attributes = ErrorTables::read_attributes(e.path());
        } catch (const Error& err) {
            c.problem = err.what();
        }
        list.push_back(std::move(c));
    }
    std::sort(list.begin(), list.end(), [](const CachedTable& a, const CachedTable& b) { return a.file < b.file; });
    return list;
}

std::string table_tag(const ErrorTables& t) {
    std::string tag = fmt("s%.2f", t.clock_scale);
    if (t.voltage > 0) tag += fmt("_%.3fV", t.voltage);
    if (t.sigma > 0) tag += fmt("_sigma%g", t.sigma) + "_die" + std::to_string(t.die_seed);
    if (t.semantics != semantics_name(Semantics::DelayLine)) tag += "_" + t.semantics;
    return tag;
}


}  // namespace tesa
