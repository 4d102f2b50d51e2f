// Exhaustive equivalence of the structural Booth RTL with signed a * b.
#include "Vbooth_rtl4.h"
#include "Vbooth_rtl8.h"
#include "verilated.h"

#include "booth_test_util.h"

namespace {

TEST(BoothRtl, FourBitEqualsSignedProductForAll256Pairs) {
    std::string first;
    EXPECT_EQ(tesa::test::count_wrong_products<Vbooth_rtl4>(4, &first), 0) << first;
}

TEST(BoothRtl, EightBitEqualsSignedProductForAll65536Pairs) {
    std::string first;
    EXPECT_EQ(tesa::test::count_wrong_products<Vbooth_rtl8>(8, &first), 0) << first;
}

}  // namespace
