// record_journal.h -- append-only journals of checksummed records: the resume state of long jobs
// (tesa run's finished images, and any job that must survive SIGKILL at any instant).
//
// Each record is framed as   magic "TJR1" | payload length (u32 LE) | CRC-32 of the payload (u32 LE)
// | payload. A writer appends one whole record and flushes it to the file before it reports the
// work done; a reader keeps the records up to the first one that is cut short, framed wrongly or
// fails its checksum, and drops that one and everything after it (a kill mid-write leaves a torn
// tail, a corrupted byte leaves a bad checksum: either way the work is redone, never trusted).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace tesa {

// The largest payload a journal record may hold (a reader refuses longer lengths as corrupt).
constexpr uint32_t kMaxJournalRecord = 64u << 20;

struct JournalScan {
    std::vector<std::string> records;  // payloads of the intact records, in file order
    uint64_t dropped_bytes = 0;        // bytes after the last intact record
    std::string problem;               // why the tail was dropped (empty when none was)
};

// Splits journal bytes into intact records.
JournalScan scan_journal(const std::string& bytes);
// The same for a file (missing: no records).
JournalScan scan_journal_file(const std::filesystem::path& file);

// One framed record, as append_record writes it.
std::string frame_record(const std::string& payload);

// An open journal file for appending (created with its directory if missing).
class JournalWriter {
public:
    explicit JournalWriter(const std::filesystem::path& file);
    ~JournalWriter();
    JournalWriter(const JournalWriter&) = delete;
    JournalWriter& operator=(const JournalWriter&) = delete;

    // Appends and flushes one record; throws Error naming the file when the write fails (full disk).
    void append(const std::string& payload);
    const std::filesystem::path& file() const { return file_; }

private:
    std::filesystem::path file_;
    std::FILE* f_ = nullptr;
};

}  // namespace tesa
