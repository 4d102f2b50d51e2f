// network_mapping.h -- the host-side compiler: maps an INT8 network (baseline, EAQ or weight-
// distributed) onto the accelerator of sc_models/ as a firmware command stream plus a DRAM image.
//
// Lowering, per layer:
// - Conv and fc are GEMMs C[M][N] = A[M][K] x B[K][N]: M output positions, K fan-in rows, N output
//   channels. A (the im2col matrix, one row per position) is built in the activation scratchpad
//   by strided DMAs straight from the input tensor in DRAM: for a k x k conv one DMA per kernel
//   offset (ky, kx) gathers every input channel at the conv's stride. B (weights, K x N) and the
//   per-channel parameters (bias, requantization multiplier and shift) are constants in DRAM.
// - Weight distribution: the distributed weights' second halves need their input rows twice.
//   Each distinct fan-in row k carrying extra weights becomes one more GEMM row: A gets a second
//   copy of row k (one more DMA), B a row holding the extra weights of the output channels that
//   have one and zeros elsewhere. Those zeros go through the array like any weight, so the MACs
//   the array issues (M x N x K') exceed the network's MACs; both are reported.
// - Tiles: N in groups that fit the weight scratchpad (whole multiples of the array's columns
//   where possible) and M in bands of output rows that fit the activation and output scratchpads;
//   K is never split. The array folds each tile onto its R x C PEs itself.
// - The post-processing unit requantizes (bias, multiplier, shift, ReLU) into INT8 channel-major
//   tiles that a DMA scatters into the output tensor; the last layer adds the bias only and its
//   int32 results are the logits. Max/average pooling, option-A shortcuts and residual adds run
//   on the post-processing unit over whole tensors.
// - DRAM: each activation tensor is stored C x (H + 2b) x (W + 2b) with a zero border b, the
//   largest zero padding of the convs that read it, so im2col DMAs need no bounds logic.
//
// Every GEMM carries tag = layer << 16 | tile (statistics, error-model seeds).
#pragma once

#include "firmware/command_stream.h"
#include "networks/quantize.h"
#include "sc_models/gemm.h"
#include "sc_models/memory_traffic.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

struct MappingOptions {
    int rows = 16, cols = 16;
    Dataflow dataflow = Dataflow::WeightStationary;
    WeightPort weight_port = WeightPort::A;
    uint64_t weight_bytes = 256 << 10, activation_bytes = 256 << 10, output_bytes = 512 << 10, parameter_bytes = 16 << 10;
};

struct LayerMap {
    int layer = 0;
    LayerType type = LayerType::Conv;
    GemmShape gemm;             // conv/fc: M positions, N channels, K rows including extra rows
    int extra_rows = 0;         // WD: fan-in rows fed twice
    size_t extra_weights = 0;   // WD: distributed weights of the layer
    int tiles = 0;              // GEMM commands
    uint64_t macs = 0;          // multiplications of the network (the engine's count)
    uint64_t macs_issued = 0;   // multiplications the array performs: M x N x K per tile
    uint64_t passes = 0;        // array folds over all tiles
    uint64_t expected_cycles = 0;  // array cycles, closed form (sc_models/gemm.h)
    uint64_t dma_bytes = 0;     // moved by the layer's DMAs
    size_t commands = 0;        // firmware commands
    MemoryTraffic traffic;      // the commands' memory traffic, closed forms (sc_models/memory_traffic.h)
};

struct DramSegment {
    uint64_t addr = 0;
    std::vector<uint8_t> bytes;
};

struct NetworkProgram {
    MappingOptions options;
    std::vector<uint8_t> firmware;
    uint64_t firmware_addr = 0;
    std::vector<DramSegment> constants;  // weights and parameters, loaded once
    uint64_t input_addr = 0;             // the input tensor, in its padded DRAM layout
    int input_border = 0;
    Shape input;                         // the model's input (after preprocessing padding)
    uint64_t logits_addr = 0;            // int32 x classes
    int classes = 0;
    uint64_t dram_bytes = 0;             // DRAM the program needs
    std::vector<LayerMap> layers;        // one per network layer

    uint64_t macs() const;
    uint64_t macs_issued() const;
    uint64_t expected_cycles() const;
    // One inference's memory traffic: every layer's plus the controller's fetch of the firmware.
    MemoryTraffic traffic() const;
    // The bytes the host writes at input_addr for one image (uint8 pixels of the data set's image).
    std::vector<int8_t> input_tensor(const QuantizedModel& q, const uint8_t* image) const;
};

// Errors name the layer and the scratchpad that a layer does not fit.
NetworkProgram compile_network(const QuantizedModel& q, const MappingOptions& o);

// Per layer: type, GEMM shape, extra rows, tiles, MACs (network / issued), passes, expected cycles,
// DMA bytes, SRAM and DRAM bytes (the total's DRAM bytes include the firmware fetch), commands; as
// a Markdown table.
std::string mapping_report(const NetworkProgram& p);

}  // namespace tesa
