// table_cache.h -- error tables stored under their content key, found by operating point.
//
// A table lives at <out>/tables/<top>_w<N>_<key>.h5, key = table_key(point, netlist hash, SDF
// hash, width) (timing/operating_point.h): two requests for one netlist, delays, semantics, clock,
// step, voltage and die find one file, and a changed netlist or SDF never finds a stale one. The
// file's attributes say everything else (corner, voltage, clock, semantics, die, error rate), so
// the cache has no index to fall out of step with it. The SDF hash leaves out the header's DATE
// (OpenSTA stamps each run), so it is the hash of the delays and their context.
#pragma once

#include "timing/characterizer.h"
#include "timing/error_tables.h"
#include "timing/operating_point.h"
#include "timing/timing_setup.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tesa {

struct LaneEngineStats;

// The timing of one operating point: the corner set up (synthesis when missing, OpenSTA), the
// point resolved against it, its key and its file in the cache.
struct PointTiming {
    TimingSetup timing;
    OperatingPoint point;
    std::string netlist_hash, sdf_hash, key;
    std::filesystem::path file;
    int width = 0;
};

// `corner` is the set-up of spec.corner; with a voltage, OpenSTA also times the Nangate45 fast,
// typ and slow corners found in `pdk_dir` for the alpha-power fit (Error when the corner is not one
// of them, or the files are missing).
PointTiming resolve_point_timing(const TimingSetupOptions& corner, const OperatingPointSpec& spec,
                                 const std::filesystem::path& pdk_dir);

std::filesystem::path cached_table_file(const std::filesystem::path& out, const std::string& top, int width,
                                        const std::string& key);

// Characterizes the point into its cache file (work files under <out>/characterize/<key>, so an
// interrupted run resumes), provenance attributes set; returns the tables written.
// `options.work_dir` is set here.
ErrorTables characterize_point(const PointTiming& pt, const std::filesystem::path& out, CharacterizeOptions options,
                               LaneEngineStats* stats = nullptr);

struct CachedTable {
    std::filesystem::path file;
    ErrorTables attributes;  // read_attributes; empty when `problem` is set
    std::string problem;     // why the file could not be read ("" if it could)
};
// Every *.h5 under <out>/tables, by file name; unreadable files are listed with their problem.
std::vector<CachedTable> list_cached_tables(const std::filesystem::path& out);

// "s0.90", plus "_1.000V", "_sigma0.05_die3" and "_sdf-sim" where they apply: names result files
// of runs over one table so that runs at other operating points do not overwrite them.
std::string table_tag(const ErrorTables& tables);

}  // namespace tesa
