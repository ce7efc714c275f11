// Fuzz target: the .mmf image validator (model/image_reader), the gate every image passes before
// any view of it is handed out. Any input must be refused with a ModelError or accepted; an
// accepted image must then serve every view the Model API offers within its bytes.
#include <cstdint>
#include <span>

#include "mmfree/error.hpp"
#include "model/image_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::span<const std::byte> image(reinterpret_cast<const std::byte*>(data), size);
  try {
    const auto v = mmfree::model::validate_image(image, "fuzz.mmf");
    // Touch what the accessors would read: every section lies inside the image.
    volatile uint8_t sink = 0;
    for (const auto& e : v.sections) {
      if (e.size != 0) sink = sink ^ data[e.offset] ^ data[e.offset + e.size - 1];
    }
    (void)sink;
  } catch (const mmfree::ModelError&) {
  }
  return 0;
}
