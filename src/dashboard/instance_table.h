#pragma once
// The instance list's filter, sort and paging, done in the server so that a
// page stays small with thousands of instances: the rows of one page of the
// API's GET /v1/instances answer. Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <vector>

#include "api/json_codec.h"
#include "dashboard/api_caller.h"

namespace md::dash {

struct TableQuery {
  std::string text;                // in subdomain, name, email or URL; case-insensitive
  std::string status;              // "": any
  std::string sort = "subdomain";  // one of SortColumns()
  bool descending = false;
  int page = 1;                    // from 1
  int per_page = 50;
};

// The columns the list sorts by: subdomain, status, version, url, cluster, created.
const std::vector<std::string>& SortColumns();

// From the page's query string; what is out of range falls back to the default.
TableQuery ParseTableQuery(const Params& params);

struct TablePage {
  std::vector<const Json*> rows;  // into the list given
  size_t total = 0;               // after the filter
  int page = 1;                   // clamped to 1..pages
  int pages = 1;
};

// `instances` is the API's array of Instance objects.
TablePage SelectInstances(const Json& instances, const TableQuery& query);

}  // namespace md::dash
