// meltanodata-openapi: prints the admin API's OpenAPI document, as the
// server serves it at /v1/openapi.json; `> docs/openapi.json` regenerates
// the committed copy.

#include <iostream>

#include "api/openapi.h"

int main() {
  std::cout << md::DumpJson(md::OpenApiDocument(md::ApiRoutes()), 2) << "\n";
  return 0;
}
