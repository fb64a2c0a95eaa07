# CMake toolchain file: Cortex-M4F with the GNU Arm Embedded toolchain
# (arm-none-eabi-gcc, newlib), hard-float ABI, as ThreadX/NetX Duo projects
# for Cortex-M4 build.
#
#   cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=path/to/nx_pop3_client/cmake/arm-none-eabi-cortex-m4.cmake
#
# The nx_pop3_client package reads NX_POP3_CLIENT_RUST_TARGET from here to
# build the Rust static library for the same CPU.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR cortex-m4)

set(ARM_TOOLCHAIN_PREFIX arm-none-eabi- CACHE STRING "prefix of the GNU Arm Embedded tools")
set(CMAKE_C_COMPILER ${ARM_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${ARM_TOOLCHAIN_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${ARM_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_AR ${ARM_TOOLCHAIN_PREFIX}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${ARM_TOOLCHAIN_PREFIX}ranlib CACHE FILEPATH "")
set(CMAKE_SIZE ${ARM_TOOLCHAIN_PREFIX}size CACHE FILEPATH "")
set(CMAKE_OBJCOPY ${ARM_TOOLCHAIN_PREFIX}objcopy CACHE FILEPATH "")

set(ARM_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(CMAKE_C_FLAGS_INIT "${ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${ARM_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${ARM_CPU_FLAGS} -Wl,--gc-sections")

# No host executables can run: test the compiler with a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Rust target of the same CPU and ABI (Cortex-M4F, hard float).
set(NX_POP3_CLIENT_RUST_TARGET thumbv7em-none-eabihf CACHE STRING "Rust target triple for nx_pop3_client")
