# cmake -DTRAIN=<program> -DPROFILE_DIR=<dir> -DTRAINED_NAME=<x.dir> -DUSED_NAME=<y.dir>
#       -DSTAMP=<file> -P train_profile.cmake
# Runs the profile-training program (kernel_model_pgo.cmake) and moves the .gcda files it wrote
# for the instrumented objects (paths containing TRAINED_NAME) to where GCC looks for the real
# model's objects (USED_NAME). On any failure no profile is left, and the real model is compiled
# without feedback.
file(GLOB_RECURSE previous ${PROFILE_DIR}/*.gcda)
if(previous)
  file(REMOVE ${previous})
endif()
execute_process(COMMAND ${TRAIN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
file(GLOB_RECURSE trained ${PROFILE_DIR}/*.gcda)
if(NOT rc EQUAL 0 OR NOT trained)
  message(WARNING "sim: the kernel model's profile-training run failed (${rc}): ${out}"
                  "the model is compiled without profile feedback")
  if(trained)
    file(REMOVE ${trained})
  endif()
else()
  foreach(data ${trained})
    string(REPLACE ${TRAINED_NAME} ${USED_NAME} destination ${data})
    get_filename_component(destination_dir ${destination} DIRECTORY)
    file(MAKE_DIRECTORY ${destination_dir})
    file(RENAME ${data} ${destination})
  endforeach()
endif()
file(TOUCH ${STAMP})
