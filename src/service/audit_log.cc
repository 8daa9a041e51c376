#include "service/audit_log.h"

#include <cstdio>

#include "core/clock.h"

namespace md {

void StoreAudit::Record(AuditEvent event) {
  if (event.at_ms == 0) event.at_ms = NowMs();
  Status s = store_.AddAuditEvent(event);
  if (!s.ok()) {
    std::fprintf(stderr, "meltanodata: audit: cannot record \"%s\" by %s: %s\n", event.action.c_str(),
                 event.actor.empty() ? "?" : event.actor.c_str(), s.message().c_str());
  }
}

}  // namespace md
