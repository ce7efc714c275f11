# GCC profile feedback for the fast kernel model (cache option MMFREE_SIM_PGO).
#
# Why: nearly every cycle of the Verilated kernel runs long branchy code (every register's
# enable is an `if`), and GCC lays it out blind. A short training run tells it which way the
# branches go; on the demo model the model then ran 10-13% faster (sim/README.md).
#
# How: a second copy of the fast model, compiled with -fprofile-generate into its own library,
# is linked into mmfree_sim_pgo_train (train_kernel_model.cpp: a few demo tokens through the
# sim engine). train_profile.cmake runs it and files the .gcda data under the object paths of
# the real fast model, whose objects depend on that run and are compiled with -fprofile-use.
# Results cannot change: feedback only steers code layout and optimisation choices.
# If the training run fails the build goes on without feedback; a stale or missing profile is
# a warning, never an error.

# Sets up the instrumented copy, its training program and run (target
# mmfree_sim_kernel_model_profile); returns in <use_flags_var> the flags that compile the real
# fast model with the result, and in <stamp_var> the file its objects must depend on.
#   SOURCES, VERILATOR_ARGS, OPT_FAST: exactly as the real fast model is Verilated/compiled
#   DEFINITIONS: kernel_top.cpp's compile definitions
function(mmfree_sim_kernel_model_profile use_flags_var stamp_var)
  cmake_parse_arguments(PGO "" "" "SOURCES;VERILATOR_ARGS;OPT_FAST;DEFINITIONS" ${ARGN})
  set(profile_dir ${CMAKE_CURRENT_BINARY_DIR}/pgo)
  set(train_model mmfree_sim_kernel_model_pgo_train)

  add_library(${train_model} STATIC ${CMAKE_CURRENT_SOURCE_DIR}/kernel/kernel_top.cpp)
  target_link_libraries(${train_model} PUBLIC mmfree_sim)
  target_compile_definitions(${train_model} PRIVATE ${PGO_DEFINITIONS} MMFREE_SIM_FAST_MODEL_ONLY=1)
  verilate(${train_model}
    SOURCES ${PGO_SOURCES}
    TOP_MODULE mmfree_kernel
    PREFIX Vmmfree_kernel
    THREADS ${MMFREE_SIM_THREADS}
    OPT_SLOW -O1
    OPT_FAST ${PGO_OPT_FAST} -fprofile-generate -fprofile-update=single -fprofile-dir=${profile_dir}
    VERILATOR_ARGS ${PGO_VERILATOR_ARGS})

  add_executable(mmfree_sim_pgo_train ${CMAKE_CURRENT_SOURCE_DIR}/pgo/train_kernel_model.cpp
                                      ${CMAKE_CURRENT_SOURCE_DIR}/kernel/sim_engine.cpp)
  target_link_libraries(mmfree_sim_pgo_train PRIVATE ${train_model} mmfree_warnings)
  target_link_options(mmfree_sim_pgo_train PRIVATE -fprofile-generate)

  set(stamp ${profile_dir}/trained.stamp)
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DTRAIN=$<TARGET_FILE:mmfree_sim_pgo_train> -DPROFILE_DIR=${profile_dir}
            -DTRAINED_NAME=${train_model}.dir -DUSED_NAME=mmfree_sim_kernel_model.dir -DSTAMP=${stamp}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/pgo/train_profile.cmake
    DEPENDS mmfree_sim_pgo_train ${CMAKE_CURRENT_SOURCE_DIR}/pgo/train_profile.cmake
    COMMENT "sim: profile-training run of the kernel model"
    VERBATIM)
  add_custom_target(mmfree_sim_kernel_model_profile DEPENDS ${stamp})

  set(${use_flags_var} -fprofile-use -fprofile-partial-training -fprofile-dir=${profile_dir}
      -Wno-missing-profile -Wno-coverage-mismatch PARENT_SCOPE)
  set(${stamp_var} ${stamp} PARENT_SCOPE)
endfunction()
