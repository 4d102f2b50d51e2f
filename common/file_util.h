// file_util.h -- whole-file reads (gzip-transparent) and all-or-nothing writes.
//
// Every output tesa produces goes through AtomicFile or StagingDir: the data is written next to the
// destination under a temporary name and renamed into place only when complete, so an interrupted
// or failing run never leaves a half-written result where a good one was.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tesa {

namespace fs = std::filesystem;

// Reads a file; a .gz file (detected by its magic bytes, not its name) is decompressed.
// Throws Error naming the file when it is missing, unreadable or a corrupt gzip stream.
std::string read_file(const fs::path& path);

// Writes `content` to `path` atomically (temp file + rename).
void write_file_atomic(const fs::path& path, const std::string& content);

// Like write_file_atomic, but leaves the file (and its time stamp) alone when it already holds
// exactly `content`, so that build steps depending on it do not rerun.
void write_file_if_changed(const fs::path& path, const std::string& content);

// Decompresses `gz` into `dest` unless `dest` already exists and is newer; atomic.
void gunzip_to(const fs::path& gz, const fs::path& dest);

// The files of one command's results, committed together: each is written to a temporary name
// beside its destination (stage()), and commit() renames them all into place only once every one
// of them is complete. Destroyed before commit(), it removes the temporaries and leaves the
// earlier results as they were. A destination that is a directory is refused when staged.
class OutputSet {
public:
    OutputSet() = default;
    ~OutputSet();
    OutputSet(const OutputSet&) = delete;
    OutputSet& operator=(const OutputSet&) = delete;

    // The temporary path to write `final_path` to (its directory is created).
    fs::path stage(const fs::path& final_path);
    // stage() and write `content` there.
    void write(const fs::path& final_path, const std::string& content);
    void commit();

private:
    std::vector<std::pair<fs::path, fs::path>> files_;  // (temporary, final)
    bool committed_ = false;
};

// A directory filled under a temporary name and moved onto `final_dir` by commit(); removed
// (with everything in it) if destroyed before commit(). An existing `final_dir` that is not a
// directory is refused (never replaced by one).
class StagingDir {
public:
    explicit StagingDir(const fs::path& final_dir);
    ~StagingDir();
    StagingDir(const StagingDir&) = delete;
    StagingDir& operator=(const StagingDir&) = delete;

    const fs::path& path() const { return tmp_; }
    const fs::path& final_path() const { return final_; }
    void commit();

private:
    fs::path final_;
    fs::path tmp_;
    bool committed_ = false;
};

// An exclusive advisory lock (flock) on `file`, created if missing, held while the object lives
// and released by the kernel if the process dies: processes sharing a results directory take
// turns at a step that writes files there (synthesis, OpenSTA, a model build). Throws Error naming
// the file when it cannot be created or locked.
class FileLock {
public:
    explicit FileLock(const fs::path& file);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace tesa
