# run.cmake - the compile-fail check of the public handle types (CTest
# compat_handle_types). Called as
#   cmake -DCC=<compiler> -DINC=<include dirs, |-separated> -DSRC=<file.c> -DCASES=<n>
#         [-DDEFS=<-D flags, |-separated>] -P run.cmake
# Case 0 must compile; cases 1..n must fail with an "incompatible pointer"
# diagnostic (and not for some other reason, such as a missing header).
string(REPLACE "|" ";" _defs "${DEFS}")
string(REPLACE "|" ";" _incs "${INC}")
set(_flags -std=c11 -fsyntax-only -Werror=incompatible-pointer-types ${_defs})
foreach(d IN LISTS _incs)
  list(APPEND _flags -I${d})
endforeach()
set(_bad "")
foreach(c RANGE 0 ${CASES})
  execute_process(COMMAND ${CC} ${_flags} -DWEIR_CASE=${c} ${SRC}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(c EQUAL 0)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "control case 0 does not compile:\n${err}")
    endif()
  elseif(rc EQUAL 0)
    list(APPEND _bad "case ${c} compiled")
  elseif(NOT err MATCHES "incompatible pointer")
    list(APPEND _bad "case ${c} failed for another reason:\n${err}")
  endif()
endforeach()
if(_bad)
  string(REPLACE ";" "\n" _bad "${_bad}")
  message(FATAL_ERROR "a handle type mix compiled or failed for the wrong reason:\n${_bad}")
endif()
message(STATUS "cases 1..${CASES}: every mix of handle and internal types is refused")
