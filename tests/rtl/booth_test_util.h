// booth_test_util.h -- exhaustive check of a Verilated N x N multiplier model against a * b.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace tesa::test {

// Drives every (a, b) pair of N-bit signed operands through `Model` (ports a, b -> p) and
// returns the number of products that differ from the exact signed product.
template <class Model>
long count_wrong_products(int n, std::string* first_failure) {
    auto ctx = std::make_unique<VerilatedContext>();
    auto m = std::make_unique<Model>(ctx.get());
    const int lo = -(1 << (n - 1)), hi = (1 << (n - 1)) - 1;
    const uint32_t in_mask = (1u << n) - 1, out_mask = (n == 16) ? 0xffffffffu : ((1u << (2 * n)) - 1);
    long wrong = 0;
    for (int a = lo; a <= hi; ++a) {
        for (int b = lo; b <= hi; ++b) {
            m->a = static_cast<uint32_t>(a) & in_mask;
            m->b = static_cast<uint32_t>(b) & in_mask;
            m->eval();
            uint32_t expect = static_cast<uint32_t>(a * b) & out_mask;
            uint32_t got = static_cast<uint32_t>(m->p) & out_mask;
            if (got != expect) {
                if (wrong == 0 && first_failure)
                    *first_failure = std::to_string(a) + " * " + std::to_string(b) + " gave " + std::to_string(got) +
                                     ", expected " + std::to_string(expect);
                ++wrong;
            }
        }
    }
    m->final();
    return wrong;
}

}  // namespace tesa::test
