// sdf_file.cpp -- SDF reader: a generic s-expression pass (tokens carry lines), then a walk that
// gives the supported constructs their meaning and names everything else as unsupported.
#include "timing/sdf_file.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/text_scan.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace tesa {

double SdfTriple::pick_max() const {
    if (max) return *max;
    if (typ) return *typ;
    if (min) return *min;
    return 0.0;
}

double SdfTriple::pick_min() const {
    if (min) return *min;
    if (typ) return *typ;
    if (max) return *max;
    return 0.0;
}

namespace {

struct Node {
    bool list = false;
    bool quoted = false;
    std::string atom;
    std::vector<Node> items;
    int line = 0;

    const std::string& head() const {
        static const std::string none;
        return list && !items.empty() && !items[0].list ? items[0].atom : none;
    }
};

// SDF nests (DELAYFILE (CELL (DELAY (ABSOLUTE (COND .. (IOPATH .. (v))))))) about 7 deep; the
// limit keeps the recursive parse, the walk and the tree's destruction bounded whatever the file.
constexpr int kMaxDepth = 64;

class SexprParser {
public:
    SexprParser(const std::string& s, const std::string& file) : s_(s), file_(file) {}

    Node parse_file() {
        skip();
        if (pos_ >= s_.size()) fail_at(file_, 1, "empty file, expected (DELAYFILE ...)");
        if (s_[pos_] != '(') fail_at(file_, line_, "expected '(' at the start of an SDF file");
        Node root = parse_list(1);
        skip();
        if (pos_ < s_.size()) fail_at(file_, line_, "text after the closing ')' of DELAYFILE");
        return root;
    }

private:
    void skip() { skip_blanks_and_comments(s_, pos_, line_, true, file_); }

    Node parse_list(int depth) {
        Node n;
        n.list = true;
        n.line = line_;
        if (depth > kMaxDepth)
            fail_at(file_, line_, "parentheses nested more than " + std::to_string(kMaxDepth) + " deep (not an SDF file?)");
        ++pos_;  // '('
        while (true) {
            skip();
            if (pos_ >= s_.size())
                fail_at(file_, n.line, "'(' is never closed (end of file reached; truncated file?)");
            char c = s_[pos_];
            if (c == ')') {
                ++pos_;
                return n;
            }
            if (c == '(') {
                n.items.push_back(parse_list(depth + 1));
            } else if (c == '"') {
                Node a;
                a.quoted = true;
                a.line = line_;
                ++pos_;
                while (pos_ < s_.size() && s_[pos_] != '"') {
                    if (s_[pos_] == '\n') ++line_;
                    a.atom.push_back(s_[pos_++]);
                }
                if (pos_ >= s_.size()) fail_at(file_, a.line, "unterminated string");
                ++pos_;
                n.items.push_back(a);
            } else {
                Node a;
                a.line = line_;
                while (pos_ < s_.size()) {
                    char d = s_[pos_];
                    if (d == '\\' && pos_ + 1 < s_.size()) {  // escaped character is part of the name
                        a.atom.push_back(s_[pos_ + 1]);
                        pos_ += 2;
                        continue;
                    }
                    if (std::isspace(static_cast<unsigned char>(d)) || d == '(' || d == ')' || d == '"') break;
                    a.atom.push_back(d);
                    ++pos_;
                }
                n.items.push_back(a);
            }
        }
    }

    const std::string& s_;
    const std::string& file_;
    size_t pos_ = 0;
    int line_ = 1;
};

class SdfWalker {
public:
    explicit SdfWalker(const std::string& file) : file_(file) {}

    [[noreturn]] void unsupported(const Node& n, const std::string& context) {
        std::string what = n.list ? (n.head().empty() ? "(...)" : n.head()) : n.atom;
        fail_at(file_, n.line, "unsupported SDF construct '" + what + "'" + (context.empty() ? "" : " in " + context));
    }

    [[noreturn]] void bad(const Node& n, const std::string& what) { fail_at(file_, n.line, what); }

