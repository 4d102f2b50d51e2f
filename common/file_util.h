// file_util.h -- whole-file reads (gzip-transparent) and all-or-nothing writes.
//
// Every output tesa produces goes through AtomicFile or StagingDir: the data is written next to the
// destination under a temporary name and renamed into place only when complete, so an interrupted
// or failing run never leaves a half-written result where a good one was.
#pragma once

#include <filesystem>
#include <string>

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

// A directory filled under a temporary name and moved onto `final_dir` by commit(); removed
// (with everything in it) if destroyed before commit().
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

}  // namespace tesa
