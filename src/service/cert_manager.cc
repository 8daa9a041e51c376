#include "service/cert_manager.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/clock.h"
#include "service/challenge_solvers.h"

namespace md {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;
// How far back the budget looks: a certificate's life, so renewals are known.
constexpr int64_t kHistoryMs = 100 * kDayMs;

// Renew (or replace a stand-in) when a third of the lifetime is left.
int64_t RenewAt(const CertRecord& rec) { return rec.not_before_ms + (rec.not_after_ms - rec.not_before_ms) * 2 / 3; }

std::string HostOf(const std::string& name) { return name.rfind("*.", 0) == 0 ? name.substr(2) : name; }

}  // namespace

CertManager::CertManager(Store& store, LocalCa& local_ca, AcmeIssuer* acme, DnsUpdater* dns, FrontDoor& door,
                         CertFiles& files, const CertBudget& budget, CertManagerSettings settings)
    : store_(store),
      local_ca_(local_ca),
      acme_(acme),
      dns_(dns),
      door_(door),
      files_(files),
      budget_(budget),
      settings_(std::move(settings)) {}

CertManager::~CertManager() { Stop(); }

std::string CertManager::FolderFor(const std::string& names) {
  std::string folder = names;
  std::replace(folder.begin(), folder.end(), '*', '_');
  std::replace(folder.begin(), folder.end(), ',', '+');
  return folder;
}

std::vector<std::string> CertManager::NamesFor(const std::string& domain, const std::string& sub) {
  // A wildcard needs two labels under it (TLS clients refuse *.localhost).
  if (domain.find('.') == std::string::npos) return {sub + "." + domain};
  return {"*." + domain, domain};
}

Result<std::vector<CertManager::Wanted>> CertManager::WantedSets() {
  std::vector<Wanted> wanted;
  if (settings_.domain.find('.') != std::string::npos) {
    wanted.push_back({NamesFor(settings_.domain, ""), "wildcard", ""});
  } else {
    // DOMAIN itself (the controller's public endpoints) has its own.
    wanted.push_back({{settings_.domain}, "controller", ""});
    MD_ASSIGN_OR_RETURN(std::vector<Instance> instances, store_.ListInstances());
    for (const Instance& inst : instances) {
      if (inst.status == InstanceStatus::kDeleting) continue;
      wanted.push_back({NamesFor(settings_.domain, inst.subdomain), "instance", inst.subdomain});
    }
  }
  MD_ASSIGN_OR_RETURN(std::vector<CustomDomain> domains, store_.ListCustomDomains(""));
  for (const CustomDomain& d : domains) wanted.push_back({{d.host}, "custom", d.subdomain});
  return wanted;
}

Status CertManager::Install(const CertificateBundle& bundle, const std::string& source, CertRecord& rec) {
  // Each certificate gets a new folder, recorded only once complete, so a
  // crash never leaves a record pointing at a half-written pair.
  std::string folder = FolderFor(rec.names);
  MD_ASSIGN_OR_RETURN(CertPaths saved,
                      files_.Save(folder, {.cert_pem = bundle.cert_pem, .key_pem = bundle.key_pem}));
  CertPaths old{.cert_path = rec.cert_path, .key_path = rec.key_path};
  rec.cert_path = saved.cert_path;
  rec.key_path = saved.key_path;
  rec.source = source;
  rec.issuer = bundle.issuer;
  rec.not_before_ms = bundle.not_before_ms;
  rec.not_after_ms = bundle.not_after_ms;
  rec.updated_ms = NowMs();
  MD_RETURN_IF_ERROR(store_.UpsertCertificate(rec));
  if (!old.cert_path.empty() && old.cert_path != saved.cert_path) MD_RETURN_IF_ERROR(files_.RemoveVersion(folder, old));
  return Status::Ok();
}

