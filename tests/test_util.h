// test_util.h -- helpers shared by tesa's test suites.
#pragma once

#include "common/error.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace tesa::test {

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

}  // namespace tesa::test
