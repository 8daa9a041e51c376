#include "drivers/files/host_keys.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "core/files.h"
#include "core/process.h"

namespace md {
namespace {

struct KeyKind {
  const char* keygen_type;  // ssh-keygen -t
  const char* bits;         // ssh-keygen -b, or ""
  const char* file;
};
constexpr KeyKind kKinds[] = {{"ed25519", "", "ssh_host_ed25519_key"},
                              {"ecdsa", "256", "ssh_host_ecdsa_key"},
                              {"rsa", "3072", "ssh_host_rsa_key"}};

int SshfpAlgorithm(const std::string& type) {
  if (type == "ssh-rsa") return 1;
  if (type == "ssh-dss") return 2;
  if (type.rfind("ecdsa-sha2-", 0) == 0) return 3;
  if (type == "ssh-ed25519") return 4;
  if (type == "ssh-ed448") return 6;
  return 0;
}

Result<std::string> DecodeBase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return InvalidArgument("not base64");
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return InvalidArgument("not base64");
  size_t pad = text.size() - text.find_last_not_of('=') - 1;
  if (pad > 2) return InvalidArgument("not base64");
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace

std::string HostKey::SshfpValue() const { return std::to_string(sshfp_algorithm) + " 2 " + sha256_hex; }

Result<HostKey> ParsePublicKey(const std::string& line) {
  std::istringstream in(line);
  HostKey key;
  if (!(in >> key.type >> key.blob_base64)) return InvalidArgument("not an SSH public key line");
  key.sshfp_algorithm = SshfpAlgorithm(key.type);
  if (key.sshfp_algorithm == 0) return InvalidArgument("unknown SSH key type '" + key.type + "'");
  MD_ASSIGN_OR_RETURN(std::string blob, DecodeBase64(key.blob_base64));
  // The blob starts with its own type as an SSH string: it must agree.
  std::string inner = blob.size() >= 4 ? blob.substr(4, key.type.size()) : "";
  if (inner != key.type) return InvalidArgument("SSH public key of type '" + key.type + "' holds another type");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(blob.data(), blob.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    return Internal("SHA-256 failed");
  }
  char hex[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    key.sha256_hex += hex;
  }
  std::string b64(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), digest, static_cast<int>(len));
  b64.resize(static_cast<size_t>(n));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  key.sha256 = "SHA256:" + b64;
  return key;
}

Status EnsureHostKeys(const std::string& dir) {
  for (const KeyKind& kind : kKinds) {
    std::string path = dir + "/" + kind.file;
    if (PathExists(path) && PathExists(path + ".pub")) continue;
    // Made beside, then renamed: a crash never leaves half a key pair in use.
    std::string tmp = path + ".new";
    unlink(tmp.c_str());
    unlink((tmp + ".pub").c_str());
    std::vector<std::string> argv = {"ssh-keygen", "-q", "-t", kind.keygen_type, "-N", "", "-C", "meltanodata",
                                     "-f", tmp};
    if (*kind.bits) argv.insert(argv.begin() + 4, {"-b", kind.bits});
    MD_RETURN_IF_ERROR(RunChecked(argv).status().WithContext("making SSH host key " + path));
    if (rename((tmp + ".pub").c_str(), (path + ".pub").c_str()) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
      return ErrnoStatus("cannot put SSH host key " + path + " in place");
    }
  }
  return Status::Ok();
}

std::vector<std::string> HostKeyPaths(const std::string& dir) {
  std::vector<std::string> paths;
  for (const KeyKind& kind : kKinds) paths.push_back(dir + "/" + kind.file);
  return paths;
}

Result<std::vector<HostKey>> ReadHostKeys(const std::string& dir) {
  std::vector<HostKey> keys;
  for (const std::string& path : HostKeyPaths(dir)) {
    MD_ASSIGN_OR_RETURN(std::string line, ReadFile(path + ".pub"));
    auto key = ParsePublicKey(line);
    if (!key.ok()) return key.status().WithContext(path + ".pub");
    keys.push_back(std::move(*key));
  }
  return keys;
}

std::string KnownHostsPattern(const std::string& host, int port) {
  return port == 22 ? host : "[" + host + "]:" + std::to_string(port);
}

}  // namespace md
