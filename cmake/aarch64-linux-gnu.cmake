# Cross-compiling for 64-bit ARM Linux (aarch64) on an x86_64 Debian/Ubuntu
# machine with the distribution's cross compilers (g++-aarch64-linux-gnu).
# scripts/cross_build_aarch64.sh passes it; by hand:
#   cmake -S . -B build-aarch64 --toolchain cmake/aarch64-linux-gnu.cmake \
#         -DONNXRUNTIME_ROOT=<an aarch64 ONNX Runtime release folder>
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# The cross libc and libstdc++ live here (Debian's libc6-dev-arm64-cross).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# The ONNX Runtime folder is an explicit path outside the root, and the one
# package found, nlohmann_json, is header-only (/usr/share/cmake), so these
# look outside the root too. The compiler itself never searches the host's
# library folders. tests/unit builds gtest/gmock from source when cross-compiling.
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# Built aarch64 programs run through qemu user mode where it is installed
# (Debian's qemu-user-static), e.g. `ctest` in the build folder. Tests are
# listed when ctest runs, not at build time, so building needs no qemu.
find_program(ORTB_QEMU_AARCH64 qemu-aarch64-static)
if(ORTB_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ORTB_QEMU_AARCH64} -L /usr/aarch64-linux-gnu)
endif()
set(CMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE PRE_TEST)
