// console.h -- where a long-running library routine reports: `out` for its results (the text a
// user reads or a script parses), `err` for progress and warnings. The CLI passes its streams;
// tests and benches pass string streams.
#pragma once

#include <iosfwd>

namespace tesa {

struct Console {
    std::ostream& out;
    std::ostream& err;
};

}  // namespace tesa
