#pragma once
// Internal to md_profile: splits a template into its literal text and its
// {{name}} references, shared by rendering and by profile validation.

#include <string>
#include <vector>

#include "core/status.h"

namespace md::profile_internal {

struct TemplatePiece {
  bool is_variable = false;
  std::string text;  // the literal text, or the variable name (trimmed)
};

// InvalidArgument for an unterminated "{{" or an empty or malformed name.
Result<std::vector<TemplatePiece>> ScanTemplate(const std::string& text);

}  // namespace md::profile_internal
