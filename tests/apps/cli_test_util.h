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

// With `commands` null: the stages' commands (tesa-core); else those given (e.g. the accelerator's).
inline CliRun run_tesa(const std::vector<std::string>& args, const std::vector<tesa::cli::Command>* commands = nullptr) {
    std::ostringstream out, err;
    CliRun r;
    r.code = commands ? tesa::cli::run(args, *commands, out, err) : tesa::cli::run(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace tesa::test