    const Node& atom_at(const Node& n, size_t i, const std::string& what) {
        if (i >= n.items.size() || n.items[i].list) bad(n, n.head() + ": expected " + what);
        return n.items[i];
    }

    // A finite decimal number ("nan", "inf" and hex are not SDF numbers).
    double number(const std::string& s, const Node& where) {
        char* end = nullptr;
        const bool plain = !s.empty() && s.find_first_not_of("0123456789.+-eE") == std::string::npos;
        double v = plain ? std::strtod(s.c_str(), &end) : 0.0;
        if (!plain || *end != '\0' || !std::isfinite(v)) bad(where, "'" + s + "' is not a number");
        return v;
    }

    double timescale(const Node& n) {
        // (TIMESCALE 1ns) or (TIMESCALE 100 ps)
        std::string t;
        for (size_t i = 1; i < n.items.size(); ++i) t += n.items[i].atom;
        size_t k = 0;
        while (k < t.size() && (std::isdigit(static_cast<unsigned char>(t[k])) || t[k] == '.')) ++k;
        double scale = number(t.substr(0, k), n);
        if (scale != 1 && scale != 10 && scale != 100) bad(n, "TIMESCALE must be 1, 10 or 100 of a unit (IEEE 1497)");
        std::string unit = t.substr(k);
        if (unit == "us") return scale * 1e6;
        if (unit == "ns") return scale * 1e3;
        if (unit == "ps") return scale;
        if (unit == "fs") return scale * 1e-3;
        bad(n, "TIMESCALE unit '" + unit + "' (expected us, ns, ps or fs)");
    }

    static constexpr double kMaxDelayPs = 1e9;

    SdfTriple triple(const Node& rvalue, double unit) {
        SdfTriple t;
        if (!rvalue.list) bad(rvalue, "expected a delay value '(min:typ:max)', found '" + rvalue.atom + "'");
        if (rvalue.items.empty()) return t;
        if (rvalue.items.size() != 1 || rvalue.items[0].list) bad(rvalue, "malformed delay value");
        const std::string& s = rvalue.items[0].atom;
        std::vector<std::string> parts;
        size_t start = 0;
        while (true) {
            size_t c = s.find(':', start);
            parts.push_back(s.substr(start, c == std::string::npos ? std::string::npos : c - start));
            if (c == std::string::npos) break;
            start = c + 1;
        }
        auto val = [&](const std::string& p) -> std::optional<double> {
            if (p.empty()) return std::nullopt;
            const double v = number(p, rvalue) * unit;
            if (std::fabs(v) > kMaxDelayPs) bad(rvalue, "delay value '" + p + "' is beyond 1 ms");
            return v;
        };
        if (parts.size() == 1) {
            t.min = t.typ = t.max = val(parts[0]);
        } else if (parts.size() == 3) {
            t.min = val(parts[0]);
            t.typ = val(parts[1]);
            t.max = val(parts[2]);
        } else {
            bad(rvalue, "delay value '" + s + "' is neither v nor min:typ:max");
        }
        return t;
    }

    // rvalue list: 1 value (all transitions), 2 (rise, fall), 3 (rise, fall, to-Z), 6 or 12
    // (01 10 0Z Z1 1Z Z0 ...): rise = 01, fall = 10.
    SdfDelay delay(const Node& n, size_t first, double unit) {
        size_t count = n.items.size() - first;
        if (count != 1 && count != 2 && count != 3 && count != 6 && count != 12)
            bad(n, n.head() + ": " + std::to_string(count) + " delay values (expected 1, 2, 3, 6 or 12)");
        SdfDelay d;
        d.rise = triple(n.items[first], unit);
        d.fall = count == 1 ? d.rise : triple(n.items[first + 1], unit);
        for (const SdfTriple* t : {&d.rise, &d.fall})
            for (const std::optional<double>* v : {&t->min, &t->typ, &t->max})
                if (*v && **v < 0) bad(n, n.head() + ": negative delay " + std::to_string(**v) + " ps (not supported)");
        return d;
    }

