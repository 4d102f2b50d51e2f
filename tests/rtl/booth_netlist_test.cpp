// Exhaustive equivalence of the Yosys-mapped Nangate45 netlist with signed a * b. Cell behaviour
// comes from the Liberty `function` attributes (Yosys read_liberty -> cells.v), not hand models.
#include "Vbooth_netlist4.h"
#include "Vbooth_netlist8.h"
#include "verilated.h"

#include "booth_test_util.h"

namespace {

TEST(BoothNetlist, FourBitMappedNetlistEqualsSignedProductForAll256Pairs) {
    std::string first;
    EXPECT_EQ(tesa::test::count_wrong_products<Vbooth_netlist4>(4, &first), 0) << first;
}

TEST(BoothNetlist, EightBitMappedNetlistEqualsSignedProductForAll65536Pairs) {
    std::string first;
    EXPECT_EQ(tesa::test::count_wrong_products<Vbooth_netlist8>(8, &first), 0) << first;
}

}  // namespace
