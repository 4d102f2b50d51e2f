// sweep_overhead -- what `tesa sweep` adds per point: K small `tesa run` points (LeNet-5 on a 4x4
// array, a few images, no errors) run directly one after another (a process each), then as a sweep
// on one local worker (plan, worker process, done marker, collect), in one run; prints both and the
// overhead per point. Needs the tesa binary and the data sets (scripts/data.sh).
//   sweep_overhead [K]   (default 8)
#include "apps/tesa/cli.h"
#include "common/file_util.h"
#include "common/process.h"

#include <systemc>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int sc_main(int argc, char** argv) {
    const int k = argc > 1 ? std::max(1, std::atoi(argv[1])) : 8;
    const fs::path dir = fs::temp_directory_path() / ("tesa_sweep_overhead_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string tesa = TESA_BINARY;
    std::string seeds;
    for (int i = 1; i <= k; ++i) seeds += " " + std::to_string(i);
    const double direct = [&] {
        const auto t0 = Clock::now();
        for (int i = 1; i <= k; ++i) {
            const tesa::ProcessResult r = tesa::run_process({tesa, "run", "--images", "4", "--calibration-images", "200", "--regulation", "0",
                                                             "--array", "4x4", "--seed", std::to_string(i), "--out", (dir / "direct").string()});
            if (r.exit_code != 0) {
                std::cerr << r.output;
                std::exit(1);
            }
        }
        return std::chrono::duration<double>(Clock::now() - t0).count();
    }();
    tesa::write_file_atomic(dir / "bench.ini", "command = run\n[fixed]\nimages = 4\ncalibration-images = 200\nregulation = 0\narray = 4x4\n[grid]\nseed =" +
                                                   seeds + "\n");
    const auto t0 = Clock::now();
    std::ostringstream out, err;
    const int rc = tesa::cli::run({"sweep", "--config", (dir / "bench.ini").string(), "--out", (dir / "sweep").string(), "--workers", "1", "--tesa", tesa,
                                   "--plot", "false"},
                                  tesa::cli::accelerator_commands(), out, err);
    const double swept = std::chrono::duration<double>(Clock::now() - t0).count();
    if (rc != 0) {
        std::cerr << err.str();
        return 1;
    }
    std::printf("| points | direct, s per point | sweep (1 worker), s per point | overhead per point (s) | sweep / direct |\n|---|---|---|---|---|\n");
    std::printf("| %d | %.3f | %.3f | %.3f | %.3f |\n", k, direct / k, swept / k, (swept - direct) / k, swept / direct);
    fs::remove_all(dir);
    return 0;
}
