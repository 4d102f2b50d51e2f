// liberty_reader.cpp -- tokenizer and recursive-descent parser for Liberty syntax.
//
// Tokens: words (identifiers and numbers, which Liberty does not tell apart lexically), quoted
// strings, and the punctuation ( ) { } : ; ,. Comments are /* */; a backslash before a newline
// continues the line. A simple attribute ends at ';' or, as some writers omit it, at the end of
// its line.
#include "rtl/liberty_reader.h"

#include "common/error.h"
#include "common/text_scan.h"

#include <cctype>

namespace tesa {

const LibertyAttribute* LibertyGroup::find_attribute(const std::string& name) const {
    for (const auto& a : attributes)
        if (!a.complex && a.name == name) return &a;
    return nullptr;
}

std::string LibertyGroup::attribute_or(const std::string& name, const std::string& fallback) const {
    const LibertyAttribute* a = find_attribute(name);
    return a && !a->values.empty() ? a->values.front() : fallback;
}

namespace {

enum class Tok { Word, String, Punct, End };

struct Token {
    Tok kind = Tok::End;
    std::string text;
    int line = 0;
};

class Lexer {
public:
    Lexer(const std::string& text, const std::string& file) : s_(text), file_(file) {}

    Token next() {
        skip_space_and_comments();
        Token t;
        t.line = line_;
        if (pos_ >= s_.size()) return t;
        char c = s_[pos_];
        if (c == '"') {
            t.kind = Tok::String;
            ++pos_;
            while (true) {
                if (pos_ >= s_.size()) fail_at(file_, t.line, "unterminated string (end of file reached; truncated file?)");
                char d = s_[pos_++];
                if (d == '\\' && pos_ < s_.size() && (s_[pos_] == '\n' || s_[pos_] == '\r')) {
                    skip_newline();
                    continue;
                }
                if (d == '"') break;
                if (d == '\n') ++line_;
                t.text.push_back(d);
            }
            return t;
        }
        if (is_punct(c)) {
            t.kind = Tok::Punct;
            t.text = std::string(1, c);
            ++pos_;
            return t;
        }
        t.kind = Tok::Word;
        while (pos_ < s_.size()) {
            char d = s_[pos_];
            if (std::isspace(static_cast<unsigned char>(d)) || is_punct(d) || d == '"') break;
            if (d == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '*') break;
            if (d == '\\') break;
            t.text.push_back(d);
            ++pos_;
        }
        if (t.text.empty()) fail_at(file_, line_, std::string("unexpected character '") + c + "'");
        return t;
    }

    int line() const { return line_; }
    // True if a newline separates the current position from the next token.
    bool newline_ahead() {
        size_t p = pos_;
        int l = line_;
        skip_space_and_comments();
        bool nl = line_ != l;
        pos_ = p;
        line_ = l;
        return nl;
    }

private:
    static bool is_punct(char c) {
        return c == '(' || c == ')' || c == '{' || c == '}' || c == ':' || c == ';' || c == ',';
    }

    void skip_newline() {
        if (s_[pos_] == '\r') ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '\n') ++pos_;
        ++line_;
    }

    void skip_space_and_comments() {
        while (true) {
            skip_blanks_and_comments(s_, pos_, line_, false, file_);
            if (pos_ + 1 < s_.size() && s_[pos_] == '\\' && (s_[pos_ + 1] == '\n' || s_[pos_ + 1] == '\r')) {
                ++pos_;  // line continuation
                skip_newline();
                continue;
            }
            return;
        }
    }

    const std::string& s_;
    const std::string& file_;
    size_t pos_ = 0;
    int line_ = 1;
};

// Real libraries nest groups 5 or 6 deep (library / cell / pin / timing / table); the limit keeps
// the parser's recursion (and the tree's) bounded whatever the file holds.
constexpr int kMaxGroupDepth = 64;

class Parser {
public:
    Parser(const std::string& text, const std::string& file) : lex_(text, file), file_(file) {
        advance();
    }

    LibertyGroup parse_top() {
        if (tok_.kind == Tok::End) fail_at(file_, 1, "empty file, expected a Liberty 'library' group");
        Token name = expect_word("a Liberty 'library' group");
        if (name.text != "library")
            fail_at(file_, name.line, "expected 'library (...) {', found '" + name.text + "'");
        LibertyGroup lib;
        lib.type = name.text;
        lib.line = name.line;
        lib.args = parse_args();
        expect_punct("{", "after library (...)");
        parse_body(lib, 1);
        if (tok_.kind == Tok::Punct && tok_.text == ";") advance();
        if (tok_.kind != Tok::End)
            fail_at(file_, tok_.line, "unexpected '" + tok_.text + "' after the library group");
        return lib;
    }

private:
    void advance() { tok_ = lex_.next(); }

