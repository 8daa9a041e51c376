#pragma once
// Audit: where every operator, signup and credential action is recorded
// (who, what, when, from where, result). Callers pass no secret: an event
// holds names and outcomes, never a request body or a value. Recording must
// not fail the action it records, so Record returns nothing; implementations
// report their own failures. Thread-safe.

#include "core/types.h"

namespace md {

class Audit {
 public:
  virtual ~Audit() = default;
  // Fills in `at_ms` if it is 0.
  virtual void Record(AuditEvent event) = 0;
};

}  // namespace md
