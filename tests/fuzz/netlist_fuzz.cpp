// Fuzz target: the gate-level Verilog reader, against the real Nangate45 typical library.
#include "rtl/gate_netlist.h"
#include "tests/fuzz/fuzz_support.h"

#include <memory>

namespace {
std::unique_ptr<tesa::LibertyLibrary> lib;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    lib = std::make_unique<tesa::LibertyLibrary>(tesa::LibertyLibrary::read(TESA_FUZZ_LIBERTY));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tesa::fuzz::refuses_cleanly([&] { tesa::GateNetlist::parse(tesa::fuzz::text(data, size), "fuzz.v", *lib); });
    return 0;
}
