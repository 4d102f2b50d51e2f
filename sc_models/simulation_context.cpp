// simulation_context.cpp -- replaces an elaborated SystemC context by a new one. SystemC 2.3 keeps
// the current context in two library globals and creates a context on demand when they are null.
#include "sc_models/simulation_context.h"

#include <systemc>

namespace tesa {

void fresh_simulation_context() {
    if (!sc_core::sc_curr_simcontext || sc_core::sc_get_status() == sc_core::SC_ELABORATION) return;
    delete sc_core::sc_curr_simcontext;
    sc_core::sc_curr_simcontext = nullptr;
    sc_core::sc_default_global_context = nullptr;
}

}  // namespace tesa
