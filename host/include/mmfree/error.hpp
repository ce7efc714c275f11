// Errors the runtime reports to users. Every failure a user can cause (bad files, bad
// flags, a device that does not answer) is one of these, caught in the CLI's main and
// printed as one clear line with a non-zero exit.
#pragma once

#include <stdexcept>
#include <string>

namespace mmfree {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A checkpoint, .mmf image or tokenizer that is missing, truncated, corrupt or of the wrong shape.
class ModelError : public Error {
 public:
  using Error::Error;
};

// Bad command-line input: unknown flag values, token ids out of range, empty prompts.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A device (simulated or real) that is absent, refuses a command or does not answer in time.
class DeviceError : public Error {
 public:
  using Error::Error;
};

}  // namespace mmfree
