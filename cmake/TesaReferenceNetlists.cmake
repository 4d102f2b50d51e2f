# TesaReferenceNetlists.cmake -- the 4- and 8-bit Booth netlists (typical corner) that tests, the
# time-unrolled models and the benchmarks build on, and the 8-bit PE netlists (rtl/mac_pe.v, both
# dataflows, weight port A) the PE tests Verilate, synthesized at configure time by the same Yosys
# script as `tesa synth` (Verilator's verilate() needs its sources when CMake runs).
set(TESA_TEST_LIBERTY "${CMAKE_BINARY_DIR}/liberty/nangate45_typ.lib")
file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/liberty")
execute_process(COMMAND "${GZIP_EXECUTABLE}" -dc "${TESA_PDK_DIR}/nangate45_typ.lib.gz"
                OUTPUT_FILE "${TESA_TEST_LIBERTY}" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "cannot decompress ${TESA_PDK_DIR}/nangate45_typ.lib.gz (set -DTESA_PDK_DIR=...)")
endif()
# One design into ${CMAKE_BINARY_DIR}/synth/<dir>: `rtl` and `params` are ';'-separated lists
# (synth.tcl's TESA_RTL and TESA_PARAMS).
function(tesa_reference_synth dir_name top width rtl params)
  set(dir "${CMAKE_BINARY_DIR}/synth/${dir_name}")
  file(MAKE_DIRECTORY "${dir}")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env
            "TESA_RTL=${rtl}" TESA_TOP=${top} TESA_WIDTH=${width} "TESA_PARAMS=${params}"
            "TESA_LIBERTY=${TESA_TEST_LIBERTY}" "TESA_OUTDIR=${dir}"
            "${YOSYS_EXECUTABLE}" -q -l "${dir}/yosys.log" -c "${CMAKE_SOURCE_DIR}/rtl/synth.tcl"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(rc)
    message(FATAL_ERROR "Yosys synthesis of ${top} N=${width} failed; see ${dir}/yosys.log")
  endif()
endfunction()
foreach(N 4 8)
  tesa_reference_synth(booth_mul_w${N}_typ booth_mul ${N} "${CMAKE_SOURCE_DIR}/rtl/booth_mul.v" "")
endforeach()
foreach(top mac_pe_ws mac_pe_os)
  tesa_reference_synth(${top}_w8_a_typ ${top} 8 "${CMAKE_SOURCE_DIR}/rtl/mac_pe.v;${CMAKE_SOURCE_DIR}/rtl/booth_mul.v" "ACC=32;WEIGHT_ON_B=0")
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${CMAKE_SOURCE_DIR}/rtl/booth_mul.v" "${CMAKE_SOURCE_DIR}/rtl/mac_pe.v" "${CMAKE_SOURCE_DIR}/rtl/synth.tcl")

