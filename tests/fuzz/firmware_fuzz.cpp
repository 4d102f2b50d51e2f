// Fuzz target: the firmware decoder and disassembler. When the first byte is odd the header's
// payload size and CRC are made consistent first, so that mutations reach the command decoder.
#include "firmware/command_stream.h"
#include "tests/fuzz/fuzz_support.h"

#include <zlib.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<uint8_t> s(data, data + size);
    if (size >= tesa::fw::kHeaderBytes && (data[0] & 1)) {
        s[0] = 0x54, s[1] = 0x53, s[2] = 0x46, s[3] = 0x57;  // magic
        const uint32_t payload = static_cast<uint32_t>(size - tesa::fw::kHeaderBytes);
        const uint32_t c = static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), s.data() + tesa::fw::kHeaderBytes, payload));
        for (int i = 0; i < 4; ++i) {
            s[12 + static_cast<size_t>(i)] = static_cast<uint8_t>(payload >> (8 * i));
            s[16 + static_cast<size_t>(i)] = static_cast<uint8_t>(c >> (8 * i));
        }
    }
    tesa::fuzz::refuses_cleanly([&] { tesa::fw::disassemble(tesa::fw::decode(s, "fuzz.fw")); });
    return 0;
}
