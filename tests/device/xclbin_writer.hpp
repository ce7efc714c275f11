// Writes small but genuine xclbin (axlf) container files for the XRT backend's error-path
// tests: the layout is XRT's own (xrt/xclbin.h), so XRT's real parser reads them. They carry
// no bitstream; they exist to reach each check of open_xrt_device on a machine without a board.
#pragma once

#include <xrt/xclbin.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace mmfree::test {

// An xclbin whose only content is one RTL kernel named `kernel_name` with the given buffer
// arguments (all on the same memory port), or no kernel at all when `kernel_name` is empty.
inline void write_xclbin(const std::filesystem::path& path, const std::string& kernel_name,
                         const std::vector<std::string>& buffer_args = {"params"}) {
  std::string xml;
  std::vector<char> ip_layout_bytes, mem_topology_bytes, connectivity_bytes;
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

    // One 1 GiB DDR bank that every buffer argument is connected to.
    mem_topology memories{};
    memories.m_count = 1;
    memories.m_mem_data[0].m_type = MEM_DDR4;
    memories.m_mem_data[0].m_used = 1;
    memories.m_mem_data[0].m_size = 1024 * 1024;  // KiB
    memories.m_mem_data[0].m_base_address = 0x4000000000ull;
    std::memcpy(memories.m_mem_data[0].m_tag, "DDR[0]", 7);
    mem_topology_bytes.assign(reinterpret_cast<const char*>(&memories),
                              reinterpret_cast<const char*>(&memories) + sizeof memories);
    std::vector<connection> links;
    for (std::size_t i = 0; i < buffer_args.size(); ++i) links.push_back({static_cast<int32_t>(i), 0, 0});
    const int32_t count = static_cast<int32_t>(links.size());
    connectivity_bytes.assign(reinterpret_cast<const char*>(&count), reinterpret_cast<const char*>(&count) + 4);
    connectivity_bytes.insert(connectivity_bytes.end(), reinterpret_cast<const char*>(links.data()),
                              reinterpret_cast<const char*>(links.data() + links.size()));
  }

  std::vector<std::pair<uint32_t, const std::vector<char>*>> sections;
  const std::vector<char> xml_bytes(xml.begin(), xml.end());
  if (!kernel_name.empty())
    sections = {{IP_LAYOUT, &ip_layout_bytes},
                {EMBEDDED_METADATA, &xml_bytes},
                {MEM_TOPOLOGY, &mem_topology_bytes},
                {CONNECTIVITY, &connectivity_bytes}};
  // struct axlf already holds one section header.
  const std::size_t header_bytes =
      sizeof(axlf) + (sections.size() > 1 ? sections.size() - 1 : 0) * sizeof(axlf_section_header);
  std::size_t total = header_bytes;
  for (const auto& section : sections) total += section.second->size();
  std::vector<char> file(total, 0);
  axlf top{};
  std::memcpy(top.m_magic, "xclbin2", 8);
  top.m_signature_length = -1;
  std::memset(top.reserved, 0xFF, sizeof top.reserved);
  top.m_header.m_length = file.size();
  top.m_header.m_versionMajor = 2;
  top.m_header.m_numSections = static_cast<uint32_t>(sections.size());
  for (std::size_t i = 0; i < kernel_name.size() && i < 16; ++i) top.m_header.uuid[i] = static_cast<unsigned char>(kernel_name[i]);
  std::memcpy(file.data(), &top, sizeof top - sizeof(axlf_section_header));
  std::size_t offset = header_bytes;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    axlf_section_header entry{};
    entry.m_sectionKind = sections[i].first;
    entry.m_sectionOffset = offset;
    entry.m_sectionSize = sections[i].second->size();
    std::memcpy(file.data() + offsetof(axlf, m_sections) + i * sizeof entry, &entry, sizeof entry);
    std::memcpy(file.data() + offset, sections[i].second->data(), sections[i].second->size());
    offset += sections[i].second->size();
  }
  std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
}

}  // namespace mmfree::test
