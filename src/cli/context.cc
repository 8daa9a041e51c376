#include "cli/context.h"

#include "cli/config.h"

namespace md::cli {

Result<ApiClient*> Context::Client() {
  if (client_) return client_.get();
  MD_ASSIGN_OR_RETURN(std::string token, ResolveToken(token_flag));
  MD_ASSIGN_OR_RETURN(client_, ApiClient::Create(server_url, std::move(token)));
  return client_.get();
}

}  // namespace md::cli
