#include "common/text_format.h"

#include <cstdio>
#include <sstream>

namespace tesa {

std::string fmt(const char* format, double v) {
    char b[64];
    std::snprintf(b, sizeof b, format, v);
    return b;
}

std::vector<std::string> split_list(const std::string& s, char sep) {
    std::vector<std::string> items;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);)
        if (!item.empty()) items.push_back(item);
    return items;
}

}  // namespace tesa
