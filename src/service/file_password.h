#pragma once
// The tenant's file-access (FTP and SFTP) password: a secret the controller
// makes, kept with the instance's secrets under kFilesPasswordKey. The one
// place that reads or makes it, so the credential vault can take it over.

#include <string>

#include "core/status.h"
#include "store/store.h"

namespace md {

// The instance's file-access password, made (and stored) on first use.
Result<std::string> FileAccessPassword(Store& store, const std::string& sub);

}  // namespace md
