// lane_compiler.h -- a lane program compiled to machine code: its generated C++ (256-bit GCC
// vector words) built by the system C++ compiler into a shared library in a cache directory,
// named by the hash of the source and flags (a second build of the same program is a lookup),
// loaded with dlopen. Same bits as run_lane_code(); several times faster, since the compiler keeps
// values in registers where the interpreter goes through memory. Building takes minutes for the
// 8-bit programs (hundreds of thousands of statements; units compiled in parallel). Processes
// building into one cache directory take turns (a lock file there).
#pragma once

#include "timing/lane_program.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace tesa {

class CompiledLaneProgram {
public:
    // Throws Error naming the directory and the compiler's output if the build fails.
    static std::unique_ptr<CompiledLaneProgram> build(const LaneProgram& program, const std::filesystem::path& cache_dir,
                                                      int jobs, const std::function<void(const std::string&)>& progress = {});
    ~CompiledLaneProgram();
    CompiledLaneProgram(const CompiledLaneProgram&) = delete;
    CompiledLaneProgram& operator=(const CompiledLaneProgram&) = delete;

    uint32_t slots() const { return slots_; }
    const std::filesystem::path& library() const { return library_; }
    // in: the program's inputs, out: its outputs, slots: scratch of slots() words (one per thread).
    void run(const LaneWord256* in, LaneWord256* out, LaneWord256* slots) const { fn_(in, out, slots); }

private:
    CompiledLaneProgram() = default;
    void* handle_ = nullptr;
    void (*fn_)(const LaneWord256*, LaneWord256*, LaneWord256*) = nullptr;
    uint32_t slots_ = 0;
    std::filesystem::path library_;
};

}  // namespace tesa
