// Whole-file reads and writes for tests (binary-safe: .mmf images and safetensors too).
#pragma once

#include <filesystem>
#include <string>

namespace mmfree::test {

// The whole content of a file; throws std::runtime_error naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Replaces the file's content with `bytes`; throws std::runtime_error when it cannot.
void write_file(const std::filesystem::path& path, const std::string& bytes);

}  // namespace mmfree::test