    bool is_punct(const char* p) const { return tok_.kind == Tok::Punct && tok_.text == p; }

    Token expect_word(const std::string& what) {
        if (tok_.kind != Tok::Word) fail_at(file_, tok_.line, "expected " + what + ", found " + describe());
        Token t = tok_;
        advance();
        return t;
    }

    void expect_punct(const char* p, const std::string& where) {
        if (!is_punct(p)) fail_at(file_, tok_.line, std::string("expected '") + p + "' " + where + ", found " + describe());
        advance();
    }

    std::string describe() const {
        if (tok_.kind == Tok::End) return "end of file";
        if (tok_.kind == Tok::String) return "string \"" + tok_.text + "\"";
        return "'" + tok_.text + "'";
    }

    // '(' [arg {',' arg}] ')' -- an argument is the words/strings between commas, space-joined.
    std::vector<std::string> parse_args() {
        int open_line = tok_.line;
        expect_punct("(", "");
        std::vector<std::string> args;
        std::string cur;
        bool have = false;
        while (!is_punct(")")) {
            if (tok_.kind == Tok::End) fail_at(file_, open_line, "unclosed '(' (end of file reached; truncated file?)");
            if (is_punct(",")) {
                args.push_back(cur);
                cur.clear();
                have = false;
            } else if (tok_.kind == Tok::Punct) {
                fail_at(file_, tok_.line, "unexpected " + describe() + " in argument list");
            } else {
                if (have) cur += " ";
                cur += tok_.text;
                have = true;
            }
            advance();
        }
        if (have || !args.empty()) args.push_back(cur);
        advance();  // ')'
        return args;
    }

    void parse_body(LibertyGroup& g, int depth) {
        if (depth > kMaxGroupDepth)
            fail_at(file_, g.line, "groups nested more than " + std::to_string(kMaxGroupDepth) + " deep (not a Liberty library?)");
        while (true) {
            if (tok_.kind == Tok::End)
                fail_at(file_, g.line, "group '" + g.type + "' is not closed (end of file reached; truncated file?)");
            if (is_punct("}")) {
                advance();
                return;
            }
            if (is_punct(";")) {  // stray semicolon
                advance();
                continue;
            }
            Token name = expect_word("an attribute or group name");
            if (is_punct(":")) {
                advance();
                LibertyAttribute a;
                a.name = name.text;
                a.line = name.line;
                std::string value;
                bool have = false;
                while (!is_punct(";")) {
                    if (tok_.kind == Tok::End || is_punct("}") || is_punct("{"))
                        fail_at(file_, name.line, "attribute '" + name.text + "' has no ';'" +
                                  (tok_.kind == Tok::End ? " (end of file reached; truncated file?)" : ""));
                    if (have) value += " ";
                    value += tok_.text;
                    have = true;
                    bool last_on_line = lex_.newline_ahead();
                    advance();
                    if (last_on_line && !is_punct(";")) break;
                }
                if (!have) fail_at(file_, name.line, "attribute '" + name.text + "' has no value");
                if (is_punct(";")) advance();
                a.values.push_back(value);
                g.attributes.push_back(std::move(a));
            } else if (is_punct("(")) {
                std::vector<std::string> args = parse_args();
                if (is_punct("{")) {
                    advance();
                    LibertyGroup child;
                    child.type = name.text;
                    child.args = std::move(args);
                    child.line = name.line;
                    parse_body(child, depth + 1);
                    g.groups.push_back(std::move(child));
                } else {
                    LibertyAttribute a;
                    a.name = name.text;
                    a.values = std::move(args);
                    a.complex = true;
                    a.line = name.line;
                    g.attributes.push_back(std::move(a));
                }
                if (is_punct(";")) advance();
            } else {
                fail_at(file_, tok_.line, "expected ':' or '(' after '" + name.text + "', found " + describe());
            }
        }
    }

    Lexer lex_;
    const std::string& file_;
    Token tok_;
};

}  // namespace

LibertyGroup parse_liberty(const std::string& text, const std::string& file) {
    Parser p(text, file);
    return p.parse_top();
}

}  // namespace tesa
