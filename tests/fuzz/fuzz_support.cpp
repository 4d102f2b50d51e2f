// fuzz_support.cpp -- scratch files for the targets that must go through a file.
#include "tests/fuzz/fuzz_support.h"

#include <unistd.h>

#include <filesystem>

namespace tesa::fuzz {

std::string scratch_path(const std::string& suffix) {
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::is_directory("/dev/shm", ec) ? "/dev/shm" : std::filesystem::temp_directory_path();
    return (dir / ("tesa-fuzz-" + std::to_string(::getpid()) + suffix)).string();
}

}  // namespace tesa::fuzz
