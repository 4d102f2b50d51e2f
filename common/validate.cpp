// validate.cpp -- range checks and strict number parsing for values from outside.
#include "common/validate.h"

#include "common/error.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace tesa {

namespace {

std::string num(double v) {
    std::ostringstream s;
    s.precision(12);
    s << v;
    return s.str();
}

}  // namespace

Range Range::at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), false, true}; }
Range Range::above(double lo) { return {lo, std::numeric_limits<double>::infinity(), true, true}; }

bool Range::contains(double v) const {
    if (!std::isfinite(v)) return false;
    if (lo_open ? !(v > lo) : !(v >= lo)) return false;
    if (hi_open ? !(v < hi) : !(v <= hi)) return false;
    return true;
}

std::string Range::text() const {
    if (std::isinf(hi)) return (lo_open ? "> " : ">= ") + num(lo);
    return std::string(lo_open ? "(" : "[") + num(lo) + ", " + num(hi) + (hi_open ? ")" : "]");
}

double require_in(const std::string& what, double v, const Range& r) {
    if (!std::isfinite(v)) fail(what + ": " + num(v) + " is not a finite number (valid: " + r.text() + ")");
    if (!r.contains(v)) fail(what + ": " + num(v) + " is out of range (valid: " + r.text() + ")");
    return v;
}

int64_t require_int(const std::string& what, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
        fail(what + ": " + std::to_string(v) + " is out of range (valid: " + std::to_string(lo) + " .. " + std::to_string(hi) + ")");
    return v;
}

double parse_real(const std::string& text, const std::string& what, const Range& r) {
    char* end = nullptr;
    errno = 0;
    const double v = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || std::isspace(static_cast<unsigned char>(text[0])) || errno == ERANGE ||
        !std::isfinite(v))
        fail(what + ": '" + text + "' is not a number (valid: " + r.text() + ")");
    return require_in(what, v, r);
}

int64_t parse_int(const std::string& text, const std::string& what, int64_t lo, int64_t hi) {
    char* end = nullptr;
    errno = 0;
    const long long v = text.empty() ? 0 : std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || std::isspace(static_cast<unsigned char>(text[0])) || errno == ERANGE)
        fail(what + ": '" + text + "' is not an integer (valid: " + std::to_string(lo) + " .. " + std::to_string(hi) + ")");
    return require_int(what, v, lo, hi);
}

uint64_t parse_uint64(const std::string& text, const std::string& what) {
    char* end = nullptr;
    errno = 0;
    const bool digits = !text.empty() && text.size() <= 20 && text.find_first_not_of("0123456789") == std::string::npos;
    const unsigned long long v = digits ? std::strtoull(text.c_str(), &end, 10) : 0;
    if (!digits || *end != '\0' || errno == ERANGE) fail(what + ": '" + text + "' is not an unsigned 64-bit integer");
    return v;
}

uint64_t checked_product(uint64_t a, uint64_t b, const std::string& what, uint64_t limit) {
    if (a != 0 && b > limit / a)
        fail(what + ": " + std::to_string(a) + " x " + std::to_string(b) + " exceeds the limit of " + std::to_string(limit));
    return a * b;
}

}  // namespace tesa
