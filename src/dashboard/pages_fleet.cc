// The fleet's pages: operations (and one operation, live), clusters with
// capacity bars, certificates with expiry, backups.

#include <algorithm>

#include "dashboard/html.h"
#include "dashboard/layout.h"
#include "dashboard/pages.h"

namespace md::dash {
namespace {

int64_t Int(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : 0;
}

std::string Badge(const Json& j, const char* key) {
  return "<span class=\"badge badge-" + Field(j, key) + "\">" + Field(j, key) + "</span>";
}

std::string SubLink(const Json& j) {
  std::string sub = Raw(j, "subdomain");
  return sub.empty() ? "-" : "<a href=\"" + InstanceHref(sub) + "\">" + Escape(sub) + "</a>";
}

// The step an unfinished operation is at, else "".
std::string CurrentStep(const Json& op) {
  if (!op.contains("steps") || !op["steps"].is_array()) return "";
  for (const Json& step : op["steps"]) {
    std::string state = Raw(step, "state");
    if (state == "running" || state == "failed") return Raw(step, "name");
  }
  return "";
}

}  // namespace

std::string OperationsPage(const Session& s, const Json& ops) {
  std::string body = "<section id=\"ops\" data-refresh><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Recent operations (scrolls sideways)\"><table><caption "
                     "class=\"visually-hidden\">Recent operations</caption><thead><tr><th scope=\"col\">#</th>"
                     "<th scope=\"col\">Kind</th><th scope=\"col\">Instance</th><th scope=\"col\">State</th>"
                     "<th scope=\"col\">Step</th><th scope=\"col\">Created</th><th scope=\"col\">Duration</th>"
                     "</tr></thead><tbody>";
  if (ops.is_array()) {
    for (const Json& op : ops) {
      body += "<tr><th scope=\"row\"><a href=\"/ui/operations/" + Field(op, "id") + "\">" + Field(op, "id") +
              "</a></th><td>" + Field(op, "kind") + "</td><td>" + SubLink(op) + "</td><td>" + Badge(op, "state") +
              "</td><td>" + Escape(CurrentStep(op)) + "</td><td>" + Field(op, "created_at") + "</td><td>" +
              (op.contains("duration_ms") && op["duration_ms"].is_number() ? Text(op["duration_ms"]) + " ms" : "-") +
              "</td></tr>";
    }
  }
  if (!ops.is_array() || ops.empty()) body += "<tr><td colspan=\"7\">No operations yet.</td></tr>";
  body += "</tbody></table></div></section>";
  return Page({"Operations", &s, "/ui/events", "operations"}, body);
}

std::string OperationPage(const Session& s, const Json& op) {
  std::string id = Field(op, "id");
  std::string body = "<section id=\"op\" data-refresh aria-live=\"polite\"><dl class=\"facts\"><dt>Kind</dt><dd>" +
                     Field(op, "kind") + "</dd><dt>Instance</dt><dd>" + SubLink(op) + "</dd><dt>State</dt><dd>" +
                     Badge(op, "state") + "</dd><dt>Created</dt><dd>" + Field(op, "created_at") +
                     "</dd><dt>Finished</dt><dd>" + Field(op, "finished_at") + "</dd></dl>" + ErrorBox(Raw(op, "error")) +
                     "<h2>Steps</h2>" + StepList(op) + "</section>";
  return Page({"Operation " + id, &s, "/ui/events?operation=" + id, "operations"}, body);
}

std::string ClustersPage(const Session& s, const Json& clusters) {
  std::string body = "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Database clusters (scrolls sideways)\"><table><caption class=\"visually-hidden\">Database clusters</caption>"
                     "<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Capacity</th><th scope=\"col\">"
                     "Address</th><th scope=\"col\">State</th></tr></thead><tbody>";
  if (clusters.is_array()) {
    for (const Json& c : clusters) {
      int64_t used = Int(c, "used"), capacity = Int(c, "capacity");
      std::string state = c.value("draining", false) ? "draining" : c.value("full", false) ? "full" : "open";
      if (c.value("embedded", false)) state += ", embedded";
      body += "<tr><th scope=\"row\">" + Field(c, "name") + "</th><td><meter min=\"0\" max=\"" +
              std::to_string(std::max<int64_t>(capacity, 1)) + "\" value=\"" + std::to_string(used) +
              "\" aria-label=\"capacity used of " + Field(c, "name") + "\"></meter> " + std::to_string(used) + " of " +
              std::to_string(capacity) + " used</td><td>" + Field(c, "address") + "</td><td>" + Escape(state) +
              "</td></tr>";
    }
  }
  body += "</tbody></table></div>";
  return Page({"Clusters", &s, "", "clusters"}, body);
}

std::string CertificatesPage(const Session& s, const Json& certs, int64_t now_ms) {
  std::string body = "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Certificates (scrolls sideways)\"><table><caption class=\"visually-hidden\">Certificates</caption><thead>"
                     "<tr><th scope=\"col\">Names</th><th scope=\"col\">Purpose</th><th scope=\"col\">Issuer</th>"
                     "<th scope=\"col\">Expires</th><th scope=\"col\">Next order</th><th scope=\"col\">Last error</th>"
                     "</tr></thead><tbody>";
  if (certs.is_array()) {
    for (const Json& c : certs) {
      std::string names;
      if (c.contains("names") && c["names"].is_array()) {
        for (const Json& n : c["names"]) names += (names.empty() ? "" : "<br>") + Text(n);
      }
      std::string expires = Field(c, "not_after");
      int64_t not_after = 0;
      if (ParseTimestamp(Raw(c, "not_after"), &not_after) && not_after > 0) {
        int64_t days = (not_after - now_ms) / 86400000;
        expires += days < 0 ? " <strong>(expired)</strong>" : " (in " + std::to_string(days) + " days)";
      }
      body += "<tr><th scope=\"row\">" + names + "</th><td>" + Field(c, "purpose") + "</td><td>" + Field(c, "issuer") +
              (c.value("trusted", false) ? "" : " <span class=\"muted\">(stand-in)</span>") + "</td><td>" + expires +
              "</td><td>" + Field(c, "next_order_at") + "</td><td>" + Field(c, "last_error", "") + "</td></tr>";
    }
  }
  if (!certs.is_array() || certs.empty()) body += "<tr><td colspan=\"6\">No certificates.</td></tr>";
  body += "</tbody></table></div>";
  return Page({"Certificates", &s, "", "certificates"}, body);
}

std::string BackupsPage(const Session& s, const Json& backups) {
  std::string body = "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Backups (scrolls sideways)\"><table><caption class=\"visually-hidden\">Backups</caption><thead><tr>"
                     "<th scope=\"col\">ID</th><th scope=\"col\">Instance</th><th scope=\"col\">Taken</th>"
                     "<th scope=\"col\">Why</th><th scope=\"col\">Version</th><th scope=\"col\">Size</th>"
                     "<th scope=\"col\">Files</th></tr></thead><tbody>";
  if (backups.is_array()) {
    for (const Json& b : backups) {
      body += "<tr><th scope=\"row\">" + Field(b, "id") + "</th><td>" + SubLink(b) + "</td><td>" +
              Field(b, "created_at") + "</td><td>" + Field(b, "reason") + "</td><td>" + Field(b, "app") + " " +
              Field(b, "version") + "</td><td>" + Bytes(Int(b, "size_bytes")) + "</td><td>" + Field(b, "has_files") +
              "</td></tr>";
    }
  }
  if (!backups.is_array() || backups.empty()) body += "<tr><td colspan=\"7\">No backups.</td></tr>";
  body += "</tbody></table></div>";
  return Page({"Backups", &s, "", "backups"}, body);
}

}  // namespace md::dash