Status CertManager::Order(const Wanted& wanted, CertRecord& rec, int64_t now_ms) {
  MD_ASSIGN_OR_RETURN(std::vector<AcmeEvent> history, store_.ListAcmeEvents(now_ms - kHistoryMs));
  CertBudget::Decision decision = budget_.Check(wanted.names, now_ms, history);
  if (!decision.allowed) {
    rec.next_order_ms = decision.not_before_ms;
    rec.last_error = "waiting for the rate-limit budget: " + decision.reason;
    return Status::Ok();
  }
  MD_RETURN_IF_ERROR(store_.AddAcmeEvent({.kind = "order", .names = rec.names, .at_ms = now_ms}));
  Dns01Solver dns01(*dns_);
  Http01Solver http01(door_);
  ChallengeSolver& solver = wanted.purpose == "wildcard" ? static_cast<ChallengeSolver&>(dns01) : http01;
  OrderOutcome outcome = acme_->Order(wanted.names, solver);
  if (outcome.status.ok() && outcome.bundle) {
    MD_RETURN_IF_ERROR(store_.AddAcmeEvent(
        {.kind = "issued", .names = rec.names, .renewal = decision.renewal, .at_ms = now_ms}));
    rec.last_error.clear();
    MD_RETURN_IF_ERROR(Install(*outcome.bundle, "acme", rec));
    rec.next_order_ms = RenewAt(rec);
    auto suggested = acme_->SuggestedRenewalMs(*outcome.bundle);
    if (suggested.ok() && *suggested) rec.next_order_ms = **suggested;
    return Status::Ok();
  }
  rec.last_error = outcome.status.message();
  if (outcome.rate_limited) {
    // The CA's Retry-After is the rule; with none, wait as after any failure.
    int64_t wait_ms = outcome.retry_after_ms > 0 ? outcome.retry_after_ms : settings_.retry_after_failure_ms;
    int64_t retry_at = now_ms + std::max<int64_t>(wait_ms, 1000);
    MD_RETURN_IF_ERROR(store_.AddAcmeEvent({.kind = "rate_limited", .names = rec.names, .at_ms = retry_at}));
    rec.next_order_ms = retry_at;
    rec.last_error = "the CA's rate limit: " + rec.last_error;
    return Status::Ok();
  }
  if (outcome.status.code() == Code::kFailedPrecondition) {
    for (const std::string& name : wanted.names) {
      MD_RETURN_IF_ERROR(store_.AddAcmeEvent(
          {.kind = "failed_validation", .names = rec.names, .host = HostOf(name), .at_ms = now_ms}));
    }
  }
  rec.next_order_ms = now_ms + settings_.retry_after_failure_ms;
  return outcome.status;
}

Result<CertRecord> CertManager::RecordFor(const Wanted& wanted) {
  auto got = store_.GetCertificate(JoinCertNames(wanted.names));
  if (got.ok() || got.status().code() != Code::kNotFound) return got;
  CertRecord rec;
  rec.names = JoinCertNames(wanted.names);
  rec.purpose = wanted.purpose;
  rec.subdomain = wanted.subdomain;
  return rec;
}

Result<bool> CertManager::EnsureServable(const Wanted& wanted, int64_t now_ms) {
  MD_ASSIGN_OR_RETURN(CertRecord rec, RecordFor(wanted));
  bool usable = !rec.cert_path.empty() && files_.Exists({.cert_path = rec.cert_path, .key_path = rec.key_path}) &&
                rec.not_after_ms > now_ms;
  bool stand_in_due = rec.source == "local" && now_ms >= RenewAt(rec);
  if (usable && !stand_in_due) return false;
  MD_ASSIGN_OR_RETURN(CertificateBundle bundle, local_ca_.Issue(wanted.names, settings_.local_validity_days));
  MD_RETURN_IF_ERROR(Install(bundle, "local", rec));
  return true;
}

