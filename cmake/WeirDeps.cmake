# Debian packages only: libck-dev, liburcu-dev, libcmocka-dev (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CK REQUIRED IMPORTED_TARGET ck)
pkg_check_modules(URCU REQUIRED IMPORTED_TARGET liburcu-memb)

# One interface target carrying every third-party dependency of the library.
add_library(weir_deps INTERFACE)
target_link_libraries(weir_deps INTERFACE PkgConfig::CK PkgConfig::URCU Threads::Threads m)
# _LGPL_SOURCE inlines liburcu's read side; the TSan lane calls the library
# functions instead (shared/design/tsan.md), see base/rcu.h.
if(NOT WEIR_SANITIZER STREQUAL "thread")
  target_compile_definitions(weir_deps INTERFACE WEIR_URCU_LGPL=1)
endif()
