// convert_checkpoint: a Hugging Face directory to a `.mmf` file, atomically, and only ever as
// a regular file: the rename at the end would otherwise replace whatever OUT names (as root,
// even a device node such as /dev/full).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "mmfree/error.hpp"
#include "mmfree/model.hpp"
#include "mmfree/util/bounded_file.hpp"
#include "model/image_sink.hpp"
#include "model/image_writer.hpp"

namespace mmfree {

namespace {

// An existing OUT must be a regular file, or a symlink to one (the rename replaces the link).
void check_output(const std::filesystem::path& out) {
  struct stat st {};
  if (::stat(out.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) {
      throw ModelError(out.string() + ": is " + util::file_type_name(out) +
                       "; convert writes only regular files (remove it or choose another name)");
    }
    return;
  }
  // A dangling symlink would be replaced silently: refuse it too.
  if (::lstat(out.c_str(), &st) == 0) {
    throw ModelError(out.string() + ": is a symbolic link to nothing; convert writes only regular files");
  }
}

// OUT.tmp is ours by name: a regular file or symlink there is the leftover of an interrupted
// run and is removed (never written through); anything else is refused.
void clear_temporary(const std::filesystem::path& tmp) {
  struct stat st {};
  if (::lstat(tmp.c_str(), &st) != 0) return;
  if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    throw ModelError(tmp.string() + ": is " + util::file_type_name(tmp, false) +
                     ", in the way of convert's temporary file");
  }
  if (::unlink(tmp.c_str()) != 0) {
    throw ModelError(tmp.string() + ": cannot remove the leftover temporary file: " + std::strerror(errno));
  }
}

}  // namespace

void convert_checkpoint(const std::filesystem::path& hf_dir, const std::filesystem::path& out,
                        const ConvertProgress& progress, mmf::WeightEncoding encoding) {
  check_output(out);
  std::filesystem::path tmp = out;
  tmp += ".tmp";
  clear_temporary(tmp);
  model::FileImageSink sink(tmp);
  try {
    model::write_image(hf_dir, sink, progress, encoding);
    sink.close();
    check_output(out);  // again: the conversion may have taken minutes
    std::error_code ec;
    std::filesystem::rename(tmp, out, ec);
    if (ec) throw ModelError(out.string() + ": cannot rename " + tmp.string() + " into place: " + ec.message());
  } catch (...) {
    if (sink.created()) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
    }
    throw;
  }
}

}  // namespace mmfree
