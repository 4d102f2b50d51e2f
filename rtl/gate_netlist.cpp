// gate_netlist.cpp -- reader for the structural Verilog subset that synthesis tools emit:
// module header, input/output/inout/wire declarations (scalar or [msb:lsb]), and cell instances
// with named pin connections to nets, bit-selects or 1-bit constants. Anything else (assign,
// concatenation, several modules) is reported with file and line rather than guessed at.
#include "rtl/gate_netlist.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/text_scan.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <unordered_map>

namespace tesa {

namespace {

struct Token {
    enum Kind { Ident, Number, Punct, End } kind = End;
    std::string text;
    int line = 0;
};

class Lexer {
public:
    Lexer(const std::string& s, const std::string& file) : s_(s), file_(file) {}

    Token next() {
        skip();
        Token t;
        t.line = line_;
        if (pos_ >= s_.size()) return t;
        char c = s_[pos_];
        if (c == '\\') {  // escaped identifier: up to white space
            t.kind = Token::Ident;
            ++pos_;
            while (pos_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[pos_]))) t.text.push_back(s_[pos_++]);
            if (t.text.empty()) fail_at(file_, line_, "empty escaped identifier");
            return t;
        }
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
            t.kind = Token::Ident;
            while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' || s_[pos_] == '$'))
                t.text.push_back(s_[pos_++]);
            return t;
        }
        if (std::isdigit(static_cast<unsigned char>(c))) {  // 12, 1'b0, 1'h1, 8'hff
            t.kind = Token::Number;
            while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '\'' || s_[pos_] == '_'))
                t.text.push_back(s_[pos_++]);
            return t;
        }
        t.kind = Token::Punct;
        t.text = std::string(1, c);
        ++pos_;
        return t;
    }

