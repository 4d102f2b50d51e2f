// simulation_context.h -- SystemC allows one elaboration per simulation context: no module may be
// created after sc_start. Commands that build a model (tesa gemm, later tesa run) start from a
// fresh context, so that one process -- the test suite, a flow running several steps -- can
// simulate several models one after the other. Call it only when no module of the old context is
// alive any more.
#pragma once

namespace tesa {

void fresh_simulation_context();

// Under AddressSanitizer (no-op otherwise): tells the sanitizer that the calling thread -- the main
// thread, after sc_elab_and_sim returned -- runs on its own stack. SystemC annotates its coroutine
// switches for the sanitizers, and after a simulation the main thread's recorded stack can still be
// a coroutine's; LeakSanitizer's scan at exit then reads that stack's guard pages and dies
// ("Tracer caught signal 11", intermittently). Call it last in main().
void sanitizer_on_main_stack();

}  // namespace tesa
