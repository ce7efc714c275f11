#include "xml_document.hpp"

#include <expat.h>

namespace mmfree::test {

std::vector<XmlElement> XmlDocument::with(const std::string& name, const std::string& attribute,
                                          const std::string& value) const {
  std::vector<XmlElement> found;
  for (const auto& e : elements) {
    auto it = e.attributes.find(attribute);
    if (e.name == name && it != e.attributes.end() && it->second == value) found.push_back(e);
  }
  return found;
}

XmlDocument parse_xml(const std::string& text) {
  XmlDocument doc;
  XML_Parser parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(parser, &doc);
  XML_SetStartElementHandler(parser, [](void* user, const XML_Char* name, const XML_Char** attributes) {
    auto& d = *static_cast<XmlDocument*>(user);
    XmlElement e;
    e.name = name;
    for (int k = 0; attributes[k] != nullptr; k += 2) e.attributes[attributes[k]] = attributes[k + 1];
    if (d.elements.empty()) d.root = e.name;
    d.elements.push_back(std::move(e));
  });
  const bool ok = XML_Parse(parser, text.data(), static_cast<int>(text.size()), 1) == XML_STATUS_OK;
  if (!ok)
    doc.error = std::string(XML_ErrorString(XML_GetErrorCode(parser))) + " at line " +
                std::to_string(XML_GetCurrentLineNumber(parser));
  doc.well_formed = ok;
  XML_ParserFree(parser);
  return doc;
}

}  // namespace mmfree::test
