// A minimal DOM of an XML document parsed by expat: enough to check that an SVG is well-formed
// and to find its elements by name and attribute.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mmfree::test {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
};

struct XmlDocument {
  bool well_formed = false;
  std::string error;                  // expat's message and line when not well-formed
  std::string root;                   // the root element's name
  std::vector<XmlElement> elements;   // every element, in document order

  std::vector<XmlElement> with(const std::string& name, const std::string& attribute,
                               const std::string& value) const;
};

XmlDocument parse_xml(const std::string& text);

}  // namespace mmfree::test
