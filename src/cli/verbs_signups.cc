// Signup verbs: signups list, resend-welcome. Signups arrive through the
// webhook on the front door; these only show them and send a welcome again.

#include <string>

#include "cli/output.h"
#include "cli/verbs.h"
#include "cli/wait.h"

namespace md::cli {

int CmdSignupsList(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 0, "", &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/signups"));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto signups, ApiClient::Decode<std::vector<SignupInfo>>(answer));
  if (signups.empty()) {
    ctx.out << "no signups yet\n";
    return kExitOk;
  }
  Table table({"ID", "RECEIVED", "SUBDOMAIN", "EMAIL", "STATE", "INSTANCE", "OP", "FROM", "ERROR"});
  for (const SignupInfo& info : signups) {
    const Signup& s = info.signup;
    std::string instance = s.instance.empty() ? "-" : s.instance;
    if (!info.instance_status.empty()) instance += " (" + info.instance_status + ")";
    table.Add({std::to_string(s.id), FormatTime(s.created_ms), s.subdomain, s.email, s.state, instance,
               s.operation_id ? std::to_string(s.operation_id) : "-", s.client_address.empty() ? "-" : s.client_address,
               s.error});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int CmdResendWelcome(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OneSubdomain(ctx, &sub, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post(InstancePath(sub) + "/welcome"));
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  return WaitAndReport(ctx, {op}, false,
                       [](const Operation& o) { return "welcome email sent to the owner of " + o.subdomain; });
}

}  // namespace md::cli
