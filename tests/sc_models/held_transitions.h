// held_transitions.h -- a full transition table for the array's fast back-end, made from the
// synthetic weight-held tables (synthetic_tables.h): a pair fails after a previous pair only when
// the weight on `port` was held, as in a weight-stationary PE.
#pragma once

#include "synthetic_tables.h"
#include "timing/transition_table.h"
#include "compiler/product_errors.h"

#include <filesystem>
#include <memory>

namespace tesa::test {

// A transition table in which no transition fails.
inline std::shared_ptr<TransitionTable> clean_table() { return std::make_shared<TransitionTable>(TransitionTable::clean()); }

// The transitions in which the weight on `port` is held, from the synthetic weight-held table.
inline std::shared_ptr<TransitionTable> held_transitions(const ErrorTables& t, WeightPort port) {
    auto tt = std::make_shared<TransitionTable>();
    tt->offsets.assign((1u << 16) + 1, 0);
    const std::vector<uint16_t>& held = port == WeightPort::A ? t.a_held : t.b_held;
    for (uint32_t c = 0; c < (1u << 16); ++c) {
        tt->offsets[c] = tt->previous.size();
        const uint32_t a = c & 0xff, b = c >> 8, w = port == WeightPort::A ? a : b, x = port == WeightPort::A ? b : a;
        const uint16_t exact = static_cast<uint16_t>(t.exact(a, b));
        for (uint32_t xp = 0; xp < 256; ++xp) {  // previous pairs ascend with xp in both layouts
            const uint32_t prev = port == WeightPort::A ? (w | xp << 8) : (xp | w << 8);
            const uint16_t out = held[(static_cast<size_t>(w) << 16) | (xp << 8) | x];
            if (out != exact) {
                tt->previous.push_back(static_cast<uint16_t>(prev));
                tt->outputs.push_back(out);
            }
        }
    }
    tt->offsets[1u << 16] = tt->previous.size();
    return tt;
}

// The synthetic tables with weight-held transitions (port a) as a table file (clock scale 0.8).
inline std::filesystem::path write_synthetic_tables(const std::filesystem::path& file) {
    ErrorTables tables = synthetic_tables();
    tables.transitions = *held_transitions(tables, WeightPort::A);
    tables.write(file);
    return file;
}

}  // namespace tesa::test
