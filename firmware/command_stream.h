// command_stream.h -- the accelerator's firmware: a command stream the host compiler emits into
// DRAM and the controller fetches, decodes and executes (format: firmware/README.md).
//
// A stream is a 24-byte header (magic, version, command count, payload size, CRC-32 of the
// payload) and the commands, each a 4-byte head (opcode, flags, length in bytes) and little-endian
// 32-bit fields. decode() checks everything before anything runs: a corrupt or truncated stream
// is reported with its byte offset, never half executed.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace tesa::fw {

constexpr uint32_t kMagic = 0x57465354;  // "TSFW" little-endian
constexpr uint16_t kVersion = 2;
constexpr size_t kHeaderBytes = 24;

enum class Opcode : uint8_t { Dma = 1, Gemm = 2, PostProcess = 3, Sync = 4, Interrupt = 5, End = 6 };
enum class Buffer : uint8_t { Weights = 0, Activations = 1, Outputs = 2, Parameters = 3 };

// 3-D strided DMA between DRAM and a scratchpad: `planes` x `rows` x `row_bytes` bytes. Byte
// (p, r, e) lives in DRAM at dram_addr + p*dram_plane_stride + r*dram_stride + e*dram_elem_stride
// and in the scratchpad at spad_offset + p*spad_plane_stride + r*spad_row_stride + e*spad_elem_stride.
// Zero spad strides mean packed (row_bytes, rows x row pitch). Strided element gathers let the
// compiler build im2col matrices (a conv's window rows, strided convs) and transposes with DMAs;
// DRAM writes need contiguous DRAM rows (dram_elem_stride 1).
struct DmaCmd {
    bool to_dram = false;  // false: DRAM -> scratchpad
    Buffer buffer = Buffer::Weights;
    uint64_t dram_addr = 0;
    uint32_t spad_offset = 0, rows = 1, row_bytes = 0, dram_stride = 0;
    uint32_t planes = 1, dram_plane_stride = 0;
    uint32_t spad_row_stride = 0, spad_plane_stride = 0;
    uint32_t dram_elem_stride = 1, spad_elem_stride = 1;

    uint32_t spad_row_pitch() const { return spad_row_stride ? spad_row_stride : row_bytes * spad_elem_stride; }
    uint32_t spad_plane_pitch() const { return spad_plane_stride ? spad_plane_stride : rows * spad_row_pitch(); }
    uint64_t bytes() const { return static_cast<uint64_t>(planes) * rows * row_bytes; }
};

// One GEMM tile on the array: C[M][N] (+)= A[M][K] x B[K][N], operands in the activation and
// weight scratchpads (INT8, row-major), the int32 result in the output scratchpad. Offsets are in
// bytes; row pitches in elements (0: packed, i.e. K, N and N), so a tile can sit in a larger matrix.
struct GemmCmd {
    uint32_t m = 0, n = 0, k = 0;
    uint32_t a_offset = 0, b_offset = 0, c_offset = 0;
    uint32_t a_pitch = 0, b_pitch = 0, c_pitch = 0;
    bool output_stationary = false;  // false: weight-stationary
    bool weight_on_b = false;        // the multiplier port the weight feeds (false: a)
    bool accumulate = false;         // add to C instead of overwriting it
    uint32_t tag = 0;                // the compiler's (layer << 16 | tile): statistics and the error-model seed
};

enum class PostOp : uint8_t { Requantize = 1, Add = 2, MaxPool = 3, AvgPool = 4, Bias = 5, ShortcutA = 6 };

// Post-processing unit (semantics in sc_models/post_processor.h): Requantize (int32 + bias -> INT8
// with per-channel fixed-point multipliers from the parameter scratchpad at param_offset), Bias
// (int32 + bias, the logits), Add (residual: two INT8 tensors rescaled), MaxPool / AvgPool
// (kernel x kernel, stride) and ShortcutA (stride subsampling plus pad_channels zero channels on
// each side) over a channels x height x width INT8 tensor.
struct PostCmd {
    PostOp op = PostOp::Requantize;
    bool relu = false;
    uint32_t src_offset = 0, src2_offset = 0, dst_offset = 0, param_offset = 0;
    uint32_t channels = 0, height = 0, width = 0, kernel = 0, stride = 0;
    uint32_t pad_channels = 0;
};

struct SyncCmd {  // wait until every DMA and GEMM issued before has finished
};
struct InterruptCmd {  // raise the host interrupt with `code` in the status register
    uint32_t code = 0;
};
struct EndCmd {  // the last command of every stream
};

using Command = std::variant<DmaCmd, GemmCmd, PostCmd, SyncCmd, InterruptCmd, EndCmd>;

// The stream of `commands`; the last one must be EndCmd (checked).
std::vector<uint8_t> encode(const std::vector<Command>& commands);
// Throws Error "<name>: byte N: what is wrong" on a bad magic, version, size, CRC, opcode,
// command length or field value, or a stream without End.
std::vector<Command> decode(const std::vector<uint8_t>& stream, const std::string& name);
// One line per command, prefixed with its byte offset (tesa fw dump).
std::string disassemble(const std::vector<Command>& commands);

}  // namespace tesa::fw
