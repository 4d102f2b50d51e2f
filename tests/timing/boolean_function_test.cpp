// BooleanFunction: Liberty functions and SDF COND expressions as truth tables.
#include "timing/boolean_function.h"

#include "common/error.h"

#include <gtest/gtest.h>

using tesa::BooleanFunction;

namespace {

bool at(const BooleanFunction& f, std::initializer_list<int> bits) {
    uint32_t idx = 0, k = 0;
    for (int b : bits) idx |= static_cast<uint32_t>(b) << k++;
    return f.eval(idx);
}

TEST(BooleanFunction, LibertyAoi21MatchesItsDefinitionOnAllInputs) {
    BooleanFunction f = BooleanFunction::parse("!(A | (B1 & B2))", {"A", "B1", "B2"}, "AOI21_X1/ZN");
    for (int a = 0; a < 2; ++a)
        for (int b1 = 0; b1 < 2; ++b1)
            for (int b2 = 0; b2 < 2; ++b2) EXPECT_EQ(at(f, {a, b1, b2}), !(a || (b1 && b2)));
}

TEST(BooleanFunction, LibertyDialectPostfixComplementPlusStarAndJuxtaposition) {
    BooleanFunction x = BooleanFunction::parse("A*B' + A'B", {"A", "B"}, "x");
    BooleanFunction y = BooleanFunction::parse("A ^ B", {"A", "B"}, "y");
    EXPECT_EQ(x.table(), y.table());
    BooleanFunction m = BooleanFunction::parse("((S & B) | (A & !S))", {"A", "B", "S"}, "MUX2");
    EXPECT_TRUE(at(m, {1, 0, 0}));
    EXPECT_FALSE(at(m, {1, 0, 1}));
    EXPECT_TRUE(at(m, {0, 1, 1}));
}

TEST(BooleanFunction, SdfCondExpressions) {
    BooleanFunction c = BooleanFunction::parse("(B1 == 1'b1) && (B2 == 1'b0)", {"A", "B1", "B2"}, "cond");
    for (int a = 0; a < 2; ++a)
        for (int b1 = 0; b1 < 2; ++b1)
            for (int b2 = 0; b2 < 2; ++b2) EXPECT_EQ(at(c, {a, b1, b2}), b1 == 1 && b2 == 0);
    BooleanFunction d = BooleanFunction::parse("(A == 1'b0)", {"A", "B"}, "cond");
    EXPECT_EQ(d.table(), BooleanFunction::parse("!A", {"A", "B"}, "x").table());
}

TEST(BooleanFunction, SixInputsUseTheWholeTable) {
    BooleanFunction f = BooleanFunction::parse("!((A1 | A2 | A3) & (B1 | B2 | B3))", {"A1", "A2", "A3", "B1", "B2", "B3"}, "OAI33");
    EXPECT_TRUE(f.eval(0));
    EXPECT_FALSE(f.eval(0b001001));
    EXPECT_TRUE(f.eval(0b000111));
}

TEST(BooleanFunction, ErrorsNameTheContext) {
    try {
        BooleanFunction::parse("A & Q", {"A", "B"}, "cells.lib:12");
        FAIL();
    } catch (const tesa::Error& e) {
        EXPECT_NE(std::string(e.what()).find("cells.lib:12"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("unknown pin 'Q'"), std::string::npos);
    }
    EXPECT_THROW(BooleanFunction::parse("(A & B", {"A", "B"}, "x"), tesa::Error);
    EXPECT_THROW(BooleanFunction::parse("A &", {"A", "B"}, "x"), tesa::Error);
}

TEST(BooleanFunction, DeeplyNestedExpressionsNeedNoDeepStack) {
    // 100,000 prefix complements: counted, not recursed into (once a stack overflow).
    EXPECT_TRUE(BooleanFunction::parse(std::string(100000, '!') + "A", {"A"}, "many_not").eval(1));
    EXPECT_FALSE(BooleanFunction::parse(std::string(100001, '!') + "A", {"A"}, "many_not").eval(1));
    const std::string deep = std::string(100000, '(') + "A" + std::string(100000, ')');
    try {
        BooleanFunction::parse(deep, {"A"}, "lib.lib:7: cell 'X' pin 'Z' function");
        ADD_FAILURE() << "no error";
    } catch (const tesa::Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("lib.lib:7: cell 'X' pin 'Z' function"), std::string::npos) << m;
        EXPECT_NE(m.find("nested more than 64 deep"), std::string::npos) << m;
        EXPECT_LT(m.size(), 400u) << "the expression is not echoed whole";
    }
}

}  // namespace
