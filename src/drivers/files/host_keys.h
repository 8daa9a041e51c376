#pragma once
// The SSH host keys of the controller's SFTP server: made once in a directory
// of the data dir (DATA/ssh), never per machine, so they survive re-creates,
// restores and moves of the data dir; read back with what clients check —
// SHA-256 fingerprints, known_hosts lines and SSHFP records (RFC 4255, 6594).
// Functions; thread-safe as the files they touch.

#include <string>
#include <vector>

#include "core/status.h"

namespace md {

struct HostKey {
  std::string type;         // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"
  std::string blob_base64;  // the public key as in a .pub file or known_hosts line
  std::string sha256;       // "SHA256:" + unpadded base64, as ssh-keygen -l prints it
  int sshfp_algorithm = 0;  // RFC 4255/6594: 1 RSA, 3 ECDSA, 4 Ed25519
  std::string sha256_hex;   // the SSHFP record's fingerprint (type 2), lower-case hex

  // "ALG 2 HEX": the value of the SSHFP record.
  std::string SshfpValue() const;
};

// Makes any of the host keys missing in `dir` (ed25519, ecdsa, rsa) with
// ssh-keygen; a key that is there is kept. `dir` must exist.
Status EnsureHostKeys(const std::string& dir);
// The private key files in `dir`, for sshd's HostKey lines.
std::vector<std::string> HostKeyPaths(const std::string& dir);
// The public keys in `dir`, in HostKeyPaths' order.
Result<std::vector<HostKey>> ReadHostKeys(const std::string& dir);
// One line of a .pub file: "TYPE BASE64 [comment]".
Result<HostKey> ParsePublicKey(const std::string& line);
// The known_hosts host pattern of `host` on `port` ("host" on 22, else "[host]:port").
std::string KnownHostsPattern(const std::string& host, int port);

}  // namespace md
