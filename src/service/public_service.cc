#include "service/public_service.h"

#include "core/clock.h"
#include "core/digest.h"
#include "core/validate.h"
#include "service/admin_credentials.h"
#include "service/deps.h"

namespace md {
namespace {

// The customer's view: for a rejection, the advice for its reason, never the
// operator's error (which stays in the store).
SignupReceipt ReceiptOf(const Signup& s, bool duplicate) {
  return {.signup_id = s.id, .state = s.state, .operation_id = s.operation_id,
          .error = s.state == "rejected" ? SignupRejectionAdvice(s.reason) : "", .duplicate = duplicate};
}

}  // namespace

PublicService::PublicService(Store& store, Secrets secrets, Audit& audit, Controller& controller, CustomerMail& mail,
                             FrontDoor& door, SignupLimiter& limiter, PublicServiceSettings settings)
    : store_(store),
      secrets_(secrets),
      audit_(audit),
      controller_(controller),
      mail_(mail),
      door_(door),
      limiter_(limiter),
      settings_(settings) {}

void PublicService::Record(const std::string& action, const std::string& subdomain, const std::string& client,
                           int status, const std::string& outcome) {
  // A signup's subdomain is as the customer typed it: only a valid one is kept.
  audit_.Record({.actor = "signup",
                 .action = action,
                 .subdomain = ValidateSubdomain(subdomain).ok() ? subdomain : "",
                 .client = client,
                 .status = status,
                 .outcome = outcome});
}

Status PublicService::Admit(md::Signup& signup) {
  auto op = controller_.CreateInstance(
      {.subdomain = signup.subdomain, .email = signup.email, .name = signup.name, .app = settings_.app});
  signup.updated_ms = NowMs();
  if (op.ok()) {
    signup.state = "provisioning";
    signup.instance = signup.subdomain;
    signup.operation_id = op->id;
    MD_RETURN_IF_ERROR(store_.UpdateSignup(signup));
    Record("signup admitted", signup.subdomain, signup.client_address, 202, "ok");
    return Status::Ok();
  }
  SignupRejection reason;
  switch (op.status().code()) {
    case Code::kInvalidArgument: reason = SignupRejection::kInvalidSubdomain; break;
    case Code::kAlreadyExists: reason = SignupRejection::kSubdomainTaken; break;
    case Code::kFailedPrecondition: reason = SignupRejection::kNoCapacity; break;
    default: return op.status();  // stays "received": the form tool's retry admits it
  }
  signup.state = "rejected";
  signup.error = op.status().message();
  signup.reason = SignupRejectionName(reason);
  MD_RETURN_IF_ERROR(store_.UpdateSignup(signup));
  Record("signup rejected", signup.subdomain, signup.client_address, 202, CodeName(op.status().code()));
  return mail_.QueueRejection(signup.event_id, reason).status();
}

Result<SignupReceipt> PublicService::Signup(const SignupRequest& r) {
  std::lock_guard lock(signup_mu_);
  auto existing = store_.GetSignupByEvent(r.event_id);
  if (existing.ok()) {
    if (existing->state != "received") return ReceiptOf(*existing, true);
    MD_RETURN_IF_ERROR(Admit(*existing));  // stored, but admission failed earlier
    return ReceiptOf(*existing, true);
  }
  if (existing.status().code() != Code::kNotFound) return existing.status();
  const int64_t now = NowMs();
  if (int64_t wait_ms = limiter_.Admit(r.email, now); wait_ms > 0) {
    Record("signup rate-limited", r.subdomain, r.client_address, 429, CodeName(Code::kUnavailable));
    return SignupReceipt{.state = "rate_limited", .retry_after_s = (wait_ms + 999) / 1000};
  }
  md::Signup signup{.event_id = r.event_id,
                    .name = r.name,
                    .email = r.email,
                    .subdomain = r.subdomain,
                    .state = "received",
                    .client_address = r.client_address,
                    .created_ms = now,
                    .updated_ms = now};
  MD_ASSIGN_OR_RETURN(signup.id, store_.InsertSignup(signup));
  Record("signup received", signup.subdomain, signup.client_address, 202, "ok");
  MD_RETURN_IF_ERROR(Admit(signup));
  return ReceiptOf(signup, false);
}

Result<CredentialView> PublicService::Credentials(const std::string& token, bool reveal,
                                                  const std::string& client_address) {
  const std::string hash = Sha256Hex(token);
  auto link = store_.GetCredentialLink(hash);
  if (!link.ok() && link.status().code() == Code::kNotFound) return CredentialView{.state = "unknown"};
  MD_RETURN_IF_ERROR(link.status());
  CredentialView view{.url = door_.UrlOf(link->subdomain), .username = kAdminUsername};
  if (auto inst = controller_.GetInstance(link->subdomain); inst.ok()) view.files = inst->file_access;
  const int64_t now = NowMs();
  if (link->shown_ms != 0) {
    view.state = "already_shown";
  } else if (link->expires_ms <= now) {
    view.state = "expired";
  } else if (!reveal) {
    view.state = "ready";
  } else {
    // Opened before the link is used up, so a failure here leaves it valid.
    MD_ASSIGN_OR_RETURN(std::string password, InitialAdminPassword(secrets_, link->subdomain));
    std::string files_password;
    if (view.files.sftp_port != 0) {
      MD_ASSIGN_OR_RETURN(files_password, secrets_.Get(link->subdomain, kFilesPasswordKey));
    }
    MD_ASSIGN_OR_RETURN(bool mine, store_.MarkCredentialLinkShown(hash, now));
    if (!mine) {
      view.state = "already_shown";  // another request took it a moment ago
    } else {
      view.password = std::move(password);
      view.files_password = std::move(files_password);
      view.state = "shown";
      Record("credential link shown", link->subdomain, client_address, 200, "ok");
    }
  }
  return view;
}

}  // namespace md
