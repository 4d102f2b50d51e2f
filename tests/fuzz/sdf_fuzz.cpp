// Fuzz target: the SDF reader, then the annotation of the reference 4-bit multiplier with what it
// read (COND expressions compiled, delays checked and applied), as `tesa timing` would.
#include "rtl/gate_netlist.h"
#include "tests/fuzz/fuzz_support.h"
#include "timing/sdf_file.h"
#include "timing/timed_netlist.h"

#include <memory>

namespace {
std::unique_ptr<tesa::LibertyLibrary> lib;
std::unique_ptr<tesa::GateNetlist> netlist;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    lib = std::make_unique<tesa::LibertyLibrary>(tesa::LibertyLibrary::read(TESA_FUZZ_LIBERTY));
    netlist = std::make_unique<tesa::GateNetlist>(tesa::GateNetlist::read(TESA_FUZZ_NETLIST, *lib));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tesa::fuzz::refuses_cleanly([&] {
        const tesa::SdfFile sdf = tesa::SdfFile::parse(tesa::fuzz::text(data, size), "fuzz.sdf");
        tesa::TimingConditions c;
        c.clock_period_ps = 1000;
        c.cond = tesa::CondMode::Exact;
        tesa::TimedNetlist::build(*netlist, sdf, c);
    });
    return 0;
}