Result<bool> CertManager::OrderIfDue(const Wanted& wanted, int64_t now_ms) {
  // Per-instance certificates exist only for a one-label domain such as
  // localhost, which no public CA certifies: the local CA's are the ones.
  if (!acme_ || wanted.purpose == "instance" || wanted.purpose == "controller") return false;
  MD_ASSIGN_OR_RETURN(CertRecord rec, RecordFor(wanted));
  std::string before = rec.cert_path;
  Status ordered;
  if (wanted.purpose == "wildcard" && !dns_) {
    rec.last_error = "a trusted wildcard needs DNS-01: configure [dns] mode = \"rfc2136\"";
    rec.next_order_ms = 0;
  } else if ((rec.source != "acme" || now_ms >= RenewAt(rec)) && now_ms >= rec.next_order_ms) {
    ordered = Order(wanted, rec, now_ms);
  } else {
    return false;
  }
  rec.updated_ms = NowMs();
  MD_RETURN_IF_ERROR(store_.UpsertCertificate(rec));
  MD_RETURN_IF_ERROR(ordered);
  return rec.cert_path != before;
}

Status CertManager::Serve(int64_t now_ms) {
  std::lock_guard serve(serve_mu_);
  MD_ASSIGN_OR_RETURN(std::vector<Wanted> wanted, WantedSets());
  Status first;
  bool changed = false;
  for (const Wanted& w : wanted) {
    auto made = EnsureServable(w, now_ms);
    if (!made.ok() && first.ok()) first = made.status().WithContext("certificate for " + w.names.front());
    changed |= made.ok() && *made;
  }
  MD_ASSIGN_OR_RETURN(std::vector<CertRecord> records, store_.ListCertificates());
  for (const CertRecord& rec : records) {
    bool still_wanted = std::any_of(wanted.begin(), wanted.end(),
                                    [&](const Wanted& w) { return JoinCertNames(w.names) == rec.names; });
    if (still_wanted) continue;
    MD_RETURN_IF_ERROR(files_.RemoveFolder(FolderFor(rec.names)));
    MD_RETURN_IF_ERROR(store_.DeleteCertificate(rec.names));
    changed = true;
  }
  if (changed) {
    Status synced = door_.Sync();
    if (first.ok()) first = synced;
  }
  return first;
}

Status CertManager::Reconcile(int64_t now_ms) {
  std::lock_guard pass(pass_mu_);
  // First every name set gets something to serve (a stand-in if need be),
  // and the proxy serves it; then the trusted orders, which take a while.
  Status first = Serve(now_ms);
  MD_ASSIGN_OR_RETURN(std::vector<Wanted> wanted, WantedSets());
  bool changed = false;
  for (const Wanted& w : wanted) {
    auto ordered = OrderIfDue(w, now_ms);
    if (!ordered.ok() && first.ok()) first = ordered.status().WithContext("certificate for " + w.names.front());
    changed |= ordered.ok() && *ordered;
  }
  if (changed) {
    Status synced = door_.Sync();
    if (first.ok()) first = synced;
  }
  MD_ASSIGN_OR_RETURN(std::vector<CertRecord> records, store_.ListCertificates());
  int64_t next_due = 0;
  for (const CertRecord& rec : records) {
    if (rec.next_order_ms > 0 && (next_due == 0 || rec.next_order_ms < next_due)) next_due = rec.next_order_ms;
  }
  std::lock_guard lock(mu_);
  next_due_ms_ = next_due;
  return first;
}

void CertManager::Start(int64_t interval_ms) {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, interval_ms] { Loop(interval_ms); });
}

void CertManager::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

void CertManager::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CertManager::Loop(int64_t interval_ms) {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    Status s = Reconcile(NowMs());
    if (!s.ok()) std::fprintf(stderr, "meltanodata: certificates: %s\n", s.message().c_str());
    lock.lock();
    int64_t wait_ms = interval_ms;
    if (next_due_ms_ > 0) wait_ms = std::clamp<int64_t>(next_due_ms_ - NowMs() + 10, 10, interval_ms);
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_ || woken_; });
  }
}

}  // namespace md
