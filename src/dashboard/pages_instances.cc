// The instance list (filter, sort, paging) and the create form.

#include "core/strings.h"
#include "dashboard/html.h"
#include "dashboard/layout.h"
#include "dashboard/pages.h"

namespace md::dash {
namespace {

const char* kStatuses[] = {"provisioning", "running", "idle", "stopped", "degraded", "failed", "deleting"};

// The list's URL with `query`, changed as asked.
std::string ListHref(TableQuery q) {
  std::string href = "/ui/instances?sort=" + q.sort + (q.descending ? "&dir=desc" : "") +
                     "&page=" + std::to_string(q.page);
  if (!q.text.empty()) href += "&q=" + PercentEncode(q.text);
  if (!q.status.empty()) href += "&status=" + PercentEncode(q.status);
  if (q.per_page != 50) href += "&per_page=" + std::to_string(q.per_page);
  return Escape(href);
}

std::string Header(const TableQuery& q, const std::string& column, const char* label) {
  TableQuery next = q;
  next.sort = column;
  next.descending = q.sort == column && !q.descending;
  next.page = 1;
  std::string aria = q.sort == column ? (q.descending ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"") : "";
  std::string arrow = q.sort == column ? (q.descending ? " ▼" : " ▲") : "";
  return "<th scope=\"col\"" + aria + "><a href=\"" + ListHref(next) + "\">" + label + arrow + "</a></th>";
}

std::string Input(const Params& values, const char* name, const char* label, const char* type, bool required,
                  const char* hint) {
  auto it = values.find(name);
  std::string value = it == values.end() ? "" : it->second;
  std::string id = std::string("f-") + name;
  std::string out = "<label for=\"" + id + "\">" + label;
  if (*hint) out += " <span class=\"muted\">" + std::string(hint) + "</span>";
  out += "</label><input id=\"" + id + "\" name=\"" + name + "\" type=\"" + type + "\" value=\"" + Escape(value) +
         "\"" + (required ? " required" : "") + ">";
  return out;
}

}  // namespace

std::string InstancesPage(const Session& s, const TableQuery& q, const TablePage& page) {
  std::string body = "<form class=\"filters\" method=\"get\" action=\"/ui/instances\" role=\"search\">"
                     "<label for=\"q\">Search</label><input id=\"q\" name=\"q\" type=\"search\" value=\"" +
                     Escape(q.text) + "\"><label for=\"status\">Status</label><select id=\"status\" name=\"status\">"
                     "<option value=\"\">any</option>";
  for (const char* status : kStatuses) {
    body += "<option" + std::string(q.status == status ? " selected" : "") + ">" + status + "</option>";
  }
  body += "</select><input type=\"hidden\" name=\"sort\" value=\"" + Escape(q.sort) + "\">" +
          (q.descending ? "<input type=\"hidden\" name=\"dir\" value=\"desc\">" : "") +
          "<button type=\"submit\">Filter</button> <a class=\"button\" href=\"/ui/instances/new\">Create an "
          "instance</a></form>";
  body += "<p class=\"muted\" id=\"count\">" + std::to_string(page.total) + " instance" +
          (page.total == 1 ? "" : "s") + ", page " + std::to_string(page.page) + " of " +
          std::to_string(page.pages) + "</p>";
  body += "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Instances (scrolls sideways)\"><table><caption class=\"visually-hidden\">Instances</caption><thead><tr>" +
          Header(q, "subdomain", "Subdomain") + Header(q, "status", "Status") + Header(q, "version", "Version") +
          "<th scope=\"col\">URL</th>" + Header(q, "cluster", "Cluster") + Header(q, "created", "Created") +
          "</tr></thead><tbody>";
  for (const Json& row : page.rows) {
    std::string sub = Raw(row, "subdomain");
    std::string url = Raw(row, "url");
    std::string cluster = row.contains("database") ? Field(row["database"], "cluster") : "-";
    body += "<tr><th scope=\"row\"><a href=\"" + InstanceHref(sub) + "\">" + Escape(sub) + "</a></th><td>" +
            "<span class=\"badge badge-" + Field(row, "status") + "\">" + Field(row, "status") + "</span></td><td>" +
            Field(row, "app") + " " + Field(row, "app_version") + "</td><td>" +
            (url.rfind("https://", 0) == 0 ? "<a href=\"" + Escape(url) + "\" rel=\"noopener noreferrer\">" +
                                                 Escape(url) + "</a>"
                                           : Escape(url)) +
            "</td><td>" + cluster + "</td><td>" + Field(row, "created_at") + "</td></tr>";
  }
  if (page.rows.empty()) body += "<tr><td colspan=\"6\">No instance matches.</td></tr>";
  body += "</tbody></table></div><nav class=\"pager\" aria-label=\"Pages\">";
  TableQuery prev = q, next = q;
  prev.page = page.page - 1;
  next.page = page.page + 1;
  if (page.page > 1) body += "<a href=\"" + ListHref(prev) + "\" rel=\"prev\">Previous page</a> ";
  if (page.page < page.pages) body += "<a href=\"" + ListHref(next) + "\" rel=\"next\">Next page</a>";
  body += "</nav>";
  return Page({"Instances", &s, "", "instances"}, body);
}

std::string CreatePage(const Session& s, const Params& values, const std::string& error) {
  Params shown = values;
  if (!shown.count("app")) shown.emplace("app", "demo");
  std::string body = ErrorBox(error) + "<form class=\"card form\" method=\"post\" action=\"/ui/instances\">" +
                     CsrfField(s) + Input(shown, "subdomain", "Subdomain", "text", true, "(a-z, 0-9, -)") +
                     Input(shown, "email", "Customer email", "email", true, "") +
                     Input(shown, "name", "Customer name", "text", true, "") +
                     Input(shown, "app", "App", "text", true, "(demo or meltano)") +
                     Input(shown, "version", "Version", "text", false, "(empty: the app's default)") +
                     "<button type=\"submit\">Create</button></form>";
  return Page({"Create an instance", &s, "", "create"}, body);
}

}  // namespace md::dash
