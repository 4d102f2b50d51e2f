// lane_program.cpp -- hash-consed op construction, Shannon expansion of truth tables, pruning,
// the 64-lane interpreter and the C++ generator (slots reused by liveness, so the generated code
// touches a working set of the program's width, not its length).
#include "timing/lane_program.h"

#include "common/error.h"

#include <algorithm>
#include <sstream>

namespace tesa {

LaneProgram::LaneProgram(int inputs) : inputs_(inputs) {
    ops_.push_back({LaneOp::Const0});
    ops_.push_back({LaneOp::Const1});
    for (int i = 0; i < inputs; ++i) ops_.push_back({LaneOp::Input, i});
}

int LaneProgram::add(LaneOp::Kind k, int a, int b) {
    const uint64_t key = (static_cast<uint64_t>(k) << 56) ^ (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 28) ^
                         static_cast<uint64_t>(static_cast<uint32_t>(b) & 0xfffffffu);
    auto it = memo_.find(key);
    if (it != memo_.end() && ops_[static_cast<size_t>(it->second)].kind == k && ops_[static_cast<size_t>(it->second)].a == a &&
        ops_[static_cast<size_t>(it->second)].b == b)
        return it->second;
    ops_.push_back({k, a, b});
    const int id = static_cast<int>(ops_.size()) - 1;
    memo_[key] = id;
    return id;
}

bool LaneProgram::is_not_of(int x, int y) const {
    const LaneOp& ox = ops_[static_cast<size_t>(x)];
    const LaneOp& oy = ops_[static_cast<size_t>(y)];
    return (ox.kind == LaneOp::Not && ox.a == y) || (oy.kind == LaneOp::Not && oy.a == x) || (x == 0 && y == 1) ||
           (x == 1 && y == 0);
}

int LaneProgram::op_and(int x, int y) {
    if (x == 0 || y == 0) return 0;
    if (x == 1) return y;
    if (y == 1 || x == y) return x;
    if (is_not_of(x, y)) return 0;
    if (ops_[static_cast<size_t>(y)].kind == LaneOp::Not) return op_and_not(x, ops_[static_cast<size_t>(y)].a);
    if (ops_[static_cast<size_t>(x)].kind == LaneOp::Not) return op_and_not(y, ops_[static_cast<size_t>(x)].a);
    return add(LaneOp::And, std::min(x, y), std::max(x, y));
}

int LaneProgram::op_or(int x, int y) {
    if (x == 1 || y == 1) return 1;
    if (x == 0) return y;
    if (y == 0 || x == y) return x;
    if (is_not_of(x, y)) return 1;
    return add(LaneOp::Or, std::min(x, y), std::max(x, y));
}

int LaneProgram::op_xor(int x, int y) {
    if (x == y) return 0;
    if (x == 0) return y;
    if (y == 0) return x;
    if (x == 1) return op_not(y);
    if (y == 1) return op_not(x);
    if (is_not_of(x, y)) return 1;
    return add(LaneOp::Xor, std::min(x, y), std::max(x, y));
}

int LaneProgram::op_and_not(int x, int y) {
    if (x == 0 || y == 1 || x == y) return 0;
    if (y == 0) return x;
    if (x == 1) return op_not(y);
    if (is_not_of(x, y)) return x;
    if (ops_[static_cast<size_t>(y)].kind == LaneOp::Not) return op_and(x, ops_[static_cast<size_t>(y)].a);
    return add(LaneOp::AndNot, x, y);
}

int LaneProgram::op_not(int x) {
    if (x == 0) return 1;
    if (x == 1) return 0;
    if (ops_[static_cast<size_t>(x)].kind == LaneOp::Not) return ops_[static_cast<size_t>(x)].a;
    return add(LaneOp::Not, x, -1);
}

int LaneProgram::op_mux(int s, int x, int y) {
    if (x == y) return x;
    if (s == 1) return x;
    if (s == 0) return y;
    if (x == 1) return op_or(s, y);
    if (x == 0) return op_and_not(y, s);
    if (y == 0) return op_and(s, x);
    if (y == 1) return op_or(op_not(s), x);
    return op_xor(y, op_and(op_xor(x, y), s));
}

int LaneProgram::op_table(uint64_t table, int n, const int* vars) {
    if (n < 0 || n > 6) fail("lane program: truth table over " + std::to_string(n) + " inputs");
    const uint64_t mask = n == 6 ? ~0ull : ((1ull << (1u << n)) - 1);
    table &= mask;
    if (table == 0) return 0;
    if (table == mask) return 1;
    // The top variable splits the table into two halves (cofactors).
    const int top = n - 1;
    const unsigned half = 1u << top;
    const uint64_t lo_mask = half == 32 ? 0xffffffffull : ((1ull << half) - 1);
    const uint64_t f0 = table & lo_mask, f1 = (table >> half) & lo_mask;
    if (f0 == f1) return op_table(f0, top, vars);
    const int x = op_table(f1, top, vars), y = op_table(f0, top, vars);
    return op_mux(vars[top], x, y);
}

long LaneProgram::logic_ops() const {
    long n = 0;
    for (const auto& o : ops_) n += o.kind != LaneOp::Const0 && o.kind != LaneOp::Const1 && o.kind != LaneOp::Input;
    return n;
}

void LaneProgram::prune() {
    std::vector<uint8_t> live(ops_.size(), 0);
    for (int o : outputs_) live[static_cast<size_t>(o)] = 1;
    for (size_t i = ops_.size(); i-- > 0;) {
        if (!live[i]) continue;
        const LaneOp& o = ops_[i];
        if (o.kind == LaneOp::Input || o.kind == LaneOp::Const0 || o.kind == LaneOp::Const1) continue;
        live[static_cast<size_t>(o.a)] = 1;
        if (o.b >= 0) live[static_cast<size_t>(o.b)] = 1;
    }
    std::vector<int> renum(ops_.size(), -1);
    std::vector<LaneOp> kept;
    for (size_t i = 0; i < ops_.size(); ++i) {
        const LaneOp& o = ops_[i];
        const bool fixed = o.kind == LaneOp::Input || o.kind == LaneOp::Const0 || o.kind == LaneOp::Const1;
        if (!fixed && !live[i]) continue;
        LaneOp c = o;
        if (!fixed) {
            c.a = renum[static_cast<size_t>(o.a)];
            if (o.b >= 0) c.b = renum[static_cast<size_t>(o.b)];
        }
        renum[i] = static_cast<int>(kept.size());
        kept.push_back(c);
    }
    ops_ = std::move(kept);
    for (int& o : outputs_) o = renum[static_cast<size_t>(o)];
    memo_.clear();
}

void LaneProgram::evaluate(const uint64_t* in, uint64_t* out, std::vector<uint64_t>& v) const {
    v.resize(ops_.size());
    for (size_t i = 0; i < ops_.size(); ++i) {
        const LaneOp& o = ops_[i];
        switch (o.kind) {
            case LaneOp::Const0: v[i] = 0; break;
            case LaneOp::Const1: v[i] = ~0ull; break;
            case LaneOp::Input: v[i] = in[o.a]; break;
            case LaneOp::And: v[i] = v[static_cast<size_t>(o.a)] & v[static_cast<size_t>(o.b)]; break;
            case LaneOp::Or: v[i] = v[static_cast<size_t>(o.a)] | v[static_cast<size_t>(o.b)]; break;
            case LaneOp::Xor: v[i] = v[static_cast<size_t>(o.a)] ^ v[static_cast<size_t>(o.b)]; break;
            case LaneOp::AndNot: v[i] = v[static_cast<size_t>(o.a)] & ~v[static_cast<size_t>(o.b)]; break;
            case LaneOp::Not: v[i] = ~v[static_cast<size_t>(o.a)]; break;
        }
    }
    for (size_t j = 0; j < outputs_.size(); ++j) out[j] = v[static_cast<size_t>(outputs_[j])];
}

LaneCode LaneProgram::code() const {
    LaneCode c;
    c.inputs = inputs_;
    const size_t n = ops_.size();
    auto fixed = [&](size_t i) {
        const auto k = ops_[i].kind;
        return k == LaneOp::Input || k == LaneOp::Const0 || k == LaneOp::Const1;
    };
    std::vector<size_t> last(n, 0);
    for (size_t i = 0; i < n; ++i) {
        if (fixed(i)) continue;
        last[static_cast<size_t>(ops_[i].a)] = i;
        if (ops_[i].b >= 0) last[static_cast<size_t>(ops_[i].b)] = i;
    }
    for (int o : outputs_) last[static_cast<size_t>(o)] = n;  // outputs live to the end
    std::vector<uint32_t> slot(n, 0);
    uint32_t next = 2 + static_cast<uint32_t>(inputs_);
    for (size_t i = 0; i < n; ++i)
        if (ops_[i].kind == LaneOp::Const1) slot[i] = 1;
        else if (ops_[i].kind == LaneOp::Input) slot[i] = 2 + static_cast<uint32_t>(ops_[i].a);
    std::vector<uint32_t> free_slots;
    for (size_t i = 0; i < n; ++i) {
        if (fixed(i)) continue;
        const LaneOp& o = ops_[i];
        LaneInstr in{static_cast<uint8_t>(o.kind), 0, slot[static_cast<size_t>(o.a)], o.b >= 0 ? slot[static_cast<size_t>(o.b)] : 0};
        if (o.kind == LaneOp::Not) in = {static_cast<uint8_t>(LaneOp::Xor), 0, in.a, 1};  // ~x = x ^ ones
        // Operands used for the last time free their slots first: the result may take one.
        for (int x : {o.a, o.b})
            if (x >= 0 && !fixed(static_cast<size_t>(x)) && last[static_cast<size_t>(x)] == i) {
                free_slots.push_back(slot[static_cast<size_t>(x)]);
                last[static_cast<size_t>(x)] = n + 1;
            }
        if (!free_slots.empty()) {
            slot[i] = free_slots.back();
            free_slots.pop_back();
        } else {
            slot[i] = next++;
        }
        in.dst = slot[i];
        c.instrs.push_back(in);
    }
    c.slots = next;
    for (int o : outputs_) c.outputs.push_back(slot[static_cast<size_t>(o)]);
    return c;
}

namespace {

// One switch per instruction (measured against a branch-free mask formula and threaded
// dispatch: both slower).
template <class W>
inline void run_instrs(const LaneCode& c, const W* in, W* out, W* v) {
    v[0] = in[0] ^ in[0];
    v[1] = ~v[0];
    for (int i = 0; i < c.inputs; ++i) v[2 + i] = in[i];
    const LaneInstr* p = c.instrs.data();
    const LaneInstr* e = p + c.instrs.size();
    for (; p != e; ++p) {
        const W x = v[p->a], y = v[p->b];
        W r;
        switch (p->kind) {
            case LaneOp::And: r = x & y; break;
            case LaneOp::Or: r = x | y; break;
            case LaneOp::AndNot: r = x & ~y; break;
            default: r = x ^ y; break;  // Xor; Not is Xor with the all-ones slot
        }
        v[p->dst] = r;
    }
    for (size_t j = 0; j < c.outputs.size(); ++j) out[j] = v[c.outputs[j]];
}

__attribute__((target("avx2"))) void run_avx2(const LaneCode& c, const LaneWord256* in, LaneWord256* out, LaneWord256* v) {
    run_instrs(c, in, out, v);
}

void run_portable(const LaneCode& c, const LaneWord256* in, LaneWord256* out, LaneWord256* v) { run_instrs(c, in, out, v); }

}  // namespace

void run_lane_code(const LaneCode& code, const LaneWord256* in, LaneWord256* out, LaneWord256* slots) {
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2) run_avx2(code, in, out, slots);
    else run_portable(code, in, out, slots);
}

