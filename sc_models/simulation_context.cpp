// simulation_context.cpp -- replaces an elaborated SystemC context by a new one. SystemC 2.3 keeps
// the current context in two library globals and creates a context on demand when they are null.
//
// The process's first context is never deleted: SystemC's own static events (sc_event::none,
// sc_process_handle::non_event) are registered with it at static initialisation and use it in
// their destructors at exit. It is kept, reachable, for the life of the process; every later
// context is deleted when the next one replaces it (no object of it is alive by then, which is
// this function's precondition).
#include "sc_models/simulation_context.h"

#include <systemc>

#include <pthread.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace tesa {

namespace {

sc_core::sc_simcontext* first_context = nullptr;

}  // namespace

void fresh_simulation_context() {
    if (!sc_core::sc_curr_simcontext || sc_core::sc_get_status() == sc_core::SC_ELABORATION) return;
    if (!first_context) first_context = sc_core::sc_curr_simcontext;
    if (sc_core::sc_curr_simcontext != first_context) delete sc_core::sc_curr_simcontext;
    sc_core::sc_curr_simcontext = nullptr;
    sc_core::sc_default_global_context = nullptr;
}

void sanitizer_on_main_stack() {
#if defined(__SANITIZE_ADDRESS__)
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
    void* bottom = nullptr;
    size_t size = 0;
    const bool ok = pthread_attr_getstack(&attr, &bottom, &size) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) return;
    __sanitizer_start_switch_fiber(nullptr, bottom, size);
    const void* old_bottom = nullptr;
    size_t old_size = 0;
    __sanitizer_finish_switch_fiber(nullptr, &old_bottom, &old_size);
#endif
}

}  // namespace tesa
