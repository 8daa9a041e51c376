#pragma once
// CertManager: keeps a certificate for every name set the front door serves —
// one wildcard *.DOMAIN + DOMAIN for every instance (one per instance from the
// local CA when DOMAIN is a single label, e.g. localhost), one per custom domain.
// A name set without a usable certificate gets a local-CA stand-in at once;
// the trusted one is ordered from the ACME CA (when configured) only when the
// rate-limit budget allows, and renewed when a third of its life is left.
// A CA's rateLimited answer is honoured like the budget. Reconcile is one
// pass; Run drives passes on a thread until Stop. Thread-safe.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drivers/certs/acme_issuer.h"
#include "drivers/certs/cert_files.h"
#include "drivers/certs/local_ca.h"
#include "drivers/dns/dns_updater.h"
#include "service/cert_budget.h"
#include "service/front_door.h"
#include "store/store.h"

namespace md {

struct CertManagerSettings {
  std::string domain;  // the wildcard's zone
  int local_validity_days = 30;
  int64_t retry_after_failure_ms = 15 * 60 * 1000;  // an order that failed for another reason
};

class CertManager {
 public:
  // `acme` null: no trusted CA configured (local CA only). `dns` null: no
  // DNS-01, so no trusted wildcard. `files` keeps the certificates' files.
  CertManager(Store& store, LocalCa& local_ca, AcmeIssuer* acme, DnsUpdater* dns, FrontDoor& door, CertFiles& files,
              const CertBudget& budget, CertManagerSettings settings);
  ~CertManager();  // Stop()s

  // One pass at `now_ms`: stand-ins where needed, due orders sent, records
  // of removed custom domains dropped; the front door is synced if anything
  // changed. The first error is returned; the other name sets still run.
  Status Reconcile(int64_t now_ms);
  // The first half of a pass: every name set served (stand-ins where
  // needed), unwanted ones dropped, the proxy synced; no order is sent.
  Status Serve(int64_t now_ms);

  // The names of the certificate that serves instance `sub` under `domain`:
  // the wildcard *.DOMAIN + DOMAIN, or SUB.DOMAIN when DOMAIN has one label.
  static std::vector<std::string> NamesFor(const std::string& domain, const std::string& sub);

  // Starts the background passes: now, whenever Wake() is called, when an
  // order falls due, and at least every `interval_ms`.
  void Start(int64_t interval_ms);
  void Wake();
  void Stop();

 private:
  struct Wanted {
    std::vector<std::string> names;
    std::string purpose;
    std::string subdomain;
  };
  Result<std::vector<Wanted>> WantedSets();
  // The stored record of `wanted`, or a new one.
  Result<CertRecord> RecordFor(const Wanted& wanted);
  // Each returns whether the certificate served changed.
  Result<bool> EnsureServable(const Wanted& wanted, int64_t now_ms);
  Result<bool> OrderIfDue(const Wanted& wanted, int64_t now_ms);
  Status Order(const Wanted& wanted, CertRecord& rec, int64_t now_ms);
  Status Install(const CertificateBundle& bundle, const std::string& source, CertRecord& rec);
  // The folder of name set `names` among the CertFiles.
  static std::string FolderFor(const std::string& names);
  void Loop(int64_t interval_ms);

  Store& store_;
  LocalCa& local_ca_;
  AcmeIssuer* acme_;
  DnsUpdater* dns_;
  FrontDoor& door_;
  CertFiles& files_;
  const CertBudget& budget_;
  const CertManagerSettings settings_;

  std::mutex pass_mu_;   // one pass at a time
  std::mutex serve_mu_;  // one Serve at a time (a pass, or a custom domain added)
  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;     // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  int64_t next_due_ms_ = 0;  // guarded by mu_: the earliest planned order
  std::thread thread_;
};

}  // namespace md
