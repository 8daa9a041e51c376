#include "dashboard/instance_table.h"

#include <algorithm>
#include <charconv>

namespace md::dash {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string Str(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

std::string SortKey(const Json& row, const std::string& column) {
  if (column == "version") return Str(row, "app_version");
  if (column == "created") return Str(row, "created_at");
  if (column == "cluster") return row.contains("database") ? Str(row["database"], "cluster") : "";
  return Str(row, column.c_str());
}

int Number(const Params& params, const char* name, int fallback, int lo, int hi) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  const std::string& text = it->second;
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < lo || n > hi) return fallback;
  return n;
}

}  // namespace

const std::vector<std::string>& SortColumns() {
  static const std::vector<std::string> columns = {"subdomain", "status", "version", "url", "cluster", "created"};
  return columns;
}

TableQuery ParseTableQuery(const Params& params) {
  TableQuery q;
  auto get = [&](const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second.substr(0, 200);
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

TablePage SelectInstances(const Json& instances, const TableQuery& query) {
  TablePage page;
  if (!instances.is_array()) return page;
  const std::string needle = Lower(query.text);
  for (const Json& row : instances) {
    if (!query.status.empty() && Str(row, "status") != query.status) continue;
    if (!needle.empty()) {
      std::string hay = Lower(Str(row, "subdomain") + "\n" + Str(row, "name") + "\n" + Str(row, "email") + "\n" +
                              Str(row, "url"));
      if (hay.find(needle) == std::string::npos) continue;
    }
    page.rows.push_back(&row);
  }
  std::vector<std::pair<std::string, const Json*>> keyed;
  keyed.reserve(page.rows.size());
  for (const Json* row : page.rows) keyed.emplace_back(SortKey(*row, query.sort), row);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    return query.descending ? b.first < a.first : a.first < b.first;
  });
  page.total = keyed.size();
  page.pages = std::max<int>(1, static_cast<int>((page.total + query.per_page - 1) / query.per_page));
  page.page = std::clamp(query.page, 1, page.pages);
  size_t begin = static_cast<size_t>(page.page - 1) * query.per_page;
  size_t end = std::min(page.total, begin + query.per_page);
  page.rows.clear();
  for (size_t i = begin; i < end; ++i) page.rows.push_back(keyed[i].second);
  return page;
}

}  // namespace md::dash
