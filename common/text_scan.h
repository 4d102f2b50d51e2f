// text_scan.h -- the white space and comment rules the Liberty, Verilog-netlist and SDF readers
// share: blanks, newlines (counted), /* block */ comments and, where the format has them,
// // line comments.
#pragma once

#include <string>

namespace tesa {

// Advances `pos` past blanks and comments, counting newlines in `line`. An unterminated block
// comment is an Error at the line where it starts (`file` names the input).
void skip_blanks_and_comments(const std::string& text, size_t& pos, int& line, bool line_comments,
                              const std::string& file);

// Skips a delimited region (e.g. "(*" ... "*)") that starts at pos, counting newlines;
// an unterminated one is an Error naming `what`.
void skip_delimited(const std::string& text, size_t& pos, int& line, const char* close, const std::string& file,
                    const char* what);

}  // namespace tesa
