#include "dashboard/instance_table.h"

#include <algorithm>
#include <charconv>

namespace md::dash {
namespace {

int Number(const Params& params, const char* name, int fallback, int lo, int hi) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  const std::string& text = it->second;
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < lo || n > hi) return fallback;
  return n;
}

int64_t TotalOf(const Reply& reply) {
  for (const auto& [name, value] : reply.headers) {
    int64_t n = 0;
    if (name == "X-Total-Count" && std::from_chars(value.data(), value.data() + value.size(), n).ec == std::errc()) {
      return n;
    }
  }
  return reply.body && reply.body->is_array() ? static_cast<int64_t>(reply.body->size()) : 0;
}

}  // namespace

const std::vector<std::string>& SortColumns() {
  static const std::vector<std::string> columns = {"subdomain", "status", "version", "cluster", "created"};
  return columns;
}

TableQuery ParseTableQuery(const Params& params) {
  TableQuery q;
  auto get = [&](const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  q.text = get("q");
  q.status = get("status");
  std::string sort = get("sort");
  if (std::find(SortColumns().begin(), SortColumns().end(), sort) != SortColumns().end()) q.sort = sort;
  q.descending = get("dir") == "desc";
  q.page = Number(params, "page", 1, 1, 1000000);
  q.per_page = Number(params, "per_page", 50, 10, 500);
  return q;
}

Params ApiQueryOf(const TableQuery& query) {
  Params api = {{"limit", std::to_string(query.per_page)},
                {"offset", std::to_string(static_cast<int64_t>(query.page - 1) * query.per_page)},
                {"sort", (query.descending ? "-" : "") + query.sort}};
  if (!query.status.empty()) api.emplace("status", query.status);
  if (!query.text.empty()) api.emplace("q", query.text);
  return api;
}

Result<TablePage> FetchInstancePage(ApiCaller& api, TableQuery query) {
  while (true) {
    MD_ASSIGN_OR_RETURN(RoutedReply r, api.Call("GET", "/v1/instances", ApiQueryOf(query)));
    TablePage page;
    page.total = TotalOf(r.reply);
    page.pages = static_cast<int>(std::max<int64_t>(1, (page.total + query.per_page - 1) / query.per_page));
    if (query.page > page.pages) {  // past the end, or the list shrank: the last page
      query.page = page.pages;
      continue;
    }
    page.page = query.page;
    if (r.reply.body && r.reply.body->is_array()) page.rows = std::move(*r.reply.body);
    return page;
  }
}

}  // namespace md::dash
