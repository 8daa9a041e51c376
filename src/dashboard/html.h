#pragma once
// HTML text made from data. Everything a page shows that came from the API
// (subdomains, names, log lines, errors) goes through Escape, in text and in
// attribute values alike. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "api/json_codec.h"

namespace md::dash {

// & < > " ' as character references; every other byte as it is.
std::string Escape(std::string_view text);

// A JSON value as escaped text: a string as it is, a number or a boolean
// written out, null or absent as `fallback`.
std::string Text(const Json& value, std::string_view fallback = "-");

// A field of a JSON object as escaped text (Text of j[key]).
std::string Field(const Json& j, const char* key, std::string_view fallback = "-");

// A string field of a JSON object, unescaped; "" when absent or not a string.
std::string Raw(const Json& j, const char* key);

// 1536 -> "1.5 KiB".
std::string Bytes(int64_t bytes);

}  // namespace md::dash
