// `completion bash` and `manpage`: the reference generated from the command
// table, printed; neither needs the controller.

#include "cli/output.h"
#include "cli/reference.h"
#include "cli/verbs.h"

namespace md::cli {

int CmdCompletion(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 1, "a shell: bash", &code)) return code;
  if (ctx.args.positional[0] != "bash") return UsageError(ctx, "only bash completion is generated");
  ctx.out << BashCompletion();
  return kExitOk;
}

int CmdManpage(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 0, "", &code)) return code;
  ctx.out << ManPage();
  return kExitOk;
}

}  // namespace md::cli
