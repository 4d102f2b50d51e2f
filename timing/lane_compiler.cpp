// lane_compiler.cpp -- generate units, compile them in parallel with `c++ -O1`, link, load.
#include "timing/lane_compiler.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "timing/error_tables.h"

#include <dlfcn.h>

#include <atomic>
#include <thread>
#include <vector>

namespace tesa {

std::unique_ptr<CompiledLaneProgram> CompiledLaneProgram::build(const LaneProgram& program, const std::filesystem::path& dir,
                                                                int jobs, const std::function<void(const std::string&)>& progress) {
    // AVX2 where the CPU has it; the bits do not depend on it.
    const std::vector<std::string> flags = {"-O1", "-fPIC", "-std=c++17", __builtin_cpu_supports("avx2") ? "-mavx2" : "-mno-avx"};
    const int units = std::max(2, std::min(16, 2 * jobs));
    const std::vector<std::string> src = program.cpp_units("tesa_lanes", 32, units);
    std::string all;
    for (const auto& f : flags) all += f + " ";
    for (const auto& u : src) all += u;
    const std::string hash = bytes_hash(all);
    std::filesystem::create_directories(dir);
    const std::filesystem::path lib = dir / ("lanes_" + hash + ".so");
    // Processes sharing the cache take turns: the second finds the first's library.
    const FileLock lock(dir / "lock");
    if (!std::filesystem::exists(lib)) {
        if (progress) progress("lane compiler: compiling " + std::to_string(program.logic_ops()) + " ops in " + std::to_string(units) +
                               " units with c++ -O1 (minutes for an 8-bit model; cached in " + dir.string() + ")");
        const std::filesystem::path work = dir / ("build_" + hash);
        std::error_code ec;
        std::filesystem::remove_all(work, ec);  // a killed build leaves partial objects: start clean
        std::filesystem::create_directories(work);
        std::vector<std::string> objects(src.size()), errors(src.size());
        for (size_t k = 0; k < src.size(); ++k) {
            write_file_atomic(work / ("unit" + std::to_string(k) + ".cpp"), src[k]);
            objects[k] = (work / ("unit" + std::to_string(k) + ".o")).string();
        }
        std::atomic<size_t> next{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < std::max(1, jobs); ++t)
            pool.emplace_back([&] {
                for (size_t k; (k = next.fetch_add(1)) < src.size();) {
                    std::vector<std::string> cmd = {"c++"};
                    cmd.insert(cmd.end(), flags.begin(), flags.end());
                    cmd.insert(cmd.end(), {"-c", (work / ("unit" + std::to_string(k) + ".cpp")).string(), "-o", objects[k]});
                    const ProcessResult r = run_process(cmd);
                    if (r.exit_code != 0) errors[k] = r.output.substr(0, 2000);
                }
            });
        for (auto& th : pool) th.join();
        for (size_t k = 0; k < src.size(); ++k)
            if (!errors[k].empty()) fail("lane compiler: compiling " + (work / ("unit" + std::to_string(k) + ".cpp")).string() + " failed:\n" + errors[k]);
        const std::filesystem::path tmp = dir / ("lanes_" + hash + ".so.tmp");
        std::vector<std::string> link = {"c++", "-shared", "-o", tmp.string()};
        link.insert(link.end(), objects.begin(), objects.end());
        const ProcessResult r = run_process(link);
        if (r.exit_code != 0) fail("lane compiler: linking " + tmp.string() + " failed:\n" + r.output.substr(0, 2000));
        std::filesystem::rename(tmp, lib);
        std::filesystem::remove_all(work, ec);
    }
    std::unique_ptr<CompiledLaneProgram> c(new CompiledLaneProgram());
    c->library_ = lib;
    c->handle_ = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!c->handle_) fail("lane compiler: cannot load " + lib.string() + ": " + dlerror());
    c->fn_ = reinterpret_cast<void (*)(const LaneWord256*, LaneWord256*, LaneWord256*)>(dlsym(c->handle_, "tesa_lanes"));
    auto slots = reinterpret_cast<int (*)()>(dlsym(c->handle_, "tesa_lanes_slots"));
    if (!c->fn_ || !slots) fail("lane compiler: " + lib.string() + " lacks the entry points (damaged? remove it)");
    c->slots_ = static_cast<uint32_t>(slots());
    if (c->slots_ != program.code().slots) fail("lane compiler: " + lib.string() + " is not this program (remove it)");
    return c;
}

CompiledLaneProgram::~CompiledLaneProgram() {
    if (handle_) dlclose(handle_);
}

}  // namespace tesa
