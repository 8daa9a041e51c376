// The sign-in page and the one-message page.

#include "dashboard/html.h"
#include "dashboard/layout.h"
#include "dashboard/pages.h"

namespace md::dash {

std::string SignInPage(const std::string& error) {
  std::string body = ErrorBox(error);
  body +=
      "<div class=\"cards\"><form class=\"card\" method=\"post\" action=\"/ui/signin\">"
      "<h2>Operator account</h2>"
      "<label for=\"name\">Name</label><input id=\"name\" name=\"name\" autocomplete=\"username\" required>"
      "<label for=\"password\">Password</label>"
      "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
      "<button type=\"submit\">Sign in</button></form>"
      "<form class=\"card\" method=\"post\" action=\"/ui/signin\"><h2>Admin token</h2>"
      "<label for=\"token\">Admin token <span class=\"muted\">(admin.token in the data dir)</span></label>"
      "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required>"
      "<button type=\"submit\">Sign in with the token</button></form></div>";
  return Page({"Sign in", nullptr, "", ""}, body);
}

std::string MessagePage(const Session* session, const std::string& title, const std::string& message) {
  std::string body = "<p>" + Escape(message) + "</p>";
  body += session != nullptr ? "<p><a href=\"/ui/instances\">Back to the instances</a></p>"
                             : "<p><a href=\"/ui/signin\">Sign in</a></p>";
  return Page({title, session, "", ""}, body);
}

}  // namespace md::dash
