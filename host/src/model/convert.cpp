// convert_checkpoint: a Hugging Face directory to a `.mmf` file, atomically.
#include <cstdio>
#include <filesystem>

#include "mmfree/error.hpp"
#include "mmfree/model.hpp"
#include "model/image_sink.hpp"
#include "model/image_writer.hpp"

namespace mmfree {

void convert_checkpoint(const std::filesystem::path& hf_dir, const std::filesystem::path& out,
                        const ConvertProgress& progress) {
  std::filesystem::path tmp = out;
  tmp += ".tmp";
  try {
    model::FileImageSink sink(tmp);
    model::write_image(hf_dir, sink, progress);
    sink.close();
    std::error_code ec;
    std::filesystem::rename(tmp, out, ec);
    if (ec) throw ModelError(out.string() + ": cannot rename " + tmp.string() + " into place: " + ec.message());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
}

}  // namespace mmfree
