// process.h -- running the external EDA tools (Yosys, OpenSTA, Icarus) tesa drives.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tesa {

struct ProcessResult {
    int exit_code = -1;  // the tool's status; 128+N when killed by signal N
    std::string output;  // stdout and stderr together, as the tool printed them
};

// Absolute path of `program` found on PATH (or as given if it contains '/'); empty if absent.
std::string find_program(const std::string& program);

// Runs argv[0] (looked up on PATH) with extra environment variables, in `workdir` if not empty,
// capturing its output. Throws Error if the program is not installed or cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& extra_env = {},
                          const std::filesystem::path& workdir = {});

// The text of a tool's output between two marker lines the driving script printed (`puts BEGIN`);
// empty when either marker is missing.
std::string output_section(const std::string& text, const std::string& begin, const std::string& end);

}  // namespace tesa
