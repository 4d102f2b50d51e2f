// Fuzz target: resume journals of tesa run (record framing, checksums, image records). Byte 0
// gives the network's layer count the records must match; when byte 1 is odd the rest is taken
// as payloads and framed properly first, so mutations reach the image-record decoder.
#include "common/record_journal.h"
#include "sc_models/run_record.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const size_t layers = data[0] % 32;
    std::string bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
    if (data[1] & 1) {
        std::string framed;
        for (size_t at = 0; at < bytes.size(); at += 300) framed += tesa::frame_record(bytes.substr(at, 300));
        bytes = framed;
    }
    const tesa::JournalScan scan = tesa::scan_journal(bytes);
    for (const std::string& r : scan.records)
        tesa::fuzz::refuses_cleanly([&] {
            auto [id, run] = tesa::decode_image_record(r, layers, "fuzz.tjr");
            tesa::NetworkRun all;
            all.add(run);
            if (all.layer_stats.size() != layers || run.images != 1) __builtin_trap();
        });
    return 0;
}
