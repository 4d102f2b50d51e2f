// verilog_expr.cpp -- token substitution for plain Liberty functions, sum of products otherwise.
#include "timing/verilog_expr.h"

#include <cctype>

namespace tesa {

std::string verilog_expression(const std::string& fn, const std::vector<std::string>& pins, uint64_t table,
                               const std::vector<std::string>& operands, const std::string& ones) {
    bool plain = !fn.empty() && fn.find_first_not_of("!&|^() \tABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
                                     std::string::npos;
    std::string out;
    for (size_t i = 0; plain && i < fn.size();) {
        char c = fn[i];
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            size_t j = i;
            while (j < fn.size() && (std::isalnum(static_cast<unsigned char>(fn[j])) || fn[j] == '_')) ++j;
            std::string name = fn.substr(i, j - i);
            bool found = false;
            for (size_t k = 0; k < pins.size(); ++k)
                if (pins[k] == name) {
                    out += "(" + operands[k] + ")";
                    found = true;
                }
            plain = found;
            i = j;
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            plain = false;  // constants: leave to the table (width of the lanes unknown here)
        } else {
            out += c == '!' ? '~' : c;
            ++i;
        }
    }
    if (plain) return out;
    std::string sop;
    for (uint32_t i = 0; i < (1u << pins.size()); ++i) {
        if (!((table >> i) & 1u)) continue;
        std::string term;
        for (size_t k = 0; k < pins.size(); ++k)
            term += (term.empty() ? "" : " & ") + std::string((i >> k) & 1u ? "(" : "~(") + operands[k] + ")";
        sop += (sop.empty() ? "" : " | ") + ("(" + (term.empty() ? ones : term) + ")");
    }
    return sop.empty() ? "~" + ones : sop;
}

}  // namespace tesa
