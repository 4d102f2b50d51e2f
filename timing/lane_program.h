// lane_program.h -- a straight-line Boolean program over lanes: the form every fast timed model
// of tesa is lowered to. Each op combines earlier ops bitwise, so one evaluation over W-bit words
// computes W independent transitions (bit l of every word is lane l).
//
// Inputs are numbered 0 .. 4N-1: a_prev bits, b_prev bits, a bits, b bits (LSB first); outputs
// are the 2N captured product bits. The builder folds constants and shares equal ops (hash
// consing), so a model's op count is its cost per evaluation.
// Evaluators: evaluate() (64 lanes per call, plain C++: the reference), code() + run_lane_code()
// (the program on reusable slots, 256 lanes per call: what the engines run), and cpp() -- C++
// source of the same program over GCC vector-extension words (measured compiled in
// docs/semantics.md; not yet used by an engine). All give the same bits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tesa {

struct LaneOp {
    enum Kind : uint8_t { Const0, Const1, Input, And, Or, Xor, AndNot, Not } kind;
    int a = -1, b = -1;  // operands (earlier ops); Input: a = input index; AndNot: a & ~b
};

// The program with its values assigned to reusable slots (an op's slot is freed after its last
// use): slots 0 and 1 hold all-zeros and all-ones, 2 .. 2+inputs-1 the inputs; each instruction
// computes slot dst from slots a and b. The working set is the program's width, not its length.
struct LaneInstr {
    uint8_t kind;  // LaneOp::Kind: And, Or, Xor, AndNot, Not
    uint32_t dst, a, b;
};
struct LaneCode {
    int inputs = 0;
    uint32_t slots = 0;
    std::vector<LaneInstr> instrs;
    std::vector<uint32_t> outputs;  // slot of each output
};

// 256 lanes per word.
typedef uint64_t LaneWord256 __attribute__((vector_size(32)));

// A 32-byte aligned array of lane words (std::vector does not over-align them here).
class LaneBuffer {
public:
    void resize(size_t n) {
        if (n > size_) {
            raw_.reset(new uint64_t[4 * n + 4]());
            size_ = n;
        }
    }
    LaneWord256* data() {
        const auto p = reinterpret_cast<uintptr_t>(raw_.get());
        return reinterpret_cast<LaneWord256*>((p + 31) & ~uintptr_t{31});
    }
    LaneWord256& operator[](size_t i) { return data()[i]; }

private:
    std::unique_ptr<uint64_t[]> raw_;
    size_t size_ = 0;
};

// Runs `code` on words of 256 lanes: in[i] is input i, out[j] receives output j; `slots` is
// scratch of code.slots words. Same bits on every machine; uses AVX2 where the CPU has it.
void run_lane_code(const LaneCode& code, const LaneWord256* in, LaneWord256* out, LaneWord256* slots);

class LaneProgram {
public:
    explicit LaneProgram(int inputs);

    int inputs() const { return inputs_; }
    int zero() const { return 0; }
    int one() const { return 1; }
    int input(int i) const { return 2 + i; }
    int op_and(int x, int y);
    int op_or(int x, int y);
    int op_xor(int x, int y);
    int op_and_not(int x, int y);  // x & ~y
    int op_not(int x);
    int op_mux(int s, int x, int y);  // s ? x : y
    // The function with truth table `table` (bit idx = value for inputs idx, bit k of idx =
    // vars[k]) over `n` <= 6 operand ops, by Shannon expansion with shared sub-functions.
    int op_table(uint64_t table, int n, const int* vars);

    void add_output(int op) { outputs_.push_back(op); }
    const std::vector<int>& outputs() const { return outputs_; }
    const std::vector<LaneOp>& ops() const { return ops_; }
    // Ops that compute something (not constants or inputs).
    long logic_ops() const;

    // Keeps only the ops the outputs need, renumbered in order.
    void prune();

    // 64 lanes: in[i] is input i's word, out[j] receives output j's word.
    void evaluate(const uint64_t* in, uint64_t* out, std::vector<uint64_t>& scratch) const;

    LaneCode code() const;
    // The same split into `units` translation units (unit 0 holds the entry points), to be
    // compiled in parallel and linked together.
    std::vector<std::string> cpp_units(const std::string& name, int vector_bytes, int units) const;

    // C++ source: `extern "C" void <name>(const W* in, W* out, W* scratch)` and
    // `extern "C" int <name>_slots()` (scratch words needed), with
    // `typedef uint64_t W __attribute__((vector_size(bytes)))` (bytes = 8 for plain uint64_t).
    std::string cpp(const std::string& name, int vector_bytes) const;

    // Verilog module `name` over `lanes`-bit words with the ports of the bit-sliced time-unrolled
    // models (timing/unrolled_model.h): inputs a_prev, b_prev, a, b [width*lanes-1:0], output
    // p [2*width*lanes-1:0], port bit i of lane l at i*lanes + l; the program's inputs must be the
    // 4*width operand bits in that order and its outputs the 2*width product bits.
    std::string verilog(const std::string& name, int width, int lanes) const;

private:
    int add(LaneOp::Kind k, int a, int b);
    bool is_not_of(int x, int y) const;  // x == ~y structurally

    int inputs_;
    std::vector<LaneOp> ops_;
    std::vector<int> outputs_;
    std::unordered_map<uint64_t, int> memo_;
};

}  // namespace tesa
