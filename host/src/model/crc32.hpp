// CRC-32 (the zlib/IEEE polynomial) of .mmf sections, through Boost.CRC.
#pragma once

#include <boost/crc.hpp>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mmfree::model {

inline uint32_t crc32_of(std::span<const std::byte> bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

}  // namespace mmfree::model
