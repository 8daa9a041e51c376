// Front-door verbs: certs list, ca, domains list|add|remove. The certificates
// and the local CA are the controller's; these only show them and route a
// customer's own host name to an instance.

#include <algorithm>
#include <string>
#include <vector>

#include "cli/output.h"
#include "cli/verbs.h"
#include "core/validate.h"

namespace md::cli {
namespace {

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

// The SUB and HOST positionals of `domains add|remove`, validated. Host names
// are case-insensitive: the one typed is lower-cased first.
bool SubdomainAndHost(Context& ctx, std::string* sub, std::string* host, int* code) {
  if (!ExpectPositionals(ctx, 2, "SUB HOST", code)) return false;
  *sub = ctx.args.positional[0];
  *host = ctx.args.positional[1];
  std::transform(host->begin(), host->end(), host->begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  if (Status s = ValidateSubdomain(*sub); !s.ok()) {
    *code = PrintError(ctx.err, s);
    return false;
  }
  if (Status s = ValidateHostName(*host); !s.ok()) {
    *code = PrintError(ctx.err, s.WithContext("'" + ForMessage(ctx.args.positional[1]) + "'"));
    return false;
  }
  return true;
}

}  // namespace

int CmdCertsList(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 0, "", &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/certificates"));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto certs, ApiClient::Decode<std::vector<CertificateInfo>>(answer));
  if (certs.empty()) {
    ctx.out << "no certificates yet: the front door orders its wildcard when `meltanodata serve` starts\n";
    return kExitOk;
  }
  Table table({"NAMES", "PURPOSE", "ISSUER", "TRUSTED", "EXPIRES", "NEXT ORDER", "ERROR"});
  for (const CertificateInfo& c : certs) {
    std::string purpose = c.purpose.empty() ? "-" : c.purpose;
    if (!c.subdomain.empty()) purpose += " (" + c.subdomain + ")";
    table.Add({Join(c.names, ", "), purpose, c.issuer.empty() ? "-" : c.issuer, c.trusted ? "yes" : "no (local CA)",
               FormatTime(c.not_after_ms), FormatTime(c.next_order_ms), c.last_error});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int CmdCa(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 0, "", &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/ca"));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  auto pem = answer.is_object() ? answer.find("root_pem") : answer.end();
  if (!answer.is_object() || pem == answer.end() || !pem->is_string()) {
    return PrintError(ctx.err, Internal("unexpected answer from the controller: no 'root_pem' in it"));
  }
  // Exactly as the controller has it, so that `meltanodata ca > root.pem` is the file.
  ctx.out << pem->get<std::string>();
  return kExitOk;
}

int CmdKnownHosts(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OptionalSubdomain(ctx, "known-hosts [SUB]", &sub, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  Query query;
  if (!sub.empty()) query.push_back({"subdomain", sub});
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/known-hosts", query));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto lines, ApiClient::Decode<std::vector<KnownHostLine>>(answer));
  // Exactly the file's format, so that `meltanodata known-hosts >> ~/.ssh/known_hosts` works.
  for (const KnownHostLine& line : lines) ctx.out << line.hosts << " " << line.type << " " << line.key << "\n";
  return kExitOk;
}

int CmdDomainsList(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OptionalSubdomain(ctx, "domains list [SUB]", &sub, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  Query query;
  if (!sub.empty()) query.push_back({"subdomain", sub});
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/domains", query));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto domains, ApiClient::Decode<std::vector<CustomDomain>>(answer));
  if (domains.empty()) {
    ctx.out << "no custom domains: add one with `meltanodata domains add SUB HOST`\n";
    return kExitOk;
  }
  Table table({"HOST", "SUBDOMAIN", "ADDED"});
  for (const CustomDomain& d : domains) table.Add({d.host, d.subdomain, FormatTime(d.created_ms)});
  table.Print(ctx.out);
  return kExitOk;
}

int CmdDomainsAdd(Context& ctx) {
  int code = 0;
  std::string sub, host;
  if (!SubdomainAndHost(ctx, &sub, &host, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post(InstancePath(sub) + "/domains", ToJson(DomainRequest{host})));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, CustomDomain d, ApiClient::Decode<CustomDomain>(answer));
  ctx.out << "✓ " << d.host << " now serves " << d.subdomain
          << " (certificate: local CA stand-in until the trusted one is issued; see `meltanodata certs list`)\n";
  return kExitOk;
}

int CmdDomainsRemove(Context& ctx) {
  int code = 0;
  std::string sub, host;
  if (!SubdomainAndHost(ctx, &sub, &host, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Delete(InstancePath(sub) + "/domains/" + host));
  (void)answer;
  if (ctx.json) {
    PrintJson(ctx.out, Json{{"removed", host}, {"subdomain", sub}});
    return kExitOk;
  }
  ctx.out << "✓ " << host << " no longer serves " << sub << "\n";
  return kExitOk;
}

}  // namespace md::cli
