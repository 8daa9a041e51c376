#pragma once
// The dashboard's one style sheet and one script, embedded in the binary
// (no build step): served at /ui/app.css and /ui/app.js.

namespace md::dash {

extern const char* const kAppCss;
// Live updates: on an event of the page's stream (body[data-live]) it
// re-reads the page and swaps in its [data-refresh] sections; follows
// #log's new lines while #follow is checked.
extern const char* const kAppJs;

}  // namespace md::dash
