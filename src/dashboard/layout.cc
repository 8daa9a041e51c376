#include "dashboard/layout.h"

#include "dashboard/html.h"

namespace md::dash {
namespace {

struct NavItem {
  const char* key;
  const char* href;
  const char* label;
};
constexpr NavItem kNav[] = {{"instances", "/ui/instances", "Instances"},
                            {"create", "/ui/instances/new", "Create"},
                            {"clusters", "/ui/clusters", "Clusters"},
                            {"operations", "/ui/operations", "Operations"},
                            {"certificates", "/ui/certificates", "Certificates"},
                            {"backups", "/ui/backups", "Backups"}};

std::string Nav(const Frame& f) {
  std::string out = "<header class=\"top\"><a class=\"brand\" href=\"/ui/instances\">MeltanoData</a>";
  if (f.session != nullptr) {
    out += "<nav aria-label=\"Main\"><ul>";
    for (const NavItem& item : kNav) {
      out += "<li><a href=\"";
      out += item.href;
      out += "\"";
      if (f.nav == item.key) out += " aria-current=\"page\"";
      out += ">";
      out += item.label;
      out += "</a></li>";
    }
    out += "</ul></nav><form class=\"signout\" method=\"post\" action=\"/ui/signout\">" + CsrfField(*f.session) +
           "<span class=\"actor\">" + Escape(f.session->actor) +
           "</span> <button type=\"submit\">Sign out</button></form>";
  }
  return out + "</header>";
}

}  // namespace

std::string Page(const Frame& f, const std::string& main_html) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" + Escape(f.title) + " · MeltanoData</title>"
      "<link rel=\"stylesheet\" href=\"/ui/app.css\"><script src=\"/ui/app.js\" defer></script></head>"
      "<body";
  if (!f.live.empty()) out += " data-live=\"" + Escape(f.live) + "\"";
  out += "><a class=\"skip\" href=\"#main\">Skip to content</a>" + Nav(f) + "<main id=\"main\"><h1>" +
         Escape(f.title) + "</h1>" + main_html + "</main></body></html>\n";
  return out;
}

std::string CsrfField(const Session& session) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(session.csrf) + "\">";
}

std::string ErrorBox(const std::string& message) {
  if (message.empty()) return "";
  return "<p class=\"error\" role=\"alert\">" + Escape(message) + "</p>";
}

std::string StepList(const Json& op) {
  std::string out = "<ol class=\"steps\">";
  if (op.is_object() && op.contains("steps") && op["steps"].is_array()) {
    for (const Json& step : op["steps"]) {
      std::string state = Raw(step, "state");
      out += "<li class=\"step step-" + Escape(state) + "\"><span class=\"state\">" + Escape(state) +
             "</span> <span class=\"name\">" + Field(step, "name") + "</span>";
      if (step.contains("duration_ms") && step["duration_ms"].is_number()) {
        out += " <span class=\"muted\">" + Text(step["duration_ms"]) + " ms</span>";
      }
      if (step.contains("attempts") && step["attempts"].is_number() && step["attempts"].get<int64_t>() > 1) {
        out += " <span class=\"muted\">(" + Text(step["attempts"]) + " attempts)</span>";
      }
      std::string error = Raw(step, "error");
      if (!error.empty()) out += "<pre class=\"step-error\">" + Escape(error) + "</pre>";
      out += "</li>";
    }
  }
  return out + "</ol>";
}

std::string InstanceHref(const std::string& subdomain) { return "/ui/instances/" + Escape(subdomain); }

}  // namespace md::dash
