// Faults a long job must survive: SIGKILL at random instants (the rerun finishes with the same bits
// as a run that was never interrupted), damaged resume state (a journal record or a chunk with a bad
// checksum is detected and redone, not trusted), and outputs that cannot be written (a full disk,
// a read-only directory: a clear error, and the earlier results left as they were).
#include "cli_test_util.h"
#include "held_transitions.h"
#include "test_util.h"

#include "apps/tesa/commands.h"
#include "common/file_util.h"
#include "common/rng.h"
#include "timing/error_tables.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace {

namespace fs = std::filesystem;
using tesa::test::contains;
using tesa::test::TempDir;

struct Child {
    int status = 0;       // waitpid status
    bool killed = false;  // SIGKILL arrived while it ran
    double seconds = 0;
    std::string log;
};

size_t occurrences(const std::string& text, const std::string& pattern) {
    size_t n = 0;
    for (size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + 1)) ++n;
    return n;
}

// Runs the tesa binary with `args`; with kill_after_s >= 0, sends SIGKILL at that time if it still
// runs; with kill_at_line > 0, sends it once its output holds that many lines containing
// `kill_pattern` (a point in its progress, whatever the machine's speed).
Child run_tesa_binary(const std::vector<std::string>& args, double kill_after_s, const fs::path& log,
                      const std::string& kill_pattern = "", size_t kill_at_line = 0) {
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::FILE* f = std::freopen(log.c_str(), "w", stdout);
        if (f) ::dup2(::fileno(stdout), 2);
        std::vector<char*> argv{const_cast<char*>(TESA_BINARY)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(TESA_BINARY, argv.data());
        _exit(127);
    }
    Child c;
    for (;;) {
        const pid_t done = ::waitpid(pid, &c.status, WNOHANG);
        if (done == pid) break;
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::error_code ec;
        const bool at_line = kill_at_line > 0 && fs::exists(log, ec) && occurrences(tesa::read_file(log), kill_pattern) >= kill_at_line;
        if (((kill_after_s >= 0 && el >= kill_after_s) || at_line) && !c.killed) {
            ::kill(pid, SIGKILL);
            c.killed = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    c.killed = c.killed && WIFSIGNALED(c.status);
    c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    c.log = tesa::read_file(log);
    return c;
}

bool succeeded(const Child& c) { return WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0; }

// A result CSV without the columns that measure the host's speed (wall time, images per second).
std::string without_speed_columns(const std::string& csv) {
    std::vector<std::vector<std::string>> rows;
    for (const std::string& line : tesa::split_list(csv, '\n')) rows.push_back(tesa::split_list(line, ','));
    std::string out;
    for (const auto& row : rows) {
        for (size_t c = 0; c < row.size() && c < rows[0].size(); ++c)
            if (rows[0][c] != "wall_seconds" && rows[0][c] != "images_per_second") out += row[c] + ",";
        out += "\n";
    }
    return out;
}

// Runs the command `kills` times, killing each attempt with SIGKILL at a seeded random point of
// its progress -- once its output shows 1 .. max_lines more lines containing `progress` -- and
// rerunning it, then lets it finish. Returns how many attempts were really killed mid-way.
int kill_and_resume(const std::vector<std::string>& args, const std::string& progress, size_t max_lines, int kills, uint64_t seed,
                    const fs::path& log) {
    tesa::Rng rng(seed);
    int killed = 0;
    for (int k = 0; k < kills; ++k) {
        const size_t at = 1 + rng.next() % max_lines;
        const Child c = run_tesa_binary(args, -1, log, progress, at);
        if (c.killed) ++killed;
        else EXPECT_TRUE(succeeded(c)) << c.log;  // finished before the kill: fine, later runs reuse everything
    }
    const Child last = run_tesa_binary(args, -1, log);
    EXPECT_TRUE(succeeded(last)) << last.log;
    return killed;
}

std::vector<std::string> characterize_args(const fs::path& out, const std::string& semantics = "delay-line") {
    return {"characterize", "--width", "4", "--clock-scale", "0.8", "--chunk", "8", "--threads", "1", "--semantics", semantics,
            "--out", out.string()};
}

// The one table a characterize_args run caches under `out`.
fs::path tables_file(const fs::path& out) {
    const std::vector<fs::path> files = tesa::test::cached_tables(out);
    EXPECT_EQ(files.size(), 1u) << out;
    return files.empty() ? out / "tables" / "missing.h5" : files[0];
}

void expect_same_tables(const fs::path& a, const fs::path& b) {
    const tesa::ErrorTables x = tesa::ErrorTables::read(a), y = tesa::ErrorTables::read(b);
    EXPECT_EQ(x.offsets, y.offsets);
    EXPECT_EQ(x.outputs, y.outputs);
    EXPECT_EQ(x.counts, y.counts);
    EXPECT_EQ(x.a_held, y.a_held);
    EXPECT_EQ(x.b_held, y.b_held);
    EXPECT_EQ(x.wrong_pairs, y.wrong_pairs);
    const tesa::TransitionTable s = tesa::read_transition_table(a), t = tesa::read_transition_table(b);
    EXPECT_EQ(s.offsets, t.offsets);
    EXPECT_EQ(s.previous, t.previous);
    EXPECT_EQ(s.outputs, t.outputs);
}

TEST(Faults, CharacterizeKilledAtRandomInstantsResumesToTheSameTables) {
    TempDir t;
    const Child ref = run_tesa_binary(characterize_args(t.path / "ref"), -1, t.path / "ref.log");
    ASSERT_TRUE(succeeded(ref)) << ref.log;
    ASSERT_GT(tesa::ErrorTables::read(tables_file(t.path / "ref")).wrong_pairs, 0u) << "clock scale 0.8 must fail some products";
    // Killed after 1-5 more computed chunks (of 32) each time; the killed tool processes die with it.
    const int killed = kill_and_resume(characterize_args(t.path / "killed"), "characterize: chunk ", 5, 4, 18, t.path / "killed.log");
    std::printf("characterize: %d of 4 runs killed mid-way (uninterrupted run %.1f s), resumed to the same tables\n", killed, ref.seconds);
    EXPECT_EQ(killed, 4) << "every kill lands while the command runs";
    expect_same_tables(tables_file(t.path / "ref"), tables_file(t.path / "killed"));
}

TEST(Faults, SdfSimCharacterizeKilledAtRandomInstantsResumesToTheSameTables) {
    // The in-process engine writes the same chunk files as the worker: the same resume guarantee.
    TempDir t;
    const Child ref = run_tesa_binary(characterize_args(t.path / "ref", "sdf-sim"), -1, t.path / "ref.log");
    ASSERT_TRUE(succeeded(ref)) << ref.log;
    EXPECT_EQ(tesa::ErrorTables::read(tables_file(t.path / "ref")).semantics, "sdf-sim");
    const int killed = kill_and_resume(characterize_args(t.path / "killed", "sdf-sim"), "characterize: chunk ", 5, 4, 18, t.path / "killed.log");
    EXPECT_EQ(killed, 4) << "every kill lands while the command runs";
    expect_same_tables(tables_file(t.path / "ref"), tables_file(t.path / "killed"));
}

TEST(Faults, ADamagedChunkIsDetectedAndComputedAgain) {
    TempDir t;
    const fs::path out = t.path / "out";
    ASSERT_TRUE(succeeded(run_tesa_binary(characterize_args(out), -1, t.path / "a.log")));
    fs::copy_file(tables_file(out), t.path / "good.h5");
    fs::path chunk;
    for (const auto& e : fs::recursive_directory_iterator(out / "characterize"))
        if (e.path().filename() == "chunk_3.bin") chunk = e.path();
    ASSERT_FALSE(chunk.empty());
    std::string bytes = tesa::read_file(chunk);
    bytes[bytes.size() / 2] ^= 0x10;  // one flipped bit in the middle of the chunk
    tesa::write_file_atomic(chunk, bytes);
    const Child again = run_tesa_binary(characterize_args(out), -1, t.path / "b.log");
    ASSERT_TRUE(succeeded(again)) << again.log;
    EXPECT_TRUE(contains(again.log, "chunk_3.bin: fails its checksum (damaged); computing the chunk again")) << again.log;
    expect_same_tables(t.path / "good.h5", tables_file(out));
}

std::vector<std::string> run_args(const fs::path& tables, const fs::path& out) {
    return {"run", "--network", "lenet5-mnist", "--tables", tables.string(), "--regulation", "0.5", "--array", "8x8", "--images", "60",
            "--calibration-images", "300", "--variant", "baseline,eaq", "--jobs", "2", "--out", out.string()};
}

TEST(Faults, RunKilledAtRandomInstantsResumesToTheSameResults) {
    TempDir t;
    const fs::path tables = tesa::test::write_synthetic_tables(t.path / "tables.h5");
    const Child ref = run_tesa_binary(run_args(tables, t.path / "ref"), -1, t.path / "ref.log");
    ASSERT_TRUE(succeeded(ref)) << ref.log;
    // Killed after 1-3 progress lines (3 images each) of the first worker's 30 images per variant.
    const int killed = kill_and_resume(run_args(tables, t.path / "killed"), "images (first worker)", 3, 4, 7, t.path / "killed.log");
    std::printf("run: %d of 4 runs killed mid-way (uninterrupted run %.1f s), resumed to the same results\n", killed, ref.seconds);
    EXPECT_EQ(killed, 4) << "every kill lands while the command runs";
    const std::string name = "lenet5-mnist_8x8_s0.80_0.5";
    for (const char* suffix : {".csv", "_layers.csv"}) {
        const std::string a = without_speed_columns(tesa::read_file(t.path / "ref" / "run" / (name + suffix)));
        const std::string b = without_speed_columns(tesa::read_file(t.path / "killed" / "run" / (name + suffix)));
        EXPECT_EQ(a, b) << suffix;
    }
    EXPECT_TRUE(fs::is_empty(t.path / "killed" / "run" / "journal")) << "journals go once the results are written";
}

TEST(Faults, ADamagedJournalRecordIsRunAgain) {
    TempDir t;
    const fs::path tables = tesa::test::write_synthetic_tables(t.path / "tables.h5");
    std::vector<std::string> args = run_args(tables, t.path / "out");
    const Child whole = run_tesa_binary(args, -1, t.path / "ref.log");
    ASSERT_TRUE(succeeded(whole)) << whole.log;
    const std::string ref = without_speed_columns(tesa::read_file(t.path / "out" / "run" / "lenet5-mnist_8x8_s0.80_0.5.csv"));
    args.push_back("--budget-images");
    args.push_back("50");
    fs::remove_all(t.path / "out");
    const Child part = run_tesa_binary(args, -1, t.path / "part.log");
    ASSERT_TRUE(succeeded(part)) << part.log;
    int damaged = 0;
    for (const auto& e : fs::recursive_directory_iterator(t.path / "out" / "run" / "journal"))
        if (e.is_regular_file() && fs::file_size(e.path()) > 200) {
            std::string bytes = tesa::read_file(e.path());
            bytes[100] ^= 0x01;  // inside the first record's payload
            tesa::write_file_atomic(e.path(), bytes);
            ++damaged;
        }
    ASSERT_GT(damaged, 0);
    args.resize(args.size() - 2);
    const Child rest = run_tesa_binary(args, -1, t.path / "rest.log");
    ASSERT_TRUE(succeeded(rest)) << rest.log;
    EXPECT_TRUE(contains(rest.log, "a record fails its checksum")) << rest.log;
    EXPECT_EQ(without_speed_columns(tesa::read_file(t.path / "out" / "run" / "lenet5-mnist_8x8_s0.80_0.5.csv")), ref);
}

// Once `tesa run` segfaulted at exit after writing its results (SystemC's first context deleted
// under its own static events): one process simulating four systems (two variants, two dataflows)
// must exit cleanly -- and, in the sanitizer build, without a use after free or a leak.
TEST(Faults, SeveralSimulationsInOneProcessExitCleanly) {
    TempDir t;
    const fs::path tables = tesa::test::write_synthetic_tables(t.path / "tables.h5");
    const Child c = run_tesa_binary({"run", "--network", "lenet5-mnist", "--tables", tables.string(), "--regulation", "0.5", "--array", "8x8", "--images", "3",
                                     "--calibration-images", "100", "--variant", "baseline,eaq", "--dataflow", "ws,os", "--jobs", "1",
                                     "--out", t.path.string()},
                                    -1, t.path / "log");
    EXPECT_TRUE(WIFEXITED(c.status)) << "killed by signal " << (WIFSIGNALED(c.status) ? WTERMSIG(c.status) : 0) << "\n" << c.log;
    EXPECT_TRUE(succeeded(c)) << c.log;
    EXPECT_TRUE(fs::exists(t.path / "run" / "lenet5-mnist_8x8_s0.80_0.5.csv"));
}

// A small tmpfs: a full disk without touching the real one. Needs root (CI runs as root); skipped
// elsewhere.
struct SmallDisk {
    fs::path dir;
    bool mounted = false;
    SmallDisk(const fs::path& d, const char* options) : dir(d) {
        fs::create_directories(dir);
        mounted = ::mount("tesa-test", dir.c_str(), "tmpfs", 0, options) == 0;
    }
    ~SmallDisk() {
        if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
    }
};

TEST(Faults, AFullDiskOrAReadOnlyDirectoryGivesAClearErrorAndKeepsEarlierResults) {
    TempDir t;
    SmallDisk disk(t.path / "disk", "size=96k");
    if (!disk.mounted) GTEST_SKIP() << "cannot mount a tmpfs here (not root)";
    const fs::path fw = disk.dir / "example.fw";
    Child c = run_tesa_binary({"fw", "example", fw.string()}, -1, t.path / "a.log");
    ASSERT_TRUE(succeeded(c)) << c.log;
    const std::string good = tesa::read_file(fw);
    // Fill the disk, leaving less than a firmware stream.
    {
        std::FILE* f = std::fopen((disk.dir / "filler").c_str(), "wb");
        const std::string block(4096, 'x');
        while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
        }
        std::fclose(f);
    }
    c = run_tesa_binary({"fw", "example", fw.string()}, -1, t.path / "b.log");
    EXPECT_FALSE(succeeded(c));
    EXPECT_TRUE(contains(c.log, fw.string() + ": write failed: No space left on device")) << c.log;
    EXPECT_EQ(tesa::read_file(fw), good) << "the earlier output is intact";
    for (const auto& e : fs::directory_iterator(disk.dir))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "temporary left: " << e.path();

    SmallDisk ro(t.path / "ro", "size=64k");
    ASSERT_TRUE(ro.mounted);
    tesa::write_file_atomic(ro.dir / "example.fw", good);
    ASSERT_EQ(::mount(nullptr, ro.dir.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0);
    c = run_tesa_binary({"fw", "example", (ro.dir / "example.fw").string()}, -1, t.path / "c.log");
    EXPECT_FALSE(succeeded(c));
    EXPECT_TRUE(contains(c.log, "Read-only file system")) << c.log;
    EXPECT_EQ(tesa::read_file(ro.dir / "example.fw"), good);
}

}  // namespace
