// The chat template: how /v1/chat/completions turns messages into a prompt. The released
// MatMul-free models are base models, not instruction-tuned, so there is no template they were
// trained on; this one is plain text a base model continues sensibly (docs/serving.md):
//
//   <system message>\n\n          (each system message, if any)
//   User: <user message>\n
//   Assistant: <assistant message>\n
//   ...
//   Assistant:
//
// and generation stops at "\nUser:" (the model starting the next turn).
#pragma once

#include <boost/json.hpp>
#include <string>

namespace mmfree::serve {

inline constexpr const char* kChatTurnStop = "\nUser:";

// The prompt for `messages` (the request's "messages" value); 400 for a malformed message.
std::string render_chat_prompt(const boost::json::value& messages);

}  // namespace mmfree::serve
