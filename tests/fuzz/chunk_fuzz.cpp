// Fuzz target: characterization chunk files (the resume state of tesa characterize) as the
// assembler reads them into error tables. Byte 0 picks the width (2 .. 4, small enough for many
// runs a second) and how many current pairs the chunk must hold; when byte 1 is odd the
// checksum trailer is made right first, so mutations reach the content checks.
#include "tests/fuzz/fuzz_support.h"
#include "timing/characterizer.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const int width = 2 + data[0] % 3;
    const uint32_t pairs = 1u << (2 * width);
    const uint32_t count = 1 + (data[0] / 3) % pairs;
    std::string chunk(reinterpret_cast<const char*>(data) + 2, size - 2);
    if ((data[1] & 1) && chunk.size() >= 28) {
        uint64_t h = 1469598103934665603ull;
        for (size_t i = 0; i + 8 < chunk.size(); ++i) h = (h ^ static_cast<unsigned char>(chunk[i])) * 1099511628211ull;
        std::memcpy(&chunk[chunk.size() - 8], &h, 8);
    }
    tesa::fuzz::refuses_cleanly([&] {
        tesa::ErrorTables t = tesa::empty_chunk_tables(width);
        tesa::append_chunk(chunk, "fuzz_chunk.bin", 0, count, t);
        if (t.offsets.size() != count + 1u || t.offsets.back() != t.outputs.size()) __builtin_trap();
    });
    return 0;
}
