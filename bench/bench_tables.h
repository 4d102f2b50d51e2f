// bench_tables.h -- which error tables a benchmark runs on when none is given: the 8-bit
// delay-line tables at clock scale 0.9 (typ corner, nominal voltage and die) cached under
// tesa-out/tables by `tesa characterize --clock-scale 0.9 --semantics delay-line`.
#pragma once

#include "common/error.h"
#include "timing/table_cache.h"

#include <cmath>
#include <string>

namespace tesa::bench {

// The file, or "" when no such table is cached.
inline std::string default_tables(int argc, char** argv, const std::filesystem::path& out = "tesa-out") {
    if (argc > 1) return argv[1];
    for (const CachedTable& c : list_cached_tables(out)) {
        const ErrorTables& t = c.attributes;
        if (c.problem.empty() && t.width == 8 && t.corner == "typ" && t.semantics == "delay-line" && t.voltage == 0 &&
            t.sigma == 0 && std::fabs(t.clock_scale - 0.9) < 1e-6)
            return c.file.string();
    }
    return "";
}

// The same, or Error with the command that makes them.
inline std::string required_tables(int argc, char** argv) {
    const std::string f = default_tables(argc, argv);
    if (f.empty())
        fail("no tables given and none cached at clock scale 0.9 (delay-line) under tesa-out: run `build/tesa "
             "characterize --clock-scale 0.9 --semantics delay-line` or give TABLES.h5");
    return f;
}

}  // namespace tesa::bench
