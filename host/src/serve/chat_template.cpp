#include "serve/chat_template.hpp"

#include "serve/api_error.hpp"
#include "serve/json_fields.hpp"

namespace json = boost::json;

namespace mmfree::serve {
namespace {

// A message's content: a string, or OpenAI's array of parts of which only text parts are
// understood by a text model.
std::string content_text(const json::value& content, std::size_t index) {
  const std::string where = "messages[" + std::to_string(index) + "].content";
  if (content.is_string()) return std::string(content.get_string());
  if (!content.is_array()) throw bad_request("'" + where + "' must be a string or an array of text parts, not " + describe_json(content), where);
  std::string text;
  for (const json::value& part : content.get_array()) {
    const json::object* object = part.if_object();
    const json::value* type = object ? object->if_contains("type") : nullptr;
    const json::value* part_text = object ? object->if_contains("text") : nullptr;
    if (type == nullptr || !type->is_string() || type->get_string() != "text" || part_text == nullptr || !part_text->is_string())
      throw bad_request("'" + where + "' parts must be {\"type\": \"text\", \"text\": \"...\"}: this model reads text only", where);
    text += part_text->get_string();
  }
  return text;
}

}  // namespace

std::string render_chat_prompt(const json::value& messages) {
  if (!messages.is_array()) throw bad_request("'messages' must be an array of messages, not " + describe_json(messages), "messages");
  const json::array& list = messages.get_array();
  if (list.empty()) throw bad_request("'messages' must hold at least one message", "messages");
  std::string prompt;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json::object* message = list[i].if_object();
    if (message == nullptr) throw bad_request("'messages[" + std::to_string(i) + "]' must be an object, not " + describe_json(list[i]), "messages");
    const json::value* role = message->if_contains("role");
    const json::value* content = message->if_contains("content");
    if (role == nullptr || !role->is_string())
      throw bad_request("'messages[" + std::to_string(i) + "].role' must be a string", "messages");
    if (content == nullptr) throw bad_request("'messages[" + std::to_string(i) + "].content' is missing", "messages");
    const std::string text = content_text(*content, i);
    const std::string_view name = role->get_string();
    if (name == "system" || name == "developer") {
      prompt += text + "\n\n";
    } else if (name == "user") {
      prompt += "User: " + text + "\n";
    } else if (name == "assistant") {
      prompt += "Assistant: " + text + "\n";
    } else {
      throw bad_request("'messages[" + std::to_string(i) + "].role' must be system, user or assistant, not '" +
                            std::string(name.substr(0, 32)) + "'",
                        "messages");
    }
  }
  prompt += "Assistant:";
  return prompt;
}

}  // namespace mmfree::serve
