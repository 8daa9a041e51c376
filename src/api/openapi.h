#pragma once
// The OpenAPI 3.0 document of the admin API, generated from the route table
// (api/routes.h) and the schemas (api/schemas.h). Served at
// GET /v1/openapi.json and committed as docs/openapi.json (a unit test keeps
// the two equal; `meltanodata-openapi > docs/openapi.json` regenerates it).

#include <vector>

#include "api/json_codec.h"
#include "api/routes.h"

namespace md {

Json OpenApiDocument(const std::vector<Route>& routes);

}  // namespace md
