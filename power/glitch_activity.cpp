// glitch_activity.cpp -- event-driven runs per distinct operand change, their per-net counts.
#include "power/glitch_activity.h"

#include "common/error.h"

#include <algorithm>
#include <limits>

namespace tesa {

GlitchCounter::GlitchCounter(const TimedNetlist& n, int buckets, DelayMode mode) : net_(n), sim_(n, mode) {
    if (buckets < 1) fail("glitch activity: " + std::to_string(buckets) + " buckets");
    sim_.record(true);
    SwitchingActivity empty;
    empty.toggles.assign(static_cast<size_t>(n.net_count()), 0);
    empty.high.assign(static_cast<size_t>(n.net_count()), 0);
    timed_.assign(static_cast<size_t>(buckets), empty);
    zero_.assign(static_cast<size_t>(buckets), empty);
    operands_.resize(static_cast<size_t>(buckets));
    seen_.assign(static_cast<size_t>(n.net_count()), 0);
}

const GlitchCounter::Counts& GlitchCounter::counts(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) {
    const int w = net_.width();
    const uint64_t key = (static_cast<uint64_t>(a_prev) << (3 * w)) | (static_cast<uint64_t>(b_prev) << (2 * w)) |
                         (static_cast<uint64_t>(a) << w) | b;
    const auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
    ++simulated_;
    net_.settle(a_prev, b_prev, before_);
    net_.settle(a, b, after_);
    sim_.settle_time(a_prev, b_prev, a, b);
    // A logged change that repeats the net's value is not a transition (the simulator logs
    // changes only; checked, as is that every net ends at its zero-delay value).
    value_ = before_;
    std::vector<uint32_t> touched;
    for (const NetTransition& t : sim_.transitions()) {
        const size_t net = static_cast<size_t>(t.net);
        if (value_[net] == t.value) continue;
        value_[net] = t.value;
        if (seen_[net]++ == 0) touched.push_back(static_cast<uint32_t>(net));
    }
    for (size_t net = 0; net < after_.size(); ++net) {
        if (value_[net] != after_[net])
            fail("glitch activity: net " + net_.net_name(static_cast<int>(net)) + " did not settle at its zero-delay value");
    }
    std::sort(touched.begin(), touched.end());
    Counts c;
    for (uint32_t net : touched) {
        c.net.push_back(net);
        c.timed.push_back(static_cast<uint16_t>(std::min<uint32_t>(seen_[net], std::numeric_limits<uint16_t>::max())));
        c.zero.push_back(before_[net] != after_[net] ? 1 : 0);
        c.total.timed += c.timed.back(), c.total.zero_delay += c.zero.back();
        seen_[net] = 0;
    }
    // A bounded cache: a large layer's streams hold more distinct changes than are worth keeping.
    if (memo_.size() >= kMaxMemo) memo_.clear();
    return memo_.emplace(key, std::move(c)).first->second;
}

GlitchCounter::Totals GlitchCounter::add(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b, int bucket) {
    if (bucket < 0 || static_cast<size_t>(bucket) >= timed_.size()) fail("glitch activity: no bucket " + std::to_string(bucket));
    const uint32_t mask = (1u << net_.width()) - 1;
    a_prev &= mask, b_prev &= mask, a &= mask, b &= mask;
    SwitchingActivity& t = timed_[static_cast<size_t>(bucket)];
    SwitchingActivity& z = zero_[static_cast<size_t>(bucket)];
    ++t.periods, ++z.periods;
    ++operands_[static_cast<size_t>(bucket)][a | b << net_.width()];
    if (a_prev == a && b_prev == b) return {};
    const Counts& c = counts(a_prev, b_prev, a, b);
    for (size_t i = 0; i < c.net.size(); ++i) {
        t.toggles[c.net[i]] += c.timed[i];
        z.toggles[c.net[i]] += c.zero[i];
    }
    return c.total;
}

SwitchingActivity GlitchCounter::with_duty(SwitchingActivity s, int bucket) const {
    std::vector<uint8_t> v;
    const uint32_t mask = (1u << net_.width()) - 1;
    for (const auto& [ab, periods] : operands_[static_cast<size_t>(bucket)]) {
        net_.settle(ab & mask, ab >> net_.width(), v);
        for (size_t net = 0; net < v.size(); ++net)
            if (v[net]) s.high[net] += periods;
    }
    return s;
}

}  // namespace tesa
