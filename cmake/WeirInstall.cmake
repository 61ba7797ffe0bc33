include(CMakePackageConfigHelpers)
install(TARGETS weir EXPORT weirTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT weirTargets NAMESPACE weir:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weir)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/weirConfig.cmake.in
"include(CMakeFindDependencyMacro)\nfind_dependency(Threads)\ninclude(\${CMAKE_CURRENT_LIST_DIR}/weirTargets.cmake)\n"
"# Every include dir GE programs expect (ge/ge_api.h, graph/tensor.h, all_ops.h,\n"
"# op_proto/built-in/inc/all_ops.h, built-in/op_proto/inc/all_ops.h, ...);\n"
"# weir::weir carries them too.\n"
"get_filename_component(_weir_prefix \"\${CMAKE_CURRENT_LIST_DIR}/../../..\" ABSOLUTE)\n"
"set(WEIR_GE_INCLUDE_DIRS \${_weir_prefix}/${CMAKE_INSTALL_INCLUDEDIR}\n"
"    \${_weir_prefix}/${CMAKE_INSTALL_INCLUDEDIR}/acl \${_weir_prefix}/${CMAKE_INSTALL_INCLUDEDIR}/ge\n"
"    \${_weir_prefix}/${CMAKE_INSTALL_INCLUDEDIR}/ge/op_proto\n"
"    \${_weir_prefix}/${CMAKE_INSTALL_INCLUDEDIR}/ge/op_proto/built-in/inc)\n")
configure_package_config_file(${CMAKE_CURRENT_BINARY_DIR}/weirConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/weirConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weir)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/weirConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/weirConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/weirConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weir)
configure_file(${PROJECT_SOURCE_DIR}/cmake/weir.pc.in ${CMAKE_CURRENT_BINARY_DIR}/weir.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/weir.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
