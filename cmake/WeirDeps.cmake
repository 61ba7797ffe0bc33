# Debian packages only: libck-dev, liburcu-dev, libcmocka-dev, libprotobuf-c-dev,
# protobuf-c-compiler, libonnx-dev, libblis-serial-dev (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CK REQUIRED IMPORTED_TARGET ck)
pkg_check_modules(URCU REQUIRED IMPORTED_TARGET liburcu-memb)
# ONNX import (acl_compat/ge/parser/onnx.c): the C bindings of Debian's
# onnx.proto (libonnx-dev) are generated at build time by protoc-c into the
# build tree (acl_compat/CMakeLists.txt); nothing generated is committed.
pkg_check_modules(PROTOBUFC REQUIRED IMPORTED_TARGET libprotobuf-c)
find_program(WEIR_PROTOC_C protoc-c REQUIRED)
find_file(WEIR_ONNX_PROTO onnx.proto PATHS /usr/include/onnx NO_DEFAULT_PATH REQUIRED
          DOC "onnx.proto (Debian libonnx-dev)")

# BLIS, the float32 GEMM engine of the op library (graph/ops/gemm.c): Debian's
# serial flavour (libblis-serial-dev) keeps its own directory; prefer it over
# whatever flavour the libblis.so alternative points at (a threaded one would
# also do: every call pins itself to one thread).
find_path(WEIR_BLIS_INCLUDE_DIR blis.h
          HINTS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/blis-serial
          PATH_SUFFIXES blis REQUIRED DOC "blis.h (Debian libblis-serial-dev)")
find_library(WEIR_BLIS_LIBRARY blis
             HINTS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/blis-serial
             REQUIRED DOC "libblis (Debian libblis-serial-dev)")
add_library(weir_blis INTERFACE)
target_include_directories(weir_blis SYSTEM INTERFACE ${WEIR_BLIS_INCLUDE_DIR})
target_link_libraries(weir_blis INTERFACE ${WEIR_BLIS_LIBRARY})

# One interface target carrying every third-party dependency of the library.
add_library(weir_deps INTERFACE)
target_link_libraries(weir_deps INTERFACE PkgConfig::CK PkgConfig::URCU PkgConfig::PROTOBUFC
                                          weir_blis Threads::Threads m)
# _LGPL_SOURCE inlines liburcu's read side; the TSan lane calls the library
# functions instead (shared/design/tsan.md), see base/rcu.h.
if(NOT WEIR_SANITIZER STREQUAL "thread")
  target_compile_definitions(weir_deps INTERFACE WEIR_URCU_LGPL=1)
endif()
