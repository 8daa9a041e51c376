#include "service/customer_mail.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/digest.h"
#include "core/random.h"
#include "core/strings.h"
#include "service/admin_credentials.h"

namespace md {
namespace {

using nlohmann::json;

std::string HtmlPage(const std::string& body) {
  return "<!doctype html>\n<html><head><meta charset=\"utf-8\"></head><body style=\"font-family:sans-serif\">\n" +
         body + "</body></html>\n";
}

std::string Param(const std::string& params, const char* key) {
  json j = json::parse(params, nullptr, false);
  if (!j.is_object() || !j.contains(key)) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

}  // namespace

const char* SignupRejectionName(SignupRejection r) {
  switch (r) {
    case SignupRejection::kInvalidSubdomain: return "invalid";
    case SignupRejection::kSubdomainTaken: return "taken";
    case SignupRejection::kNoCapacity: return "full";
  }
  return "full";
}

std::string SignupRejectionAdvice(const std::string& reason) {
  if (reason == SignupRejectionName(SignupRejection::kSubdomainTaken)) {
    return "That subdomain is already in use. Please sign up again and choose another one.";
  }
  if (reason == SignupRejectionName(SignupRejection::kInvalidSubdomain)) {
    return "A subdomain is 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, "
           "and some names (www, admin, mail, ...) are reserved. Please sign up again with another one.";
  }
  if (reason == SignupRejectionName(SignupRejection::kNoCapacity)) {
    return "We have no room for new instances at the moment. Our team has been told; please sign up again later, "
           "or reply to this email and we will get back to you.";
  }
  return "Please sign up again later, or reply to this email and we will get back to you.";
}

CustomerMail::CustomerMail(Store& store, Secrets secrets, Mailer& mailer, FrontDoor& door,
                           CustomerMailSettings settings)
    : store_(store), secrets_(secrets), mailer_(mailer), door_(door), settings_(std::move(settings)) {}

std::string CustomerMail::PublicBase() const {
  const FrontDoorSettings& s = door_.settings();
  return "https://" + s.domain + (s.https_port == 443 ? "" : ":" + std::to_string(s.https_port));
}

void CustomerMail::QueueWelcome(const std::string& sub, int64_t after_op) {
  auto queue = [&]() -> Status {
    if (runner_ == nullptr) return Internal("customer mail: no runner attached");
    std::string after = std::to_string(after_op);
    MD_ASSIGN_OR_RETURN(std::vector<Operation> ops, store_.ListOperations(sub, 50));
    for (const Operation& op : ops) {
      if (op.kind == op_kind::kWelcome && Param(op.params, "after") == after) return Status::Ok();  // before a crash
    }
    MD_RETURN_IF_ERROR(store_.PutWelcomeMail({.subdomain = sub, .state = "pending", .updated_ms = NowMs()}));
    return runner_->Submit(op_kind::kWelcome, sub, json{{"after", after}}.dump()).status();
  };
  Status queued = queue();
  if (queued.ok()) return;
  std::fprintf(stderr, "meltanodata: welcome email of %s not queued: %s\n", sub.c_str(), queued.message().c_str());
  (void)store_.PutWelcomeMail(
      {.subdomain = sub, .state = "failed", .error = "not queued: " + queued.message(), .updated_ms = NowMs()});
}

Result<Operation> CustomerMail::ResendWelcome(const std::string& sub) {
  if (runner_ == nullptr) return Internal("customer mail: no runner attached");
  MD_RETURN_IF_ERROR(store_.PutWelcomeMail({.subdomain = sub, .state = "pending", .updated_ms = NowMs()}));
  return runner_->Submit(op_kind::kWelcome, sub, "{}");
}

Status CustomerMail::Deliver(const MailMessage& message) {
  MD_ASSIGN_OR_RETURN(std::string bytes, BuildMessage(message, NowMs()));
  return mailer_.Send(message.from.address, message.to.address, bytes);
}

Status CustomerMail::SendWelcome(const std::string& sub) {
  auto inst = store_.GetInstance(sub);
  // Deleted before its welcome went out: there is nobody to welcome.
  if (!inst.ok() && inst.status().code() == Code::kNotFound) return Status::Ok();
  MD_RETURN_IF_ERROR(inst.status());
  // The mail carries a link to the password, never the password itself; a
  // link to nothing is not sent.
  MD_RETURN_IF_ERROR(InitialAdminPassword(secrets_, sub).status());
  auto previous = store_.GetWelcomeMail(sub);
  WelcomeMail state = previous.ok() ? *previous : WelcomeMail{.subdomain = sub};

  const int64_t now = NowMs();
  const std::string token = RandomHex(32);
  MD_RETURN_IF_ERROR(store_.ReplaceCredentialLink({.token_hash = Sha256Hex(token),
                                                   .subdomain = sub,
                                                   .expires_ms = now + settings_.link_validity_ms,
                                                   .created_ms = now}));
  const std::string url = door_.UrlOf(sub);
  const std::string link = PublicBase() + "/v1/credentials/" + token;
  const int64_t hours = settings_.link_validity_ms / (3600 * 1000);
  const std::string valid = std::to_string(hours) + (hours == 1 ? " hour" : " hours");
  MailMessage m{.from = settings_.from,
                .to = {.name = inst->name, .address = inst->email},
                .subject = "Your MeltanoData instance " + sub + " is ready"};
  m.text = "Hello " + inst->name + ",\n\nyour instance is ready at " + url + "\n\nUsername: " + kAdminUsername +
           "\n\nYour initial password is shown once at this link, valid for " + valid + ":\n" + link +
           "\n\nIf the link has expired or was used by someone else, ask us for a new one.\n";
  m.html = HtmlPage("<p>Hello " + HtmlEscape(inst->name) + ",</p>\n<p>your instance is ready at <a href=\"" +
                    HtmlEscape(url) + "\">" + HtmlEscape(url) + "</a></p>\n<p>Username: <b>" + kAdminUsername +
                    "</b></p>\n<p>Your initial password is shown once at <a href=\"" + HtmlEscape(link) +
                    "\">this link</a>, valid for " + valid + ".</p>\n");

  Status sent = Deliver(m);
  state.attempts += 1;
  state.updated_ms = NowMs();
  state.state = sent.ok() ? "sent" : "pending";
  state.error = sent.ok() ? "" : sent.message();
  if (sent.ok()) state.sent_ms = state.updated_ms;
  MD_RETURN_IF_ERROR(store_.PutWelcomeMail(state));
  return sent;
}

void CustomerMail::MarkWelcomeFailed(const std::string& sub, const Status& why) {
  auto state = store_.GetWelcomeMail(sub);
  if (!state.ok()) return;  // the instance is gone
  state->state = "failed";
  state->error = why.message();
  state->updated_ms = NowMs();
  (void)store_.PutWelcomeMail(*state);
}

Result<Operation> CustomerMail::QueueRejection(const std::string& event_id, SignupRejection reason) {
  if (runner_ == nullptr) return Internal("customer mail: no runner attached");
  return runner_->Submit(op_kind::kSignupMail, "",
                         json{{"event", event_id}, {"reason", SignupRejectionName(reason)}}.dump());
}

Status CustomerMail::SendRejection(const std::string& event_id, const std::string& reason) {
  MD_ASSIGN_OR_RETURN(Signup signup, store_.GetSignupByEvent(event_id));
  MailMessage m{.from = settings_.from,
                .to = {.name = signup.name, .address = signup.email},
                .subject = "Your MeltanoData signup could not be completed"};
  // The advice only: signup.error is the operator's (it may name clusters or commands).
  const std::string advice = SignupRejectionAdvice(reason);
  m.text = "Hello " + signup.name + ",\n\nwe could not set up your instance.\n\n" + advice + "\n";
  m.html = HtmlPage("<p>Hello " + HtmlEscape(signup.name) + ",</p>\n<p>we could not set up your instance.</p>\n<p>" +
                    HtmlEscape(advice) + "</p>\n");
  return Deliver(m);
}

}  // namespace md
