// simulation_context.h -- SystemC allows one elaboration per simulation context: no module may be
// created after sc_start. Commands that build a model (tesa gemm, later tesa run) start from a
// fresh context, so that one process -- the test suite, a flow running several steps -- can
// simulate several models one after the other. Call it only when no module of the old context is
// alive any more.
#pragma once

namespace tesa {

void fresh_simulation_context();

}  // namespace tesa
