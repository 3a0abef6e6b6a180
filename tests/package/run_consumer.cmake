# Builds and runs the consumer program (consumer/main.cpp) against an installed cogr, the way
# an outside project would, and checks its output. Run with cmake -P and:
#   KIND         cmake (find_package(cogr CONFIG REQUIRED), consumer/CMakeLists.txt) or
#                pkgconfig (compiler + `pkg-config [--static] --cflags --libs cogr`)
#   LINKAGE      static | shared: what the installed libcogr is
#   PREFIX       the install prefix (tests/package/install_package.cmake)
#   WORK_DIR     build directory of the consumer (emptied first)
#   CONSUMER_DIR tests/package/consumer
#   DATA         tests/data/sample.tif
#   GENERATOR, CXX, CXX_FLAGS, LINK_FLAGS: of the main build (sanitizer flags must match)
#   VERSION      the version the library, the headers and the package must say
#   PKG_CONFIG, READELF: tools
cmake_minimum_required(VERSION 3.21)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(JOIN " " cmd ${ARGN})
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
file(GLOB libdir LIST_DIRECTORIES true ${PREFIX}/lib*)
set(app ${WORK_DIR}/consumer)

if(KIND STREQUAL "cmake")
  run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR} -G ${GENERATOR} -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}"
    -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_FIND_PACKAGE_PREFER_CONFIG=ON)
  run(${CMAKE_COMMAND} --build ${WORK_DIR})
elseif(KIND STREQUAL "pkgconfig")
  set(ENV{PKG_CONFIG_PATH} ${libdir}/pkgconfig)
  set(static "")
  if(LINKAGE STREQUAL "static")
    set(static --static)
  endif()
  run(${PKG_CONFIG} --variable=codecs cogr)
  string(STRIP "${run_output}" package_codecs)
  run(${PKG_CONFIG} --variable=features cogr)
  string(STRIP "${run_output}" package_features)
  run(${PKG_CONFIG} --modversion cogr)
  string(STRIP "${run_output}" modversion)
  if(NOT modversion STREQUAL VERSION)
    message(FATAL_ERROR "pkg-config --modversion cogr: ${modversion}, expected ${VERSION}")
  endif()
  run(${PKG_CONFIG} ${static} --cflags cogr)
  separate_arguments(cflags UNIX_COMMAND "${run_output}")
  run(${PKG_CONFIG} ${static} --libs cogr)
  separate_arguments(libs UNIX_COMMAND "${run_output}")
  separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS}")
  separate_arguments(link_flags UNIX_COMMAND "${LINK_FLAGS}")
  set(rpath "")
  if(LINKAGE STREQUAL "shared")
    set(rpath -Wl,-rpath,${libdir})
  endif()
  run(${CXX} -std=c++20 -O2 -Wall -Wextra -Werror ${cxx_flags} ${cflags}
    "-DPACKAGE_CODECS=\"${package_codecs}\"" "-DPACKAGE_FEATURES=\"${package_features}\""
    ${CONSUMER_DIR}/main.cpp -o ${app} ${link_flags} ${libs} ${rpath})
else()
  message(FATAL_ERROR "KIND must be cmake or pkgconfig")
endif()

# Linked the way the install says: a shared libcogr is a NEEDED entry, a static one is not.
run(${READELF} -d ${app})
if(LINKAGE STREQUAL "shared" AND NOT run_output MATCHES "Shared library: \\[libcogr\\.so\\.[0-9]+\\]")
  message(FATAL_ERROR "${app} does not load libcogr.so.<major>:\n${run_output}")
endif()
if(LINKAGE STREQUAL "static" AND run_output MATCHES "libcogr")
  message(FATAL_ERROR "${app} was linked against a shared libcogr:\n${run_output}")
endif()
# The libraries cogr opens on first use (COGR_LAZY_LOAD, docs/install.md) are linked neither by
# the program nor by a shared libcogr.
if(LAZY_LOAD)
  set(lazy_re "Shared library: \\[(libcurl|libproj|libtiff|libcrypto|libssl|libwebp|libLerc|liblzma)[^]]*\\]")
  if(run_output MATCHES "${lazy_re}")
    message(FATAL_ERROR "${app} links ${CMAKE_MATCH_1}, which cogr opens on first use:\n${run_output}")
  endif()
  if(LINKAGE STREQUAL "shared")
    file(GLOB_RECURSE libcogr "${PREFIX}/libcogr.so.*")
    list(GET libcogr 0 libcogr)
    run(${READELF} -d ${libcogr})
    if(run_output MATCHES "${lazy_re}")
      message(FATAL_ERROR "${libcogr} links ${CMAKE_MATCH_1}, which cogr opens on first use:\n${run_output}")
    endif()
  endif()
endif()

run(${app} ${DATA})
# The file as rasterio reads it (tests/data/README.md), the versions, and the codecs and
# features the library reports equal to those its package recorded (cogr_CODECS in
# cogrConfig.cmake, the codecs variable of cogr.pc).
string(REGEX MATCH "\ncodecs: ([^\n]*)\n" m "${run_output}")
set(codecs "${CMAKE_MATCH_1}")
string(REGEX MATCH "\nfeatures: ([^\n]*)\n" m "${run_output}")
set(features "${CMAKE_MATCH_1}")
if(NOT codecs MATCHES "^none deflate ")
  message(FATAL_ERROR "consumer output without the built-in codecs:\n${run_output}")
endif()
set(expected
"size 64x64, 4 bands, uint8, EPSG:3857, band sums 524288 392192 264192 1044480
library ${VERSION} ${LINKAGE}, headers ${VERSION}
codecs: ${codecs}
package codecs: ${codecs}
features: ${features}
package features: ${features}
")
if(NOT run_output STREQUAL expected)
  message(FATAL_ERROR "consumer output:\n${run_output}\nexpected:\n${expected}")
endif()
message(STATUS "${KIND} consumer of the ${LINKAGE} cogr:\n${run_output}")