std::vector<std::string> LaneProgram::cpp_units(const std::string& name, int vector_bytes, int units) const {
    if (vector_bytes != 8 && vector_bytes != 32 && vector_bytes != 64)
        fail("lane program: vector width of " + std::to_string(vector_bytes) + " bytes (expected 8, 32 or 64)");
    if (units < 1 || units > 64) fail("lane program: " + std::to_string(units) + " translation units (1 .. 64)");
    const LaneCode c = code();
    // One function per kPartOps instructions: GCC compiles many small functions far faster than one huge one.
    constexpr size_t kPartOps = 2000;
    const size_t parts = (c.instrs.size() + kPartOps - 1) / kPartOps;
    std::string head = "// Generated by tesa from a lane program: " + std::to_string(c.instrs.size()) + " ops, " +
                       std::to_string(c.slots) + " slots.\n#include <cstdint>\n";
    head += vector_bytes == 8 ? "typedef uint64_t W;\n" : "typedef uint64_t W __attribute__((vector_size(" + std::to_string(vector_bytes) + ")));\n";
    std::vector<std::ostringstream> u(static_cast<size_t>(units));
    for (auto& x : u) x << head;
    auto part_name = [&](size_t k) { return name + "_part" + std::to_string(k); };
    for (size_t k = 0; k < parts; ++k) {
        std::ostringstream& v = u[units == 1 ? 0 : 1 + k * static_cast<size_t>(units - 1) / parts];
        v << (units == 1 ? "static " : "extern \"C\" ") << "void " << part_name(k) << "(W* s) {\n";
        for (size_t i = k * kPartOps; i < std::min(c.instrs.size(), (k + 1) * kPartOps); ++i) {
            const LaneInstr& in = c.instrs[i];
            const std::string x = "s[" + std::to_string(in.a) + "]", y = "s[" + std::to_string(in.b) + "]";
            v << "  s[" << in.dst << "] = ";
            switch (in.kind) {
                case LaneOp::And: v << x << " & " << y; break;
                case LaneOp::Or: v << x << " | " << y; break;
                case LaneOp::Xor: v << x << " ^ " << y; break;
                case LaneOp::AndNot: v << x << " & ~" << y; break;
                default: v << "~" << x; break;
            }
            v << ";\n";
        }
        v << "}\n";
    }
    std::ostringstream& v = u[0];
    if (units > 1)
        for (size_t k = 0; k < parts; ++k) v << "extern \"C\" void " << part_name(k) << "(W* s);\n";
    v << "extern \"C\" int " << name << "_slots() { return " << c.slots << "; }\n"
      << "// s: scratch of " << name << "_slots() words, one per thread.\n"
      << "extern \"C\" void " << name << "(const W* in, W* out, W* s) {\n"
      << "  s[0] = in[0] ^ in[0];\n  s[1] = ~s[0];\n"
      << "  for (int i = 0; i < " << c.inputs << "; ++i) s[2 + i] = in[i];\n";
    for (size_t k = 0; k < parts; ++k) v << "  " << part_name(k) << "(s);\n";
    for (size_t j = 0; j < c.outputs.size(); ++j) v << "  out[" << j << "] = s[" << c.outputs[j] << "];\n";
    v << "}\n";
    std::vector<std::string> out;
    for (auto& x : u) out.push_back(x.str());
    return out;
}

