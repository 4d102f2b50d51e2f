// file_util.cpp -- gzip-aware reading (zlib) and temp-then-rename writing.
#include "common/file_util.h"

#include "common/error.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace tesa {

namespace {

std::string unique_suffix() {
    static int counter = 0;
    return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

bool has_gzip_magic(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[2] = {0, 0};
    in.read(reinterpret_cast<char*>(magic), 2);
    return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

std::string read_gzip(const fs::path& path) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (!gz) fail(path.string() + ": cannot open: " + std::strerror(errno));
    std::string out;
    char buf[1 << 16];
    for (;;) {
        int n = gzread(gz, buf, sizeof buf);
        if (n < 0) {
            int code = 0;
            std::string why = gzerror(gz, &code);
            gzclose(gz);
            fail(path.string() + ": corrupt gzip data: " + why);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    // gzread() returns 0 at a premature end as well; gzclose reports the missing trailer.
    int rc = gzclose(gz);
    if (rc != Z_OK) fail(path.string() + ": corrupt or truncated gzip data");
    return out;
}

}  // namespace

std::string read_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) fail(path.string() + ": no such file");
    if (fs::is_directory(path, ec)) fail(path.string() + ": is a directory, expected a file");
    if (!fs::is_regular_file(path, ec)) fail(path.string() + ": not a regular file (a device or pipe?), expected a file");
    if (has_gzip_magic(path)) return read_gzip(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path.string() + ": cannot open: " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

namespace {

// A destination must be a file (or not exist yet) in a directory we can create.
void check_destination(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) fail(path.string() + ": is a directory; cannot write a file there");
    if (path.has_parent_path()) {
        const fs::path parent = path.parent_path();
        if (fs::exists(parent, ec) && !fs::is_directory(parent, ec)) fail(parent.string() + ": is not a directory");
        fs::create_directories(parent, ec);
        if (ec) fail(parent.string() + ": cannot create the directory: " + ec.message());
    }
}

// Writes `content` to `tmp` (created new); a short write (full disk, quota) removes it.
void write_temporary(const fs::path& tmp, const fs::path& path, const std::string& content) {
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) fail(path.string() + ": cannot create " + tmp.filename().string() + ": " + std::strerror(errno));
    const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
    const int err = errno;
    if (std::fclose(f) != 0 || !ok) {
        std::error_code ec;
        fs::remove(tmp, ec);
        fail(path.string() + ": write failed: " + std::strerror(ok ? errno : err));
    }
}

void move_into_place(const fs::path& tmp, const fs::path& path) {
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        fail(path.string() + ": cannot move into place: " + ec.message());
    }
}

}  // namespace

void write_file_atomic(const fs::path& path, const std::string& content) {
    check_destination(path);
    fs::path tmp = path;
    tmp += unique_suffix();
    write_temporary(tmp, path, content);
    move_into_place(tmp, path);
}

OutputSet::~OutputSet() {
    if (committed_) return;
    std::error_code ec;
    for (const auto& [tmp, final_path] : files_) fs::remove(tmp, ec);
}

fs::path OutputSet::stage(const fs::path& final_path) {
    check_destination(final_path);
    fs::path tmp = final_path;
    tmp += unique_suffix();
    files_.emplace_back(tmp, final_path);
    return tmp;
}

void OutputSet::write(const fs::path& final_path, const std::string& content) {
    const fs::path tmp = stage(final_path);
    write_temporary(tmp, final_path, content);
}

void OutputSet::commit() {
    std::error_code ec;
    for (const auto& [tmp, final_path] : files_)
        if (!fs::is_regular_file(tmp, ec)) fail(final_path.string() + ": was never written (internal error)");
    for (const auto& [tmp, final_path] : files_) move_into_place(tmp, final_path);
    committed_ = true;
}

void write_file_if_changed(const fs::path& path, const std::string& content) {
    std::error_code ec;
    if (fs::exists(path, ec) && fs::file_size(path, ec) == content.size() && read_file(path) == content) return;
    write_file_atomic(path, content);
}

void gunzip_to(const fs::path& gz, const fs::path& dest) {
    std::error_code ec;
    if (fs::exists(dest, ec) && fs::exists(gz, ec) &&
        fs::last_write_time(dest) >= fs::last_write_time(gz))
        return;
    write_file_atomic(dest, read_file(gz));
}

StagingDir::StagingDir(const fs::path& final_dir) : final_(final_dir) {
    std::error_code ec;
    if (fs::exists(final_, ec) && !fs::is_directory(final_, ec))
        fail(final_.string() + ": exists and is not a directory; not replacing it with one");
    fs::path parent = final_.has_parent_path() ? final_.parent_path() : fs::path(".");
    fs::create_directories(parent);
    tmp_ = parent / ("." + final_.filename().string() + unique_suffix());
    fs::remove_all(tmp_);
    fs::create_directories(tmp_);
}

StagingDir::~StagingDir() {
    if (!committed_) {
        std::error_code ec;
        fs::remove_all(tmp_, ec);
    }
}

void StagingDir::commit() {
    std::error_code ec;
    if (fs::exists(final_, ec) && !fs::is_directory(final_, ec))
        fail(final_.string() + ": exists and is not a directory; not replacing it with one");
    fs::path old = final_;
    old += unique_suffix() + ".old";
    bool had_old = fs::exists(final_, ec);
    if (had_old) {
        fs::rename(final_, old, ec);
        if (ec) fail(final_.string() + ": cannot replace: " + ec.message());
    }
    fs::rename(tmp_, final_, ec);
    if (ec) {
        if (had_old) fs::rename(old, final_, ec);
        fail(final_.string() + ": cannot move results into place: " + ec.message());
    }
    if (had_old) fs::remove_all(old, ec);
    committed_ = true;
}

FileLock::FileLock(const fs::path& file) {
    if (file.has_parent_path()) fs::create_directories(file.parent_path());
    fd_ = ::open(file.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(file.string() + ": cannot create the lock file: " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0)
        if (errno != EINTR) {
            const int e = errno;
            ::close(fd_);
            fail(file.string() + ": cannot lock: " + std::strerror(e));
        }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace tesa
