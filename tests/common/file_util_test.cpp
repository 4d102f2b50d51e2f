// read_file / write_file_atomic / StagingDir: outputs appear whole or not at all.
#include "common/file_util.h"

#include "common/error.h"

#include <gtest/gtest.h>

#include <fstream>

namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
    fs::path p = fs::temp_directory_path() / ("tesa_test_" + std::to_string(::getpid())) / name;
    fs::remove_all(p);
    fs::create_directories(p.parent_path());
    return p;
}

TEST(FileUtil, AtomicWriteReplacesContentAndLeavesNoTempFiles) {
    fs::path f = scratch("atomic") / "out.txt";
    tesa::write_file_atomic(f, "one");
    tesa::write_file_atomic(f, "two");
    EXPECT_EQ(tesa::read_file(f), "two");
    int entries = 0;
    for (auto& e : fs::directory_iterator(f.parent_path())) (void)e, ++entries;
    EXPECT_EQ(entries, 1);
}

TEST(FileUtil, StagingDirIsDiscardedUnlessCommitted) {
    fs::path final_dir = scratch("stage") / "result";  // alone in its parent
    fs::create_directories(final_dir);
    tesa::write_file_atomic(final_dir / "old.txt", "old result");
    {
        tesa::StagingDir s(final_dir);
        tesa::write_file_atomic(s.path() / "new.txt", "half");
        // destroyed without commit: as if a step failed
    }
    EXPECT_TRUE(fs::exists(final_dir / "old.txt"));
    EXPECT_FALSE(fs::exists(final_dir / "new.txt"));
    {
        tesa::StagingDir s(final_dir);
        tesa::write_file_atomic(s.path() / "new.txt", "whole");
        s.commit();
    }
    EXPECT_FALSE(fs::exists(final_dir / "old.txt"));
    EXPECT_EQ(tesa::read_file(final_dir / "new.txt"), "whole");
    int entries = 0;
    for (auto& e : fs::directory_iterator(final_dir.parent_path())) (void)e, ++entries;
    EXPECT_EQ(entries, 1) << "no staging or backup directories left behind";
}

TEST(FileUtil, ReadsGzipTransparently) {
    std::string text = tesa::read_file(std::string(TESA_TEST_PDK_DIR) + "/nangate45_typ.lib.gz");
    EXPECT_EQ(text.rfind("/*", 0), 0u);
    EXPECT_NE(text.find("library (NangateOpenCellLibrary)"), std::string::npos);
}

TEST(FileUtil, MissingFileIsAnErrorNamingIt) {
    EXPECT_THROW(tesa::read_file("/no/such/file.txt"), tesa::Error);
}

}  // namespace
