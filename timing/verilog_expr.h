// verilog_expr.h -- a cell function as a Verilog expression over given operand expressions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

// The Liberty `function` text with its pins replaced by `operands` and `!` by `~` (bitwise, so
// the expression also works on vectors of lanes) when it uses only ! & | ^ and parentheses;
// otherwise a sum of products from `table` (bit k of the index = pin k). `ones` is the all-ones
// literal of the operands' width ("1'b1", "{64{1'b1}}"), for constant functions.
std::string verilog_expression(const std::string& function, const std::vector<std::string>& pins, uint64_t table,
                               const std::vector<std::string>& operands, const std::string& ones = "1'b1");

}  // namespace tesa
