// cli_test_util.h -- running `tesa` in-process from the CLI tests.
#pragma once

#include "apps/tesa/cli.h"

#include <algorithm>
#include <filesystem>
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

// The tables cached under <out>/tables (timing/table_cache.h), by name.
inline std::vector<std::filesystem::path> cached_tables(const std::filesystem::path& out) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(out / "tables"))
        for (const auto& e : std::filesystem::directory_iterator(out / "tables"))
            if (e.path().extension() == ".h5") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

// The file after "tables: " in a `tesa characterize` output ("" if none).
inline std::string tables_line(const std::string& out) {
    const auto at = out.rfind("tables: ");
    if (at == std::string::npos) return "";
    const auto end = out.find('\n', at);
    return out.substr(at + 8, end == std::string::npos ? std::string::npos : end - at - 8);
}

}  // namespace tesa::test