std::string LaneProgram::cpp(const std::string& name, int vector_bytes) const { return cpp_units(name, vector_bytes, 1)[0]; }

std::string LaneProgram::verilog(const std::string& name, int width, int lanes) const {
    if (inputs_ != 4 * width || static_cast<int>(outputs_.size()) != 2 * width)
        fail("lane program: " + std::to_string(inputs_) + " inputs and " + std::to_string(outputs_.size()) +
             " outputs are not a " + std::to_string(width) + "-bit multiplier's");
    const std::string w = "[" + std::to_string(lanes - 1) + ":0]", L = std::to_string(lanes);
    std::string v;
    v.reserve(ops_.size() * 40);
    v += "// Generated by tesa: a lane program (timing/lane_program.h) of a " + std::to_string(width) + "-bit multiplier, " +
         std::to_string(logic_ops()) + " ops, " + L + " lanes.\n// Port bit i of lane l is bit i*" + L + "+l.\n";
    v += "/* verilator lint_off UNUSEDSIGNAL */\nmodule " + name + " (a_prev, b_prev, a, b, p);\n";
    v += "  input [" + std::to_string(width * lanes - 1) + ":0] a_prev, b_prev, a, b;\n";
    v += "  output [" + std::to_string(2 * width * lanes - 1) + ":0] p;\n";
    const char* port[4] = {"a_prev", "b_prev", "a", "b"};
    auto ref = [](int i) { return "o" + std::to_string(i); };
    for (size_t i = 0; i < ops_.size(); ++i) {
        const LaneOp& op = ops_[i];
        std::string e;
        switch (op.kind) {
        case LaneOp::Const0: e = "{" + L + "{1'b0}}"; break;
        case LaneOp::Const1: e = "{" + L + "{1'b1}}"; break;
        case LaneOp::Input:
            e = std::string(port[op.a / width]) + "[" + std::to_string((op.a % width) * lanes) + " +: " + L + "]";
            break;
        case LaneOp::And: e = ref(op.a) + " & " + ref(op.b); break;
        case LaneOp::Or: e = ref(op.a) + " | " + ref(op.b); break;
        case LaneOp::Xor: e = ref(op.a) + " ^ " + ref(op.b); break;
        case LaneOp::AndNot: e = ref(op.a) + " & ~" + ref(op.b); break;
        case LaneOp::Not: e = "~" + ref(op.a); break;
        }
        v += "  wire " + w + " " + ref(static_cast<int>(i)) + " = " + e + ";\n";
    }
    for (size_t j = 0; j < outputs_.size(); ++j)
        v += "  assign p[" + std::to_string(j * static_cast<size_t>(lanes)) + " +: " + L + "] = " + ref(outputs_[j]) + ";\n";
    v += "endmodule\n";
    return v;
}

}  // namespace tesa
