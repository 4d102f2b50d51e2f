# TesaTimedModel.cmake -- time-unrolled Booth multiplier models, generated at build time by
# `tesa-core timing unroll` (tesa without the accelerator, which links these models) from the synthesized netlist and OpenSTA's SDF (typical corner), compiled by
# `verilator --build` into an IMPORTED static library named after the model. The netlists come
# from the configure-time synthesis in ${CMAKE_BINARY_DIR}/synth (tests/CMakeLists.txt).
# tesa_timed_model(WIDTH SCALE_PERCENT LANES CFLAGS [SUFFIX]): LANES 0 = scalar ports, else bit-sliced;
# target booth_timed_w<N>_s<scale*100>_<scalar|l<LANES>><SUFFIX>; step 10 ps, input-edge delay lines.
# Models are built only when something that links them is built.
set(TESA_TIMED_STEP 10)
function(tesa_timed_model width scale_pct lanes cflags)
  if(lanes EQUAL 0)
    set(name booth_timed_w${width}_s${scale_pct}_scalar${ARGV4})
  else()
    set(name booth_timed_w${width}_s${scale_pct}_l${lanes}${ARGV4})
  endif()
  if(TARGET ${name})
    return()
  endif()
  math(EXPR scale_int "${scale_pct} / 100")
  math(EXPR scale_frac "${scale_pct} % 100")
  if(scale_frac LESS 10)
    set(scale_frac "0${scale_frac}")
  endif()
  set(scale "${scale_int}.${scale_frac}")
  set(dir "${CMAKE_BINARY_DIR}/timed/${name}")
  file(MAKE_DIRECTORY "${dir}/obj")
  add_custom_command(OUTPUT "${dir}/${name}.v"
    COMMAND tesa-core timing unroll --width ${width}
            --netlist "${CMAKE_BINARY_DIR}/synth/booth_mul_w${width}_typ/netlist.v" --pdk-dir "${TESA_PDK_DIR}"
            --clock-scale ${scale} --time-step ${TESA_TIMED_STEP} --lanes ${lanes} --module ${name}
            --verilog "${dir}/${name}.v" --out "${CMAKE_BINARY_DIR}/timed/work_${name}"
    DEPENDS tesa-core VERBATIM)
  add_custom_command(OUTPUT "${dir}/obj/V${name}__ALL.a"
    COMMAND "${VERILATOR_BIN}" --cc "${dir}/${name}.v" --top-module ${name} --Mdir "${dir}/obj" --prefix V${name}
            --build -j 2 -Wno-fatal -CFLAGS ${cflags} > "${dir}/verilator.log" 2>&1
    DEPENDS "${dir}/${name}.v" VERBATIM)
  add_custom_target(${name}_build DEPENDS "${dir}/obj/V${name}__ALL.a")
  add_library(${name} STATIC IMPORTED GLOBAL)
  set_target_properties(${name} PROPERTIES
    IMPORTED_LOCATION "${dir}/obj/V${name}__ALL.a"
    INTERFACE_INCLUDE_DIRECTORIES "${dir}/obj")
  add_dependencies(${name} ${name}_build)
endfunction()

# The Verilator runtime for models built by `verilator --build` (which archives the model only).
if(TARGET tesa_verilated_runtime)
  return()
endif()
add_library(tesa_verilated_runtime STATIC "${VERILATOR_ROOT}/include/verilated.cpp" "${VERILATOR_ROOT}/include/verilated_threads.cpp")
target_include_directories(tesa_verilated_runtime SYSTEM PUBLIC "${VERILATOR_ROOT}/include" "${VERILATOR_ROOT}/include/vltstd")
target_link_libraries(tesa_verilated_runtime PUBLIC Threads::Threads)

