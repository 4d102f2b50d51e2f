// text_scan.cpp -- shared lexical skipping for tesa's readers.
#include "common/text_scan.h"

#include "common/error.h"

#include <cctype>
#include <cstring>

namespace tesa {

void skip_delimited(const std::string& s, size_t& pos, int& line, const char* close, const std::string& file,
                    const char* what) {
    const int start = line;
    const size_t n = std::strlen(close);
    pos += 2;
    while (pos + n - 1 < s.size() && s.compare(pos, n, close) != 0) {
        if (s[pos] == '\n') ++line;
        ++pos;
    }
    if (pos + n - 1 >= s.size())
        fail_at(file, start, std::string("unterminated ") + what + " (end of file reached; truncated file?)");
    pos += n;
}

void skip_blanks_and_comments(const std::string& s, size_t& pos, int& line, bool line_comments,
                              const std::string& file) {
    while (pos < s.size()) {
        const char c = s[pos];
        if (c == '\n') {
            ++line;
            ++pos;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            ++pos;
        } else if (line_comments && c == '/' && pos + 1 < s.size() && s[pos + 1] == '/') {
            while (pos < s.size() && s[pos] != '\n') ++pos;
        } else if (c == '/' && pos + 1 < s.size() && s[pos + 1] == '*') {
            skip_delimited(s, pos, line, "*/", file, "comment");
        } else {
            return;
        }
    }
}

}  // namespace tesa
