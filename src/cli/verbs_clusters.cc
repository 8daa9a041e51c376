// Cluster verbs: clusters list|add|drain|remove. A cluster's URL holds a
// password: it is sent once, on add, and never printed.

#include "cli/output.h"
#include "cli/verbs.h"
#include "core/validate.h"

namespace md::cli {
namespace {

std::string YesNo(bool b) { return b ? "yes" : "no"; }

// The NAME positional, validated.
bool ClusterName(Context& ctx, std::string* name, int* code) {
  if (!ExpectPositionals(ctx, 1, "NAME", code)) return false;
  *name = ctx.args.positional[0];
  if (Status s = ValidateClusterName(*name); !s.ok()) {
    *code = PrintError(ctx.err, s);
    return false;
  }
  return true;
}

std::string Describe(const Cluster& c, const Json& raw) {
  std::string address = raw.is_object() && raw.contains("address") && raw["address"].is_string()
                            ? raw["address"].get<std::string>()
                            : "";
  return c.name + (address.empty() ? "" : " at " + address) + " (" + std::to_string(c.used) + "/" +
         std::to_string(c.capacity) + " used)";
}

}  // namespace

int CmdClustersList(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 0, "", &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/clusters"));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto clusters, ApiClient::Decode<std::vector<Cluster>>(answer));
  if (clusters.empty()) {
    ctx.out << "no clusters: add one with `meltanodata clusters add NAME --url URL --capacity N`\n";
    return kExitOk;
  }
  Table table({"NAME", "USED", "CAPACITY", "FULL", "DRAINING", "EMBEDDED", "ADDRESS"});
  for (size_t i = 0; i < clusters.size(); ++i) {
    const Cluster& c = clusters[i];
    const Json& raw = answer[i];
    std::string address = raw.contains("address") && raw["address"].is_string() ? raw["address"].get<std::string>() : "";
    table.Add({c.name, std::to_string(c.used), std::to_string(c.capacity), YesNo(c.used >= c.capacity),
               YesNo(c.draining), YesNo(c.embedded), address.empty() ? "-" : address});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int CmdClustersAdd(Context& ctx) {
  int code = 0;
  std::string name;
  if (!ClusterName(ctx, &name, &code)) return code;
  if (!ctx.args.Has("--url") || !ctx.args.Has("--capacity")) {
    return UsageError(ctx, "clusters add needs NAME --url URL --capacity N");
  }
  ClusterSpec spec;
  spec.name = name;
  spec.url = ctx.args.Get("--url");
  long long capacity = 0;
  if (!ParseInt(ctx.args.Get("--capacity"), 1, 100000, &capacity)) {
    return UsageError(ctx, "--capacity must be a number from 1 to 100000");
  }
  spec.capacity = static_cast<int>(capacity);
  if (spec.url.empty()) return UsageError(ctx, "--url must be the cluster's PostgreSQL admin URL");
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post("/v1/clusters", ToJson(spec)));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, Cluster c, ApiClient::Decode<Cluster>(answer));
  ctx.out << "✓ added cluster " << Describe(c, answer) << "\n";
  return kExitOk;
}

int CmdClustersDrain(Context& ctx) {
  int code = 0;
  std::string name;
  if (!ClusterName(ctx, &name, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post("/v1/clusters/" + name + "/drain"));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, Cluster c, ApiClient::Decode<Cluster>(answer));
  ctx.out << "✓ cluster " << Describe(c, answer) << " is draining: no new instance will be placed on it\n";
  return kExitOk;
}

int CmdClustersRemove(Context& ctx) {
  int code = 0;
  std::string name;
  if (!ClusterName(ctx, &name, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Delete("/v1/clusters/" + name));
  (void)answer;
  if (ctx.json) {
    PrintJson(ctx.out, Json{{"removed", name}});
    return kExitOk;
  }
  ctx.out << "✓ removed cluster " << name << "\n";
  return kExitOk;
}

}  // namespace md::cli
