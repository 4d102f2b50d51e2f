// fw_command.cpp -- `tesa fw`: disassemble a firmware command stream (dump), or write the example
// stream of firmware/README.md (example).
#include "apps/tesa/commands.h"

#include "common/error.h"
#include "common/file_util.h"
#include "firmware/command_stream.h"

#include <ostream>

namespace tesa::cli {

namespace {

// A two-tile weight-stationary GEMM (16 x 64 activations, 64 x 32 weights, split into two
// 16-column tiles) with its DMAs, requantization and the interrupt: what the
// compiler emits for one small fc layer.
std::vector<fw::Command> example_stream() {
    using fw::Buffer, fw::DmaCmd, fw::EndCmd, fw::GemmCmd, fw::InterruptCmd, fw::PostCmd, fw::PostOp, fw::SyncCmd;
    std::vector<fw::Command> s;
    s.emplace_back(DmaCmd{false, Buffer::Weights, 0x100000, 0, 64, 32, 32});
    s.emplace_back(DmaCmd{false, Buffer::Activations, 0x200000, 0, 16, 64, 64});
    s.emplace_back(DmaCmd{false, Buffer::Parameters, 0x300000, 0, 1, 256, 256});
    s.emplace_back(SyncCmd{});
    s.emplace_back(GemmCmd{16, 16, 64, 0, 0, 0, 64, 32, 32, false, false, false});  // columns 0-15 of W
    s.emplace_back(GemmCmd{16, 16, 64, 0, 16, 64, 64, 32, 32, false, false, false, 1});  // columns 16-31, tile 1
    s.emplace_back(SyncCmd{});
    s.emplace_back(PostCmd{PostOp::Requantize, true, 0, 0, 0x800, 0, 32, 16, 1, 0, 0});
    s.emplace_back(DmaCmd{true, Buffer::Outputs, 0x400000, 0x800, 16, 32, 32});
    s.emplace_back(SyncCmd{});
    s.emplace_back(InterruptCmd{1});
    s.emplace_back(EndCmd{});
    return s;
}

int run_fw(const po::variables_map& vm, Context& ctx) {
    const std::string action = vm["action"].as<std::string>();
    if (!vm.count("file")) fail("tesa fw " + action + " needs a FILE");
    const std::string file = vm["file"].as<std::string>();
    if (action == "example") {
        const std::vector<uint8_t> s = fw::encode(example_stream());
        write_file_atomic(file, std::string(s.begin(), s.end()));
        ctx.out << "wrote " << file << " (" << s.size() << " bytes)\n";
        return 0;
    }
    if (action != "dump") fail("tesa fw: unknown action '" + action + "' (expected dump or example)");
    if (!std::filesystem::exists(file)) fail(file + ": no such file");
    const std::string bytes = read_file(file);
    const std::vector<fw::Command> cmds = fw::decode(std::vector<uint8_t>(bytes.begin(), bytes.end()), file);
    ctx.out << file << ": tesa firmware v" << fw::kVersion << ", " << cmds.size() << " commands, " << bytes.size()
            << " bytes, CRC ok\n"
            << fw::disassemble(cmds);
    return 0;
}

}  // namespace

Command make_fw_command() {
    Command c;
    c.name = "fw";
    c.summary = "firmware command streams: disassemble one (dump) or write the documented example";
    c.description =
        "tesa fw dump FILE      checks the stream (magic, version, sizes, CRC-32, every command) and prints one\n"
        "                       line per command with its byte offset (format: firmware/README.md)\n"
        "tesa fw example FILE   writes the example stream of firmware/README.md";
    c.positional = {"action", "file"};
    c.add_options = [](po::options_description& d) {
        d.add_options()("action", po::value<std::string>()->required()->value_name("dump|example"), "what to do")
            ("file", po::value<std::string>()->value_name("FILE"), "firmware stream");
    };
    c.run = run_fw;
    return c;
}

}  // namespace tesa::cli
