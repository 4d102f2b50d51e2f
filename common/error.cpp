// error.cpp -- formatting of located diagnostics.
#include "common/error.h"

namespace tesa {

std::string located(const std::string& file, int line, const std::string& message) {
    if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
    return file + ": " + message;
}

void fail(const std::string& message) { throw Error(message); }

void fail_at(const std::string& file, int line, const std::string& message) {
    throw Error(located(file, line, message));
}

}  // namespace tesa
