// record_journal.cpp -- framing, CRC-32 (zlib's) and tolerant scanning of journal records.
#include "common/record_journal.h"

#include "common/error.h"
#include "common/file_util.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace tesa {

namespace {

constexpr char kMagic[4] = {'T', 'J', 'R', '1'};
constexpr size_t kHeader = 12;

uint32_t le32(const std::string& s, size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + static_cast<size_t>(i)]);
    return v;
}

void put32(std::string& s, uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}

uint32_t crc(const std::string& s, size_t at, size_t n) {
    uLong c = crc32(0L, Z_NULL, 0);
    // zlib takes uInt lengths; records are at most kMaxJournalRecord bytes.
    return static_cast<uint32_t>(crc32(c, reinterpret_cast<const Bytef*>(s.data() + at), static_cast<uInt>(n)));
}

}  // namespace

std::string frame_record(const std::string& payload) {
    if (payload.size() > kMaxJournalRecord) fail("journal record of " + std::to_string(payload.size()) + " bytes is too large");
    std::string r(kMagic, sizeof kMagic);
    put32(r, static_cast<uint32_t>(payload.size()));
    put32(r, crc(payload, 0, payload.size()));
    r += payload;
    return r;
}

JournalScan scan_journal(const std::string& b) {
    JournalScan s;
    size_t pos = 0;
    while (pos < b.size()) {
        const size_t left = b.size() - pos;
        if (left < kHeader) {
            s.problem = "a record header cut short";
        } else if (std::memcmp(b.data() + pos, kMagic, sizeof kMagic) != 0) {
            s.problem = "bad record framing";
        } else {
            const uint32_t n = le32(b, pos + 4);
            if (n > kMaxJournalRecord) s.problem = "record length " + std::to_string(n) + " is implausible";
            else if (left - kHeader < n) s.problem = "a record cut short";
            else if (crc(b, pos + kHeader, n) != le32(b, pos + 8)) s.problem = "a record fails its checksum";
            else {
                s.records.emplace_back(b, pos + kHeader, n);
                pos += kHeader + n;
                continue;
            }
        }
        s.dropped_bytes = left;
        break;
    }
    return s;
}

JournalScan scan_journal_file(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return {};
    return scan_journal(read_file(file));
}

JournalWriter::JournalWriter(const std::filesystem::path& file) : file_(file) {
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    f_ = std::fopen(file.c_str(), "ab");
    if (!f_) fail(file.string() + ": cannot open the journal for writing: " + std::strerror(errno));
}

JournalWriter::~JournalWriter() {
    if (f_) std::fclose(f_);
}

void JournalWriter::append(const std::string& payload) {
    const std::string r = frame_record(payload);
    if (std::fwrite(r.data(), 1, r.size(), f_) != r.size() || std::fflush(f_) != 0)
        fail(file_.string() + ": cannot append to the journal: " + std::strerror(errno));
}

}  // namespace tesa
