// test_util.h -- helpers shared by tesa's test suites.
#pragma once

#include "common/error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <string>

namespace tesa::test {

// True in the sanitizer build (scripts/sanitize.sh), where code runs 5-15x slower: the heaviest
// tests run the same code paths over fewer samples there and leave their statistical thresholds
// to the normal build, which runs them in full.
#ifdef TESA_SANITIZED
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
// n samples in the normal build, n / 10 under the sanitizers.
constexpr size_t sanitized_share(size_t n) { return kSanitized ? n / 10 : n; }

// Expects `fn` to throw tesa::Error whose message contains every one of `parts`.
template <class Fn>
void expect_error(Fn fn, std::initializer_list<std::string> parts) {
    try {
        fn();
        ADD_FAILURE() << "no error thrown";
    } catch (const tesa::Error& e) {
        for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
}

// A fresh directory under the system temp directory (mkdtemp: unique even when suites run in
// parallel), removed with everything in it when the object goes.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "tesa_test_XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

}  // namespace tesa::test
