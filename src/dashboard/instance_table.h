#pragma once
// The instance list's filter, sort and paging as the page's query string
// states them, fetched as one page of the API's paged GET /v1/instances: the
// store filters, sorts and counts, so a page costs the same with ten or ten
// thousand instances. Thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "api/json_codec.h"
#include "dashboard/api_caller.h"

namespace md::dash {

struct TableQuery {
  std::string text;                // in subdomain, name or email; case-insensitive
  std::string status;              // "": any
  std::string sort = "subdomain";  // one of SortColumns()
  bool descending = false;
  int page = 1;                    // from 1
  int per_page = 50;
};

// The columns the list sorts by (the API's sort keys): subdomain, status, version, cluster, created.
const std::vector<std::string>& SortColumns();

// From the page's query string; what is out of range falls back to the default.
TableQuery ParseTableQuery(const Params& params);

// The API query (limit, offset, sort, status, q) of the page asked for.
Params ApiQueryOf(const TableQuery& query);

struct TablePage {
  Json rows = Json::array();  // the API's Instance objects of this page
  int64_t total = 0;          // how many match in all
  int page = 1;               // clamped to 1..pages
  int pages = 1;
};

// The page `query` asks for; a page past the end gives the last one.
Result<TablePage> FetchInstancePage(ApiCaller& api, TableQuery query);

}  // namespace md::dash
