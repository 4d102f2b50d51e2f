// boolean_function.h -- Boolean expressions of cell pins, compiled to truth tables.
//
// One parser serves the two dialects tesa meets: Liberty `function` attributes ("!(A | (B1 & B2))",
// "A*B + C'", juxtaposition as AND) and SDF COND expressions ("(B1 == 1'b1) && (B2 == 1'b0)").
// A compiled function is a truth table over an ordered list of at most 6 variables, bit i of the
// table being the value for the assignment whose variable k is bit k of i.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

class BooleanFunction {
public:
    static constexpr int kMaxInputs = 6;

    // Parses `expr` over `vars`; an unknown name or a syntax error throws Error mentioning `where`.
    static BooleanFunction parse(const std::string& expr, const std::vector<std::string>& vars,
                                 const std::string& where);

    bool eval(uint32_t assignment) const { return (table_ >> assignment) & 1u; }
    uint64_t table() const { return table_; }
    int inputs() const { return inputs_; }

private:
    uint64_t table_ = 0;
    int inputs_ = 0;
};

}  // namespace tesa
