// scratchpad.h -- an on-chip buffer of the accelerator (weights, activations, outputs,
// parameters): plain bytes with bounds-checked spans, so a bad offset in a firmware command is
// an error code, never a write outside the buffer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

class Scratchpad {
public:
    Scratchpad(std::string name, uint64_t bytes) : name_(std::move(name)), data_(bytes, 0) {}
    const std::string& name() const { return name_; }
    uint64_t size() const { return data_.size(); }
    // Whether [offset, offset + bytes) lies inside the buffer.
    bool fits(uint64_t offset, uint64_t bytes) const { return offset <= data_.size() && bytes <= data_.size() - offset; }
    uint8_t* at(uint64_t offset) { return data_.data() + offset; }  // callers check fits() first
    const uint8_t* at(uint64_t offset) const { return data_.data() + offset; }

private:
    std::string name_;
    std::vector<uint8_t> data_;
};

}  // namespace tesa
