// Writes small but genuine xclbin (axlf) container files for the XRT backend's error-path
// tests: the layout is XRT's own (xrt/xclbin.h), so XRT's real parser reads them. They carry
// no bitstream; they exist to reach each check of open_xrt_device on a machine without a board.
#pragma once

#include <xrt/xclbin.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mmfree::test {

// An xclbin whose only content is one RTL kernel named `kernel_name` with the given buffer
// arguments (all on the same memory port), or no kernel at all when `kernel_name` is empty.
inline void write_xclbin(const std::filesystem::path& path, const std::string& kernel_name,
                         const std::vector<std::string>& buffer_args = {"params"}) {
  std::string xml;
  std::vector<char> ip_layout_bytes;
  if (!kernel_name.empty()) {
    xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project name=\"test\"><platform><device name=\"fpga0\">"
          "<core name=\"OCL_REGION_0\" target=\"hw\"><kernel name=\"" + kernel_name +
          "\" language=\"c\" vlnv=\"test:kernel:" + kernel_name + ":1.0\" hwControlProtocol=\"ap_ctrl_hs\">"
          "<port name=\"S_AXI_CONTROL\" mode=\"slave\" range=\"0x1000\" dataWidth=\"32\" portType=\"addressable\" base=\"0x0\"/>";
    for (std::size_t i = 0; i < buffer_args.size(); ++i) {
      const unsigned offset = 0x10 + 8 * static_cast<unsigned>(i);
      xml += "<arg name=\"" + buffer_args[i] + "\" addressQualifier=\"1\" id=\"" + std::to_string(i) +
             "\" port=\"M_AXI_GMEM\" size=\"0x8\" offset=\"" + std::to_string(offset) +
             "\" hostOffset=\"0x0\" hostSize=\"0x8\" type=\"void*\"/>";
    }
    xml += "<instance name=\"" + kernel_name + "_1\"><addrRemap base=\"0x1800000\" range=\"0x10000\" "
           "port=\"S_AXI_CONTROL\"/></instance></kernel></core></device></platform></project>";
    ip_layout layout{};
    layout.m_count = 1;
    layout.m_ip_data[0].m_type = IP_KERNEL;
    layout.m_ip_data[0].m_base_address = 0x1800000;
    const std::string ip_name = kernel_name + ":" + kernel_name + "_1";
    std::memcpy(layout.m_ip_data[0].m_name, ip_name.c_str(), std::min(ip_name.size(), std::size_t(63)));
    ip_layout_bytes.assign(reinterpret_cast<const char*>(&layout), reinterpret_cast<const char*>(&layout) + sizeof layout);
  }

  const std::size_t sections = kernel_name.empty() ? 0 : 2;
  // struct axlf already holds one section header.
  const std::size_t header_bytes = sizeof(axlf) + (sections > 1 ? sections - 1 : 0) * sizeof(axlf_section_header);
  std::vector<char> file(header_bytes + ip_layout_bytes.size() + xml.size(), 0);
  axlf top{};
  std::memcpy(top.m_magic, "xclbin2", 8);
  top.m_signature_length = -1;
  std::memset(top.reserved, 0xFF, sizeof top.reserved);
  top.m_header.m_length = file.size();
  top.m_header.m_versionMajor = 2;
  top.m_header.m_numSections = static_cast<uint32_t>(sections);
  for (std::size_t i = 0; i < kernel_name.size() && i < 16; ++i) top.m_header.uuid[i] = static_cast<unsigned char>(kernel_name[i]);
  std::memcpy(file.data(), &top, sizeof top - sizeof(axlf_section_header));
  if (sections) {
    axlf_section_header entries[2]{};
    entries[0].m_sectionKind = IP_LAYOUT;
    entries[0].m_sectionOffset = header_bytes;
    entries[0].m_sectionSize = ip_layout_bytes.size();
    entries[1].m_sectionKind = EMBEDDED_METADATA;
    entries[1].m_sectionOffset = header_bytes + ip_layout_bytes.size();
    entries[1].m_sectionSize = xml.size();
    std::memcpy(file.data() + offsetof(axlf, m_sections), entries, sizeof entries);
    std::memcpy(file.data() + header_bytes, ip_layout_bytes.data(), ip_layout_bytes.size());
    std::memcpy(file.data() + header_bytes + ip_layout_bytes.size(), xml.data(), xml.size());
  }
  std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
}

}  // namespace mmfree::test
