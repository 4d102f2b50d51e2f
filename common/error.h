// error.h -- the one exception type tesa throws for bad input and failed tools.
//
// Messages follow the compiler convention `file:line: what is wrong` so that editors and users can
// jump to the offending line; internal invariants use assert(), never this type.
#pragma once

#include <stdexcept>
#include <string>

namespace tesa {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// "file:line: message" (line omitted when <= 0).
std::string located(const std::string& file, int line, const std::string& message);

[[noreturn]] void fail(const std::string& message);
[[noreturn]] void fail_at(const std::string& file, int line, const std::string& message);

}  // namespace tesa
