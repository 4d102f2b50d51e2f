// Fuzz target: a sweep's plan.tsv (experiments/sweep.h), which every worker of a sweep reads and a
// user or a lost machine can leave damaged. The plan is read from a scratch directory; a plan that
// reads is written again and must read back to the same jobs.
#include "common/file_util.h"
#include "experiments/sweep.h"
#include "tests/fuzz/fuzz_support.h"

#include <filesystem>

namespace {

struct ScratchDir {  // one per process, removed at exit
    std::filesystem::path path = tesa::fuzz::scratch_path("_sweep");
    ScratchDir() { std::filesystem::create_directories(path); }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const ScratchDir scratch;
    const std::filesystem::path& dir = scratch.path;
    tesa::write_file_atomic(dir / "plan.tsv", tesa::fuzz::text(data, size));
    tesa::fuzz::refuses_cleanly([&] {
        const tesa::SweepPlan p = tesa::read_plan(dir);
        tesa::write_plan(p, dir);
        const tesa::SweepPlan q = tesa::read_plan(dir);
        if (q.jobs.size() != p.jobs.size() || q.name != p.name || q.command != p.command || q.params != p.params) __builtin_trap();
        for (size_t i = 0; i < p.jobs.size(); ++i)
            if (q.jobs[i].args != p.jobs[i].args || q.jobs[i].params != p.jobs[i].params || q.jobs[i].depends != p.jobs[i].depends ||
                q.jobs[i].id != p.jobs[i].id || q.jobs[i].label != p.jobs[i].label || q.jobs[i].tables_file != p.jobs[i].tables_file)
                __builtin_trap();
    });
    return 0;
}
