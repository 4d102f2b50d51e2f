// text_format.h -- the small text helpers of reports and option values.
#pragma once

#include <string>
#include <vector>

namespace tesa {

// One number through a printf format ("%.2f"), for tables.
std::string fmt(const char* format, double v);
// "a,b,c" -> {"a", "b", "c"} (empty items dropped); `sep` other than ',' for nested lists.
std::vector<std::string> split_list(const std::string& s, char sep = ',');

}  // namespace tesa