private:
    void skip() {
        while (true) {
            skip_blanks_and_comments(s_, pos_, line_, true, file_);
            if (pos_ + 1 < s_.size() && s_[pos_] == '(' && s_[pos_ + 1] == '*') {
                skip_delimited(s_, pos_, line_, "*)", file_, "attribute");
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

// Bounds on what a declaration may ask for: bit indices up to kMaxBit, vectors of at most
// kMaxVectorBits (a flat multiplier netlist has a few thousand nets in all).
constexpr int kMaxBit = 1 << 20;
constexpr int kMaxVectorBits = 1 << 16;

struct Declared {
    int msb = 0, lsb = 0;
    bool vector = false;
    std::vector<int> bits;  // index i <-> bit lsb + i (or lsb - i when msb < lsb)
    int line = 0;
};

class Reader {
public:
    Reader(const std::string& text, const std::string& file, const LibertyLibrary& lib)
        : lex_(text, file), file_(file), lib_(lib) {
        advance();
    }

    void read(std::string& module, std::vector<NetlistPort>& ports, std::vector<NetlistInstance>& insts,
              std::vector<std::string>& net_names) {
        net_names_.push_back("1'b0");
        net_names_.push_back("1'b1");
        if (tok_.kind == Token::End) fail_at(file_, 1, "empty netlist, expected 'module'");
        expect_keyword("module");
        module = expect_ident("module name").text;
        std::vector<std::string> header;
        if (is("(")) {
            advance();
            while (!is(")")) {
                header.push_back(expect_ident("port name").text);
                if (is(",")) advance();
                else if (!is(")")) fail_here("expected ',' or ')' in the port list");
            }
            advance();
        }
        expect(";");
        std::vector<std::pair<std::string, PinDirection>> dirs;
        while (true) {
            if (tok_.kind == Token::End) fail_at(file_, tok_.line, "missing 'endmodule' (truncated file?)");
            if (tok_.kind != Token::Ident) fail_here("expected a declaration or a cell instance");
            std::string word = tok_.text;
            if (word == "endmodule") {
                advance();
                break;
            }
            if (word == "input" || word == "output" || word == "inout" || word == "wire") {
                PinDirection d = word == "input" ? PinDirection::Input
                               : word == "output" ? PinDirection::Output
                                                  : PinDirection::Inout;
                bool is_port = word != "wire";
                advance();
                parse_declaration(is_port ? &dirs : nullptr, d);
            } else if (word == "assign") {
                fail_here("'assign' is not supported in a gate-level netlist; map it to buffer cells (Yosys: splitnets; insbuf)");
            } else if (word == "module") {
                fail_here("a second module; tesa reads flat netlists (Yosys: synth -flatten)");
            } else if (word == "reg" || word == "always" || word == "initial") {
                fail_here("'" + word + "' is behavioural Verilog, not a gate-level netlist");
            } else {
                insts.push_back(parse_instance());
            }
        }
        if (tok_.kind == Token::Ident && tok_.text == "module")
            fail_at(file_, tok_.line, "a second module; tesa reads flat netlists (Yosys: synth -flatten)");
        if (tok_.kind != Token::End) fail_here("unexpected text after 'endmodule'");

        for (const auto& name : header) {
            auto d = std::find_if(dirs.begin(), dirs.end(), [&](const auto& p) { return p.first == name; });
            if (d == dirs.end()) fail_at(file_, 1, "port '" + name + "' has no input/output declaration");
            const Declared& decl = decls_.at(name);
            NetlistPort port;
            port.name = name;
            port.direction = d->second;
            // bits[] is ordered from lsb; report LSB first.
            port.bits = decl.bits;
            ports.push_back(port);
        }
        check_drivers(ports, insts);
        net_names = std::move(net_names_);
    }

private:
    void advance() { tok_ = lex_.next(); }
    bool is(const char* p) const { return tok_.kind == Token::Punct && tok_.text == p; }
    [[noreturn]] void fail_here(const std::string& what) {
        std::string found = tok_.kind == Token::End ? "end of file" : "'" + tok_.text + "'";
        fail_at(file_, tok_.line, what + " (found " + found + ")");
    }
    void expect(const char* p) {
        if (!is(p)) fail_here(std::string("expected '") + p + "'");
        advance();
    }
    void expect_keyword(const char* k) {
        if (tok_.kind != Token::Ident || tok_.text != k) fail_here(std::string("expected '") + k + "'");
        advance();
    }
    Token expect_ident(const std::string& what) {
        if (tok_.kind != Token::Ident) fail_here("expected " + what);
        Token t = tok_;
        advance();
        return t;
    }
    // A bit index or range bound: plain decimal digits, at most kMaxBit.
    int expect_int(const std::string& what) {
        if (tok_.kind != Token::Number || tok_.text.find_first_not_of("0123456789") != std::string::npos)
            fail_here("expected " + what);
        if (tok_.text.size() > 9 || std::stol(tok_.text) > kMaxBit)
            fail_at(file_, tok_.line, what + " " + tok_.text + " is beyond " + std::to_string(kMaxBit));
        int v = std::stoi(tok_.text);
        advance();
        return v;
    }

    int new_net(const std::string& name) {
        net_names_.push_back(name);
        return static_cast<int>(net_names_.size()) - 1;
    }

    void parse_declaration(std::vector<std::pair<std::string, PinDirection>>* dirs, PinDirection d) {
        int line = tok_.line;
        bool vector = false;
        int msb = 0, lsb = 0;
        if (is("[")) {
            advance();
            msb = expect_int("msb");
            expect(":");
            lsb = expect_int("lsb");
            expect("]");
            vector = true;
            if (std::abs(msb - lsb) >= kMaxVectorBits)
                fail_at(file_, line, "range [" + std::to_string(msb) + ":" + std::to_string(lsb) + "] is wider than " +
                                         std::to_string(kMaxVectorBits) + " bits");
        }
        while (true) {
            std::string name = expect_ident("net name").text;
            if (dirs) dirs->emplace_back(name, d);
            auto it = decls_.find(name);
            if (it == decls_.end()) {
                Declared decl;
                decl.msb = msb;
                decl.lsb = lsb;
                decl.vector = vector;
                decl.line = line;
                int n = std::abs(msb - lsb) + 1;
                for (int i = 0; i < n; ++i) {
                    int index = msb >= lsb ? lsb + i : lsb - i;
                    decl.bits.push_back(new_net(vector ? name + "[" + std::to_string(index) + "]" : name));
                }
                decls_.emplace(name, std::move(decl));
            } else if (it->second.vector != vector || it->second.msb != msb || it->second.lsb != lsb) {
                fail_at(file_, line, "'" + name + "' redeclared with another range (first at line " +
                                         std::to_string(it->second.line) + ")");
            }
            if (is(",")) {
                advance();
                continue;
            }
            expect(";");
            return;
        }
    }

    // net | net[i] | 1'b0 | 1'b1 | (empty) ; returns -1 for unconnected.
    int parse_net_expr() {
        if (is(")")) return -1;
        if (tok_.kind == Token::Number) {
            std::string v = tok_.text;
            int line = tok_.line;
            advance();
            auto q = v.find('\'');
            if (q == std::string::npos || v.substr(0, q) != "1" || v.size() < q + 3 ||
                std::string("bBhHdDoO").find(v[q + 1]) == std::string::npos)
                fail_at(file_, line, "constant '" + v + "' is not a 1-bit constant (1'b0 or 1'b1)");
            std::string digits = v.substr(q + 2);
            if (digits == "0") return GateNetlist::kConst0;
            if (digits == "1") return GateNetlist::kConst1;
            fail_at(file_, line, "constant '" + v + "' is neither 0 nor 1 (x/z values are not allowed)");
        }
        if (is("{")) fail_here("concatenations are not supported in pin connections (Yosys: splitnets)");
        Token name = expect_ident("a net");
        auto it = decls_.find(name.text);
        if (it == decls_.end()) fail_at(file_, name.line, "net '" + name.text + "' is not declared");
        const Declared& d = it->second;
        if (is("[")) {
            advance();
            int index = expect_int("bit index");
            expect("]");
            int lo = std::min(d.msb, d.lsb), hi = std::max(d.msb, d.lsb);
            if (!d.vector || index < lo || index > hi)
                fail_at(file_, name.line, "bit " + std::to_string(index) + " of '" + name.text + "' is out of range");
            int offset = d.msb >= d.lsb ? index - d.lsb : d.lsb - index;
            return d.bits[static_cast<size_t>(offset)];
        }
        if (d.bits.size() != 1)
            fail_at(file_, name.line, "'" + name.text + "' is " + std::to_string(d.bits.size()) +
                                          " bits wide; a cell pin takes one bit");
        return d.bits[0];
    }

    NetlistInstance parse_instance() {
        Token cell = expect_ident("cell name");
        NetlistInstance inst;
        inst.line = cell.line;
        if (is("#")) fail_here("parameterised instances are not gate-level cells");
        inst.name = expect_ident("instance name").text;
        inst.cell = lib_.find_cell(cell.text);
        if (!inst.cell)
            fail_at(file_, cell.line, "instance '" + inst.name + "' uses cell '" + cell.text +
                                          "', which Liberty '" + lib_.file() + "' does not define");
        expect("(");
        std::set<std::string> seen;
        while (!is(")")) {
            if (!is(".")) fail_here("expected a named connection '.PIN(net)'");
            advance();
            Token pin = expect_ident("pin name");
            const LibertyPin* lp = inst.cell->find_pin(pin.text);
            if (!lp)
                fail_at(file_, pin.line, "cell '" + cell.text + "' has no pin '" + pin.text + "' (instance '" + inst.name + "')");
            if (!seen.insert(pin.text).second)
                fail_at(file_, pin.line, "pin '" + pin.text + "' of instance '" + inst.name + "' connected twice");
            expect("(");
            int net = parse_net_expr();
            expect(")");
            inst.pins.push_back({pin.text, net});
            if (is(",")) advance();
            else if (!is(")")) fail_here("expected ',' or ')' after a pin connection");
        }
        advance();
        expect(";");
        for (const auto& p : inst.cell->pins) {
            if (p.direction != PinDirection::Input) continue;
            bool connected = false;
            for (const auto& c : inst.pins)
                if (c.pin == p.name && c.net >= 0) connected = true;
            if (!connected)
                fail_at(file_, inst.line, "input pin '" + p.name + "' of instance '" + inst.name + "' is not connected");
        }
        return inst;
    }

    void check_drivers(const std::vector<NetlistPort>& ports, const std::vector<NetlistInstance>& insts) {
        std::vector<int> driver_line(net_names_.size(), 0);
        auto drive = [&](int net, int line, const std::string& who) {
            if (net < 2) fail_at(file_, line, who + " drives a constant");
            if (driver_line[static_cast<size_t>(net)] != 0)
                fail_at(file_, line, "net '" + net_names_[static_cast<size_t>(net)] + "' has a second driver (" + who +
                                         "; first driver at line " + std::to_string(driver_line[static_cast<size_t>(net)]) + ")");
            driver_line[static_cast<size_t>(net)] = line;
        };
        for (const auto& p : ports)
            if (p.direction == PinDirection::Input)
                for (int b : p.bits) drive(b, decls_.at(p.name).line, "input port '" + p.name + "'");
        for (const auto& inst : insts)
            for (const auto& c : inst.pins) {
                const LibertyPin* lp = inst.cell->find_pin(c.pin);
                if (lp->direction == PinDirection::Output && c.net >= 0)
                    drive(c.net, inst.line, "instance '" + inst.name + "'");
            }
    }

    Lexer lex_;
    const std::string& file_;
    const LibertyLibrary& lib_;
    Token tok_;
    std::unordered_map<std::string, Declared> decls_;
    std::vector<std::string> net_names_;
};

}  // namespace

GateNetlist GateNetlist::parse(const std::string& text, const std::string& file, const LibertyLibrary& lib) {
    GateNetlist n;
    n.file_ = file;
    Reader r(text, file, lib);
    r.read(n.module_, n.ports_, n.instances_, n.net_names_);
    return n;
}

GateNetlist GateNetlist::read(const std::filesystem::path& path, const LibertyLibrary& lib) {
    return parse(read_file(path), path.string(), lib);
}

const NetlistPort* GateNetlist::find_port(const std::string& name) const {
    for (const auto& p : ports_)
        if (p.name == name) return &p;
    return nullptr;
}

std::map<std::string, int> GateNetlist::cell_usage() const {
    std::map<std::string, int> usage;
    for (const auto& i : instances_) ++usage[i.cell->name];
    return usage;
}

double GateNetlist::area() const {
    double a = 0.0;
    for (const auto& i : instances_) a += i.cell->area;
    return a;
}

}  // namespace tesa
