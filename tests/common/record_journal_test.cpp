// Resume journals: intact records come back in order; a torn tail, bad framing or a flipped bit
// drops that record and everything after it (the work is redone, never trusted); a full disk is
// an error naming the journal.
#include "common/record_journal.h"

#include "common/error.h"
#include "common/file_util.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using tesa::scan_journal;

TEST(RecordJournal, IntactRecordsComeBackInOrder) {
    const std::string bytes = tesa::frame_record("first") + tesa::frame_record("") + tesa::frame_record(std::string(1000, 'x'));
    const tesa::JournalScan s = scan_journal(bytes);
    ASSERT_EQ(s.records.size(), 3u);
    EXPECT_EQ(s.records[0], "first");
    EXPECT_EQ(s.records[1], "");
    EXPECT_EQ(s.records[2], std::string(1000, 'x'));
    EXPECT_TRUE(s.problem.empty());
    EXPECT_EQ(s.dropped_bytes, 0u);
}

TEST(RecordJournal, TornTailsBadFramingAndFlippedBitsAreDropped) {
    const std::string a = tesa::frame_record("image 1"), b = tesa::frame_record("image 2");
    for (size_t cut = 1; cut < b.size(); ++cut) {  // a kill at every byte of the second record
        const tesa::JournalScan s = scan_journal(a + b.substr(0, cut));
        ASSERT_EQ(s.records.size(), 1u) << cut;
        EXPECT_EQ(s.dropped_bytes, cut);
        EXPECT_FALSE(s.problem.empty());
    }
    for (size_t bit = 0; bit < 8 * b.size(); ++bit) {  // any single flipped bit of the second record
        std::string damaged = a + b;
        damaged[a.size() + bit / 8] ^= static_cast<char>(1 << (bit % 8));
        const tesa::JournalScan s = scan_journal(damaged);
        EXPECT_EQ(s.records.size(), 1u) << bit;
        EXPECT_FALSE(s.problem.empty()) << bit;
    }
    EXPECT_EQ(scan_journal(a + "garbage" + b).records.size(), 1u);
    EXPECT_EQ(scan_journal(a + "garbage" + b).problem, "bad record framing");
}

TEST(RecordJournal, AFullDiskIsAnErrorNamingTheJournal) {
    tesa::test::TempDir t;
    std::filesystem::create_symlink("/dev/full", t.path / "j.tjr");  // every write: ENOSPC
    tesa::JournalWriter w(t.path / "j.tjr");
    tesa::test::expect_error([&] { w.append("payload"); }, {(t.path / "j.tjr").string(), "No space left on device"});
}

}  // namespace
