// validate.h -- the one place where numbers that come from outside (command-line options, config
// keys, file attributes, header fields) are checked before tesa uses them: finite, within the
// range the model is valid for, integral where a count is meant, and sizes whose products do not
// overflow. Every check throws tesa::Error with `what` (an option, or "file: attribute x") and
// the range in the message, so the user learns the valid values, not just that one is wrong.
#pragma once

#include <cstdint>
#include <string>

namespace tesa {

// An interval of the reals; either end may be open or absent (infinite).
struct Range {
    double lo, hi;
    bool lo_open = false, hi_open = false;

    static Range closed(double lo, double hi) { return {lo, hi, false, false}; }
    static Range open_closed(double lo, double hi) { return {lo, hi, true, false}; }  // (lo, hi]
    static Range at_least(double lo);                                                  // [lo, inf)
    static Range above(double lo);                                                     // (lo, inf)

    bool contains(double v) const;  // false for NaN
    std::string text() const;       // "(0, 4]", ">= 1", "> 0"
};

// v itself when finite and inside r; else Error "what: V is not in R" / "is not a finite number".
double require_in(const std::string& what, double v, const Range& r);
// An integer inside [lo, hi].
int64_t require_int(const std::string& what, int64_t v, int64_t lo, int64_t hi);

// Strict parses of a whole string (no trailing text, no blanks, no NaN / inf), then the range.
double parse_real(const std::string& text, const std::string& what, const Range& r);
int64_t parse_int(const std::string& text, const std::string& what, int64_t lo, int64_t hi);
// Any unsigned 64-bit value in decimal (seeds).
uint64_t parse_uint64(const std::string& text, const std::string& what);

// a * b for sizes (elements, bytes); Error naming `what` when it exceeds `limit` or overflows.
uint64_t checked_product(uint64_t a, uint64_t b, const std::string& what, uint64_t limit = UINT64_MAX);

}  // namespace tesa
