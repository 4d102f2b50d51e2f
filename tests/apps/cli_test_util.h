// cli_test_util.h -- running `tesa` in-process from the CLI tests.
#pragma once

#include "apps/tesa/cli.h"

#include <sstream>
#include <string>
#include <vector>

namespace tesa::test {

struct CliRun {
    int code = -1;
    std::string out, err;
};

inline CliRun run_tesa(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    CliRun r;
    r.code = tesa::cli::run(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace tesa::test
