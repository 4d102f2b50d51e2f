// Fuzz target: the Liberty reader (tokenizer, group parser, cell/pin semantics).
#include "rtl/liberty_library.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tesa::fuzz::refuses_cleanly([&] { tesa::LibertyLibrary::parse(tesa::fuzz::text(data, size), "fuzz.lib"); });
    return 0;
}