    // name | (posedge name) | (negedge name)
    void port_spec(const Node& p, std::string& name, SdfEdge& edge) {
        if (!p.list) {
            name = p.atom;
            edge = SdfEdge::Any;
            return;
        }
        if (p.items.size() == 2 && !p.items[1].list && (p.head() == "posedge" || p.head() == "negedge")) {
            name = p.items[1].atom;
            edge = p.head() == "posedge" ? SdfEdge::Posedge : SdfEdge::Negedge;
            return;
        }
        if (p.head() == "COND") unsupported(p, "a timing-check port (conditional checks)");
        bad(p, "expected a port or (posedge|negedge port)");
    }

    static std::string text_of(const Node& n) {
        if (!n.list) return n.atom;
        std::string s = "(";
        for (size_t i = 0; i < n.items.size(); ++i) s += (i ? " " : "") + text_of(n.items[i]);
        return s + ")";
    }

    SdfIopath iopath(const Node& n, double unit) {
        if (n.items.size() < 4) bad(n, "IOPATH needs an input port, an output port and delays");
        SdfIopath io;
        io.line = n.line;
        port_spec(n.items[1], io.in_port, io.in_edge);
        const Node& out = n.items[2];
        if (out.list) bad(out, "IOPATH output must be a plain port");
        io.out_port = out.atom;
        size_t first = 3;
        if (n.items[3].list && n.items[3].head() == "RETAIN") unsupported(n.items[3], "IOPATH");
        io.delay = delay(n, first, unit);
        return io;
    }

    void absolute(const Node& n, SdfCell& cell, double unit) {
        for (size_t i = 1; i < n.items.size(); ++i) {
            const Node& item = n.items[i];
            const std::string& h = item.head();
            if (h == "IOPATH") {
                cell.iopaths.push_back(iopath(item, unit));
            } else if (h == "COND") {
                // (COND [name] expr (IOPATH ...))
                if (item.items.size() < 3 || item.items.back().head() != "IOPATH")
                    bad(item, "COND must end with an IOPATH");
                size_t k = 1;
                if (item.items[k].quoted) ++k;  // optional condition name
                std::string expr;
                for (; k + 1 < item.items.size(); ++k) expr += (expr.empty() ? "" : " ") + text_of(item.items[k]);
                if (expr.empty()) bad(item, "COND without an expression");
                SdfIopath io = iopath(item.items.back(), unit);
                io.cond = expr;
                cell.iopaths.push_back(io);
            } else if (h == "INTERCONNECT") {
                if (item.items.size() < 4) bad(item, "INTERCONNECT needs two ports and delays");
                SdfInterconnect ic;
                ic.line = item.line;
                ic.from = atom_at(item, 1, "a source port").atom;
                ic.to = atom_at(item, 2, "a load port").atom;
                ic.delay = delay(item, 3, unit);
                cell.interconnects.push_back(ic);
            } else {
                unsupported(item, "DELAY ABSOLUTE");
            }
        }
    }

    void timingcheck(const Node& n, SdfCell& cell, double unit) {
        for (size_t i = 1; i < n.items.size(); ++i) {
            const Node& c = n.items[i];
            const std::string& h = c.head();
            SdfTimingCheck tc;
            tc.kind = h;
            tc.line = c.line;
            if (h == "SETUP" || h == "HOLD" || h == "RECOVERY" || h == "REMOVAL" || h == "SETUPHOLD") {
                size_t need = h == "SETUPHOLD" ? 5 : 4;
                if (c.items.size() != need) bad(c, h + ": expected two ports and " + (need == 5 ? "two values" : "a value"));
                port_spec(c.items[1], tc.data_port, tc.data_edge);
                port_spec(c.items[2], tc.ref_port, tc.ref_edge);
                tc.value = triple(c.items[3], unit);
                if (need == 5) tc.value2 = triple(c.items[4], unit);
            } else if (h == "WIDTH" || h == "PERIOD") {
                if (c.items.size() != 3) bad(c, h + ": expected a port and a value");
                port_spec(c.items[1], tc.ref_port, tc.ref_edge);
                tc.value = triple(c.items[2], unit);
            } else {
                unsupported(c, "TIMINGCHECK");
            }
            cell.checks.push_back(tc);
        }
    }

