// Server-sent events as OpenAI streams them: each chunk one "data: <json>" event, the stream
// closed by "data: [DONE]".
#pragma once

#include <string>
#include <string_view>

namespace mmfree::serve {

// "data: <payload>\n\n". The payload is one line of JSON (serialized JSON has no raw newline).
inline std::string sse_event(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 8);
  out.append("data: ").append(payload).append("\n\n");
  return out;
}

inline std::string sse_done() { return "data: [DONE]\n\n"; }

}  // namespace mmfree::serve
