// One instance's page: status, health, resource usage, certificate, recent
// logs (followed live by app.js), its operations (live), and its actions.

#include "dashboard/html.h"
#include "dashboard/layout.h"
#include "dashboard/pages.h"

namespace md::dash {
namespace {

int64_t Int(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : 0;
}

// A form that POSTs to /ui/instances/SUB/ACTION with `fields` and a button.
std::string ActionForm(const Session& s, const std::string& sub, const char* action, const std::string& fields,
                       const char* button, const char* css = "") {
  return "<form class=\"inline " + std::string(css) + "\" method=\"post\" action=\"" + InstanceHref(sub) + "/" +
         action + "\">" + CsrfField(s) + fields + "<button type=\"submit\">" + button + "</button></form>";
}

std::string Meter(int64_t value, int64_t max, const std::string& label, const std::string& text) {
  if (max <= 0) return Escape(text);
  return "<meter min=\"0\" max=\"" + std::to_string(max) + "\" value=\"" + std::to_string(value) +
         "\" aria-label=\"" + Escape(label) + "\"></meter> " + Escape(text);
}

std::string Summary(const InstanceView& v) {
  const Json& r = v.report;
  std::string out = "<section id=\"summary\" data-refresh aria-labelledby=\"h-summary\"><h2 id=\"h-summary\">"
                    "Status</h2><dl class=\"facts\">";
  auto fact = [&](const char* name, const std::string& html) { out += "<dt>" + std::string(name) + "</dt><dd>" + html + "</dd>"; };
  fact("Status", "<span class=\"badge badge-" + Field(r, "status") + "\">" + Field(r, "status") + "</span>");
  std::string url = Raw(r, "url");
  fact("URL", url.rfind("https://", 0) == 0
                  ? "<a href=\"" + Escape(url) + "\" rel=\"noopener noreferrer\">" + Escape(url) + "</a>"
                  : Escape(url));
  fact("App", Field(r, "app") + " " + Field(r, "app_version"));
  fact("Customer", Field(r, "name") + " &lt;" + Field(r, "email") + "&gt;");
  fact("Cluster", r.contains("database") ? Field(r["database"], "cluster") : "-");
  fact("Created", Field(r, "created_at"));
  if (r.contains("up")) {
    fact("Process", r["up"] == true ? "up, pid " + Field(r, "pid") + ", " + Field(r, "uptime_s") + " s" : "down");
    std::string health = Int(r, "health") == 0 ? "no answer" : "HTTP " + Field(r, "health");
    if (!Raw(r, "health_error").empty()) health += " — " + Field(r, "health_error");
    fact("Health", health);
    if (r.contains("https")) {
      const Json& h = r["https"];
      std::string https = Int(h, "code") == 0 ? "no answer" : "HTTP " + Field(h, "code");
      if (!Raw(h, "error").empty()) https += " — " + Field(h, "error");
      fact("Through the front door", https);
    }
    if (r.contains("resources")) {
      const Json& res = r["resources"];
      int64_t mem = Int(res, "memory_bytes"), mem_max = Int(res, "memory_limit_bytes");
      fact("Memory", Meter(mem, mem_max, "memory used", Bytes(mem) + (mem_max > 0 ? " of " + Bytes(mem_max) : "")));
      int64_t pids = Int(res, "pids"), pids_max = Int(res, "pids_limit");
      fact("Processes", Meter(pids, pids_max, "processes",
                              std::to_string(pids) + (pids_max > 0 ? " of " + std::to_string(pids_max) : "")));
      fact("CPU weight", Field(res, "cpu_weight"));
    }
    if (r.contains("certificate")) {
      const Json& c = r["certificate"];
      fact("Certificate", Field(c, "issuer") + ", until " + Field(c, "not_after") +
                              (c.value("trusted", false) ? "" : " <span class=\"muted\">(local CA stand-in)</span>"));
    }
  }
  return out + "</dl></section>";
}

std::string Operations(const InstanceView& v) {
  std::string out = "<section id=\"operations\" data-refresh aria-labelledby=\"h-ops\"><h2 id=\"h-ops\">"
                    "Operations</h2>";
  if (!v.operations.is_array() || v.operations.empty()) return out + "<p>None yet.</p></section>";
  int shown = 0;
  for (const Json& op : v.operations) {
    if (++shown > 5) break;
    out += "<article class=\"op\"><h3><a href=\"/ui/operations/" + Field(op, "id") + "\">#" + Field(op, "id") + " " +
           Field(op, "kind") + "</a> <span class=\"badge badge-" + Field(op, "state") + "\">" + Field(op, "state") +
           "</span></h3>" + StepList(op) + ErrorBox(Raw(op, "error")) + "</article>";
  }
  return out + "</section>";
}

std::string Logs(const InstanceView& v) {
  return "<section aria-labelledby=\"h-logs\"><h2 id=\"h-logs\">Logs</h2>"
         "<p class=\"check\"><input type=\"checkbox\" id=\"follow\" checked> <label for=\"follow\">Follow (new lines appear as they "
         "are written)</label></p><pre id=\"log\" class=\"log\" role=\"log\" tabindex=\"0\" aria-label=\"Log lines\" data-src=\"" +
         InstanceHref(v.subdomain) + "/logs/stream\" data-cursor=\"" + Field(v.logs, "cursor", "") + "\">" +
         Field(v.logs, "text", "") + "</pre></section>";
}

std::string EnvSection(const Session& s, const InstanceView& v, bool secrets) {
  const char* noun = secrets ? "secrets" : "flags";
  std::string out = std::string("<section aria-labelledby=\"h-") + noun + "\"><h2 id=\"h-" + noun + "\">" +
                    (secrets ? "Secrets" : "Feature flags") + "</h2><ul class=\"env\">";
  auto unset = [&](const std::string& key) {
    return ActionForm(s, v.subdomain, noun,
                      "<input type=\"hidden\" name=\"unset\" value=\"" + Escape(key) + "\">",
                      secrets ? "Remove" : "Unset", "small");
  };
  bool any = false;
  if (!secrets && v.flags.is_object()) {
    for (const auto& [key, value] : v.flags.items()) {
      any = true;
      out += "<li><code>" + Escape(key) + "=" + Text(value) + "</code> " + unset(key) + "</li>";
    }
  }
  if (secrets && v.secrets.is_array()) {
    for (const Json& name : v.secrets) {
      any = true;
      out += "<li><code>" + Text(name) + "</code> " + unset(name.is_string() ? name.get<std::string>() : "") + "</li>";
    }
  }
  if (!any) out += std::string("<li class=\"muted\">No ") + noun + " set.</li>";
  out += "</ul>";
  std::string p = std::string(noun) + "-";
  out += ActionForm(s, v.subdomain, noun,
                    "<label for=\"" + p + "key\">Name</label><input id=\"" + p + "key\" name=\"key\" required>"
                    "<label for=\"" + p + "value\">Value</label><input id=\"" + p + "value\" name=\"value\"" +
                        (secrets ? " type=\"password\" autocomplete=\"off\"" : "") + ">",
                    secrets ? "Set secret" : "Set flag");
  return out + "</section>";
}

std::string Actions(const Session& s, const InstanceView& v) {
  const std::string& sub = v.subdomain;
  std::string out = "<section aria-labelledby=\"h-actions\"><h2 id=\"h-actions\">Actions</h2><div class=\"actions\">";
  out += ActionForm(s, sub, "upgrade",
                    "<label for=\"version\">Version</label><input id=\"version\" name=\"version\" required>",
                    "Upgrade");
  out += ActionForm(s, sub, "restart", "", "Restart");
  out += ActionForm(s, sub, "stop", "", "Stop");
  out += ActionForm(s, sub, "start", "", "Start");
  out += ActionForm(s, sub, "backup", "", "Back up now");
  std::string options = "<option value=\"\">the newest</option>";
  if (v.backups.is_array()) {
    for (const Json& b : v.backups) {
      options += "<option value=\"" + Field(b, "id", "") + "\">" + Field(b, "id") + " (" + Field(b, "reason") +
                 ")</option>";
    }
  }
  out += ActionForm(s, sub, "restore",
                    "<label for=\"from\">Backup</label><select id=\"from\" name=\"from\">" + options + "</select>",
                    "Restore");
  out += "</div><h3>Danger zone</h3><div class=\"actions danger\">";
  out += ActionForm(s, sub, "wipe-db",
                    "<label for=\"wipe-confirm\">Type <code>" + Escape(sub) +
                        "</code> to wipe its database (after a backup)</label><input id=\"wipe-confirm\" "
                        "name=\"confirm\" autocomplete=\"off\" required>",
                    "Wipe database");
  out += ActionForm(s, sub, "delete",
                    "<label for=\"delete-confirm\">Type <code>" + Escape(sub) +
                        "</code> to delete it</label><input id=\"delete-confirm\" name=\"confirm\" "
                        "autocomplete=\"off\" required><span class=\"check\"><input type=\"checkbox\" "
                        "id=\"delete-backup\" name=\"backup\" value=\"true\" checked> <label for=\"delete-backup\">"
                        "Take a checked backup first</label></span>",
                    "Delete instance");
  return out + "</div></section>";
}

}  // namespace

std::string InstancePage(const Session& s, const InstanceView& v, const std::string& error) {
  std::string body = ErrorBox(error) + Summary(v) + Operations(v) + Logs(v) + EnvSection(s, v, false) +
                     EnvSection(s, v, true) + Actions(s, v);
  return Page({v.subdomain, &s, "/ui/events?subdomain=" + v.subdomain, "instances"}, body);
}

}  // namespace md::dash
