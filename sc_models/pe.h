// pe.h -- one processing element of the systolic array: operand registers, the multiplier's
// inputs, the partial-sum / accumulator register and the valid bits that travel with the data.
// The same registers serve both dataflows:
//   WS  weight is stationary (loaded once per fold), act moves right, psum moves down;
//   OS  act moves right, weight moves down (valid bits on both), psum is the stationary accumulator.
// Registers capture every cycle; an edge with no data drives 0 (invalid), so the multiplier's
// previous operands are whatever its registers held one cycle earlier, bubbles included.
#pragma once

#include "compiler/product_errors.h"

#include <cstdint>

namespace tesa {

struct Pe {
    // INT8 values held in int16_t: stores through a char type (int8_t) may alias any object, which
    // would make the compiler reload the array's counters after every register write.
    int16_t weight = 0;
    int16_t act = 0;
    bool weight_valid = false;  // WS: this PE holds a weight of the current fold
    bool act_valid = false;
    int32_t psum = 0;

    bool busy() const { return weight_valid && act_valid; }
    // A multiplier operand pair, packed a | b << 8 as the timed model's ports see it.
    static uint16_t pack(int8_t weight, int8_t act, WeightPort port) {
        const uint16_t w = static_cast<uint8_t>(weight), x = static_cast<uint8_t>(act);
        return port == WeightPort::A ? static_cast<uint16_t>(w | x << 8) : static_cast<uint16_t>(x | w << 8);
    }
};

}  // namespace tesa