    SdfCell cell(const Node& n, double unit, char divider) {
        SdfCell c;
        c.line = n.line;
        bool have_type = false, have_instance = false;
        for (size_t i = 1; i < n.items.size(); ++i) {
            const Node& item = n.items[i];
            const std::string& h = item.head();
            if (h == "CELLTYPE") {
                c.celltype = atom_at(item, 1, "a cell type").atom;
                have_type = true;
            } else if (h == "INSTANCE") {
                have_instance = true;
                if (item.items.size() > 2) bad(item, "INSTANCE takes one path");
                if (item.items.size() == 2) c.instance = item.items[1].atom;
                if (c.instance == "*") unsupported(item.items[1], "INSTANCE (wildcard instances)");
                if (divider != '/')
                    for (auto& ch : c.instance)
                        if (ch == divider) ch = '/';
            } else if (h == "DELAY") {
                for (size_t k = 1; k < item.items.size(); ++k) {
                    const Node& d = item.items[k];
                    if (d.head() == "ABSOLUTE") absolute(d, c, unit);
                    else unsupported(d, "DELAY");
                }
            } else if (h == "TIMINGCHECK") {
                timingcheck(item, c, unit);
            } else {
                unsupported(item, "CELL");
            }
        }
        if (!have_type) bad(n, "CELL without CELLTYPE");
        if (!have_instance) bad(n, "CELL without INSTANCE");
        return c;
    }

    void walk(const Node& root, std::string& design, std::string& version, std::string& program, double& unit,
              std::vector<SdfCell>& cells) {
        if (root.head() != "DELAYFILE") bad(root, "expected (DELAYFILE ...), found (" + root.head() + " ...)");
        char divider = '/';
        for (size_t i = 1; i < root.items.size(); ++i) {
            const Node& item = root.items[i];
            const std::string& h = item.head();
            if (!item.list) bad(item, "unexpected '" + item.atom + "' in DELAYFILE");
            if (h == "SDFVERSION") {
                version = atom_at(item, 1, "a version").atom;
            } else if (h == "DESIGN") {
                design = atom_at(item, 1, "a design name").atom;
            } else if (h == "PROGRAM") {
                program = atom_at(item, 1, "a program name").atom;
            } else if (h == "DIVIDER") {
                const std::string& d = atom_at(item, 1, "'/' or '.'").atom;
                if (d != "/" && d != ".") bad(item, "DIVIDER must be '/' or '.'");
                divider = d[0];
            } else if (h == "TIMESCALE") {
                unit = timescale(item);
            } else if (h == "DATE" || h == "VENDOR" || h == "VERSION" || h == "VOLTAGE" || h == "PROCESS" ||
                       h == "TEMPERATURE") {
                // descriptive header entries
            } else if (h == "CELL") {
                cells.push_back(cell(item, unit, divider));
            } else {
                unsupported(item, "DELAYFILE");
            }
        }
    }

private:
    const std::string& file_;
};

}  // namespace

SdfFile SdfFile::parse(const std::string& text, const std::string& file) {
    SdfFile f;
    f.file_ = file;
    Node root = SexprParser(text, file).parse_file();
    SdfWalker(file).walk(root, f.design_, f.version_, f.program_, f.timescale_ps_, f.cells_);
    return f;
}

SdfFile SdfFile::read(const std::filesystem::path& path) { return parse(read_file(path), path.string()); }

const SdfCell* SdfFile::find_instance(const std::string& path) const {
    for (const auto& c : cells_)
        if (c.instance == path) return &c;
    return nullptr;
}

}  // namespace tesa
