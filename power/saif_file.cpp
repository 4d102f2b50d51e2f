// saif_file.cpp -- the SAIF writer.
#include "power/saif_file.h"

#include "common/error.h"
#include "common/file_util.h"

#include <cctype>
#include <cmath>
#include <sstream>

namespace tesa {

std::string saif_identifier(const std::string& name) {
    std::string n = name;
    if (!n.empty() && n[0] == '\\') n = n.substr(1);
    while (!n.empty() && n.back() == ' ') n.pop_back();
    std::string out;
    for (char c : n) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) out += '\\';
        out += c;
    }
    return out;
}

void write_saif(const std::filesystem::path& file, const GateNetlist& n, const SwitchingActivity& a, double period_ps,
                const std::string& instance) {
    if (a.toggles.size() != static_cast<size_t>(n.net_count()))
        fail(file.string() + ": the activity counts " + std::to_string(a.toggles.size()) + " nets, " + n.file() + " has " +
             std::to_string(n.net_count()));
    if (!(period_ps > 0) || !std::isfinite(period_ps)) fail(file.string() + ": clock period " + std::to_string(period_ps) + " ps");
    const auto ps = [&](uint64_t periods) { return static_cast<uint64_t>(std::llround(static_cast<double>(periods) * period_ps)); };
    std::ostringstream s;
    s << "(SAIFILE\n(SAIFVERSION \"2.0\")\n(DIRECTION \"backward\")\n(DESIGN \"" << n.module_name() << "\")\n"
      << "(VENDOR \"tesa\")\n(PROGRAM_NAME \"tesa power\")\n(DIVIDER / )\n(TIMESCALE 1 ps)\n(DURATION " << ps(a.periods) << ")\n"
      << "(INSTANCE " << saif_identifier(instance.empty() ? n.module_name() : instance) << "\n  (NET\n";
    for (int net = 2; net < n.net_count(); ++net) {  // 0 and 1 are the constants
        const uint64_t hi = a.high[static_cast<size_t>(net)];
        s << "    (" << saif_identifier(n.net_name(net)) << " (T0 " << ps(a.periods - hi) << ") (T1 " << ps(hi) << ") (TX 0) (TC "
          << a.toggles[static_cast<size_t>(net)] << ") (IG 0))\n";
    }
    s << "  )\n)\n)\n";
    write_file_atomic(file, s.str());
}

}  // namespace tesa
