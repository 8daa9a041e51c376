#pragma once
// JSON Schemas (OpenAPI 3.0 dialect: `nullable`, `$ref` to
// #/components/schemas/NAME) of every body the admin API takes and answers,
// by the names the route table uses (Route::request, Route::response). Kept
// by hand beside the codec (json_codec.cc); tests/unit/openapi_test.cc checks
// them against what the codec writes and reads.

#include "api/json_codec.h"

namespace md {

// {"Instance": {...}, "Operation": {...}, ...}
const Json& ApiSchemas();

}  // namespace md
