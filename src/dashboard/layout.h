#pragma once
// The frame of every dashboard page: document head (viewport, the one CSS
// and JS file), a skip link, the navigation with the signed-in actor and the
// sign-out form, and the page's main content; plus the pieces every page
// uses (the CSRF field, an error box, a step list). Pure functions.

#include <string>

#include "api/json_codec.h"
#include "dashboard/session_store.h"

namespace md::dash {

struct Frame {
  std::string title;              // plain text; escaped here
  const Session* session = nullptr;  // null: signed out (no navigation)
  std::string live;               // the event stream this page follows ("": none)
  std::string nav;                // which navigation link is current
};

// The whole document around `main_html`.
std::string Page(const Frame& frame, const std::string& main_html);

// The hidden CSRF field of a form.
std::string CsrfField(const Session& session);

// An alert box with an (escaped) message; "" when the message is empty.
std::string ErrorBox(const std::string& message);

// An operation's steps as an ordered list with each one's state and time.
std::string StepList(const Json& op);

// "/ui/instances/acme" from a subdomain (escaped for an attribute).
std::string InstanceHref(const std::string& subdomain);

}  // namespace md::dash
