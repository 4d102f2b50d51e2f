// memory.h -- a loosely-timed DRAM model: a TLM-2.0 target whose access costs a fixed latency
// plus the transfer time at a configured bandwidth, added to the caller's delay. Accesses beyond
// the memory or with byte enables get TLM error responses; debug transport reads and writes
// without time (loading data, checking results).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <vector>

namespace tesa {

class Memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Memory> socket;

    // bytes_per_ns: sustained bandwidth (e.g. 12.8 for a 64-bit DDR4-1600 channel).
    Memory(const sc_core::sc_module_name& name, uint64_t bytes, sc_core::sc_time latency, double bytes_per_ns);

    uint64_t size() const { return data_.size(); }
    uint64_t bytes_read() const { return read_; }
    uint64_t bytes_written() const { return written_; }

private:
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& p);
    bool check(tlm::tlm_generic_payload& p) const;

    std::vector<uint8_t> data_;
    sc_core::sc_time latency_;
    double bytes_per_ns_;
    uint64_t read_ = 0, written_ = 0;
};

}  // namespace tesa
