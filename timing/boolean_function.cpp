// boolean_function.cpp -- precedence-climbing parser evaluating sub-expressions as truth tables.
//
// Precedence, loosest first: | || +   then ^   then & && * (and juxtaposition)   then == !=
// then prefix ! ~ and postfix '. Every sub-expression is a 64-bit truth table, so evaluation of a
// parsed expression is a single table lookup.
#include "timing/boolean_function.h"

#include "common/error.h"

#include <cctype>

namespace tesa {

namespace {

class ExprParser {
public:
    ExprParser(const std::string& s, const std::vector<std::string>& vars, const std::string& where)
        : s_(s), vars_(vars), where_(where) {
        const int n = static_cast<int>(vars.size());
        full_ = n == 6 ? ~0ull : ((1ull << (1u << n)) - 1);
    }

    uint64_t parse() {
        uint64_t v = parse_or();
        skip();
        if (pos_ != s_.size()) error("unexpected '" + s_.substr(pos_, 40) + "'");
        return v;
    }

private:
    [[noreturn]] void error(const std::string& what) {
        const std::string shown = s_.size() > 120 ? s_.substr(0, 120) + "..." : s_;
        fail(where_ + ": cannot parse expression \"" + shown + "\": " + what);
    }

    void skip() {
        while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }

    bool take(const char* op) {
        skip();
        size_t n = std::char_traits<char>::length(op);
        if (s_.compare(pos_, n, op) == 0) {
            pos_ += n;
            return true;
        }
        return false;
    }

    uint64_t parse_or() {
        uint64_t v = parse_xor();
        while (true) {
            if (take("||") || take("|") || take("+")) v |= parse_xor();
            else return v;
        }
    }

    uint64_t parse_xor() {
        uint64_t v = parse_and();
        while (take("^")) v ^= parse_and();
        return v;
    }

    bool starts_operand() {
        skip();
        if (pos_ >= s_.size()) return false;
        char c = s_[pos_];
        return c == '(' || c == '!' || c == '~' || std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    }

    uint64_t parse_and() {
        uint64_t v = parse_eq();
        while (true) {
            if (take("&&") || take("&") || take("*")) v &= parse_eq();
            else if (starts_operand()) v &= parse_eq();  // Liberty: "A B" means A & B
            else return v;
        }
    }

    uint64_t parse_eq() {
        uint64_t v = parse_unary();
        while (true) {
            if (take("==")) v = ~(v ^ parse_unary()) & full_;
            else if (take("!=")) v = (v ^ parse_unary()) & full_;
            else return v;
        }
    }

    // Prefix complements are counted, not recursed into, so "!!!!...A" needs no stack.
    uint64_t parse_unary() {
        bool invert = false;
        while (take("!") || take("~")) invert = !invert;
        uint64_t v = parse_primary();
        while (take("'")) v = ~v & full_;  // Liberty postfix complement
        return invert ? ~v & full_ : v;
    }

    uint64_t parse_primary() {
        skip();
        if (pos_ >= s_.size()) error("expression ends early");
        if (take("(")) {
            if (++depth_ > kMaxDepth) error("parentheses nested more than " + std::to_string(kMaxDepth) + " deep");
            uint64_t v = parse_or();
            if (!take(")")) error("missing ')'");
            --depth_;
            return v;
        }
        char c = s_[pos_];
        if (std::isdigit(static_cast<unsigned char>(c))) {
            // 0, 1, 1'b0, 1'b1, 'b1
            size_t start = pos_;
            while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '\'')) ++pos_;
            std::string lit = s_.substr(start, pos_ - start);
            char last = lit.back();
            if ((lit == "0" || lit == "1") || ((last == '0' || last == '1') && lit.find('\'') != std::string::npos))
                return last == '1' ? full_ : 0;
            error("bad constant '" + lit + "'");
        }
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            size_t start = pos_;
            while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
            std::string name = s_.substr(start, pos_ - start);
            for (size_t k = 0; k < vars_.size(); ++k)
                if (vars_[k] == name) return variable_table(static_cast<int>(k));
            error("unknown pin '" + name + "'");
        }
        error(std::string("unexpected '") + c + "'");
    }

    uint64_t variable_table(int k) const {
        uint64_t t = 0;
        for (uint32_t i = 0; i < (1u << vars_.size()); ++i)
            if ((i >> k) & 1u) t |= 1ull << i;
        return t;
    }

    const std::string& s_;
    const std::vector<std::string>& vars_;
    const std::string& where_;
    size_t pos_ = 0;
    uint64_t full_ = 0;
    int depth_ = 0;  // open parentheses: bounds the recursion whatever the text
    static constexpr int kMaxDepth = 64;
};

}  // namespace

BooleanFunction BooleanFunction::parse(const std::string& expr, const std::vector<std::string>& vars,
                                       const std::string& where) {
    if (static_cast<int>(vars.size()) > kMaxInputs)
        fail(where + ": " + std::to_string(vars.size()) + " inputs; truth tables hold at most " +
             std::to_string(kMaxInputs));
    BooleanFunction f;
    f.inputs_ = static_cast<int>(vars.size());
    f.table_ = ExprParser(expr, vars, where).parse();
    return f;
}

}  // namespace tesa
