#include "drivers/vault/sodium_vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/files.h"

namespace md {
namespace {

constexpr std::string_view kPrefix = "mdv1:";
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr int kBase64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

static_assert(SodiumVault::kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Makes a new random key file; O_EXCL, so an existing key is never replaced.
Status CreateKeyFile(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("vault: cannot create key file " + path);
  unsigned char key[SodiumVault::kKeyBytes];
  randombytes_buf(key, sizeof key);
  Status s = fchmod(fd, 0600) == 0 ? Status::Ok() : ErrnoStatus("chmod");
  if (s.ok()) s = WriteAll(fd, std::string_view(reinterpret_cast<const char*>(key), sizeof key), path);
  if (s.ok() && fsync(fd) != 0) s = ErrnoStatus("fsync");
  sodium_memzero(key, sizeof key);
  close(fd);
  if (!s.ok()) {
    unlink(path.c_str());
    return s.WithContext("vault: cannot write key file " + path);
  }
  std::string dir = path.substr(0, path.find_last_of('/') + 1);
  int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return Status::Ok();
}

// Reads the key into `key`, after checking what holds it.
Status ReadKeyFile(const std::string& path, unsigned char* key) {
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 && errno == ELOOP) return FailedPrecondition("vault: key file " + path + " is a symbolic link; refused");
  if (fd < 0) return ErrnoStatus("vault: cannot open key file " + path);
  struct stat st {};
  Status s;
  if (fstat(fd, &st) != 0) {
    s = ErrnoStatus("vault: cannot stat key file " + path);
  } else if (!S_ISREG(st.st_mode)) {
    s = FailedPrecondition("vault: key file " + path + " is not a regular file");
  } else if (st.st_uid != geteuid()) {
    s = FailedPrecondition("vault: key file " + path + " belongs to uid " + std::to_string(st.st_uid) +
                           ", not to the controller's user (" + std::to_string(geteuid()) + "); chown it");
  } else if ((st.st_mode & 077) != 0) {
    char mode[8];
    snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    s = FailedPrecondition("vault: key file " + path + " has mode " + mode +
                           ": others may read it; run `chmod 600 " + path + "` (and consider rotating what it sealed)");
  } else if (st.st_size != static_cast<off_t>(SodiumVault::kKeyBytes)) {
    s = FailedPrecondition("vault: key file " + path + " is " + std::to_string(st.st_size) + " bytes, not " +
                           std::to_string(SodiumVault::kKeyBytes) + ": damaged, or not a vault key");
  } else {
    size_t got = 0;
    while (got < SodiumVault::kKeyBytes) {
      ssize_t n = read(fd, key + got, SodiumVault::kKeyBytes - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        s = n < 0 ? ErrnoStatus("vault: cannot read key file " + path)
                  : FailedPrecondition("vault: key file " + path + " is shorter than its size");
        break;
      }
      got += static_cast<size_t>(n);
    }
  }
  close(fd);
  return s;
}

}  // namespace

Result<std::unique_ptr<SodiumVault>> SodiumVault::OpenKeyFile(const std::string& key_path, MissingKey missing) {
  if (sodium_init() < 0) return Internal("vault: libsodium cannot be initialised");
  struct stat st {};
  if (lstat(key_path.c_str(), &st) != 0) {
    if (errno != ENOENT) return ErrnoStatus("vault: cannot stat key file " + key_path);
    if (missing == MissingKey::kRefuse) {
      return FailedPrecondition("vault: key file " + key_path + " is missing, but the store holds secrets sealed "
                                "with it: check vault_key_file and that its volume is mounted, or restore the "
                                "key (a new key would open none of them)");
    }
    MD_RETURN_IF_ERROR(CreateKeyFile(key_path));
  }
  auto* key = static_cast<unsigned char*>(sodium_malloc(kKeyBytes));
  if (key == nullptr) return Internal("vault: cannot allocate guarded memory for the key");
  Status read = ReadKeyFile(key_path, key);
  if (!read.ok()) {
    sodium_free(key);
    return read;
  }
  sodium_mprotect_readonly(key);
  return std::unique_ptr<SodiumVault>(new SodiumVault(key));
}

SodiumVault::~SodiumVault() { sodium_free(key_); }

Result<std::string> SodiumVault::Seal(std::string_view context, std::string_view plaintext) {
  std::vector<unsigned char> box(kNonceBytes + plaintext.size() + kTagBytes);
  randombytes_buf(box.data(), kNonceBytes);
  unsigned long long sealed_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_encrypt(box.data() + kNonceBytes, &sealed_len, Bytes(plaintext),
                                                 plaintext.size(), Bytes(context), context.size(), nullptr,
                                                 box.data(), key_) != 0) {
    return Internal("vault: sealing failed");
  }
  std::string out(sodium_base64_ENCODED_LEN(box.size(), kBase64), '\0');
  sodium_bin2base64(out.data(), out.size(), box.data(), box.size(), kBase64);
  out.resize(strlen(out.c_str()));
  return std::string(kPrefix) + out;
}

Result<std::string> SodiumVault::Open(std::string_view context, std::string_view sealed) {
  const Status refused = FailedPrecondition(
      "vault: a sealed value does not open: it was changed, moved, or sealed under another vault key");
  if (!sealed.starts_with(kPrefix)) return refused;
  std::string_view text = sealed.substr(kPrefix.size());
  std::vector<unsigned char> box(text.size());
  size_t box_len = 0;
  if (sodium_base642bin(box.data(), box.size(), text.data(), text.size(), nullptr, &box_len, nullptr, kBase64) != 0 ||
      box_len < kNonceBytes + kTagBytes) {
    return refused;
  }
  std::string plain(box_len - kNonceBytes - kTagBytes, '\0');
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &plain_len, nullptr,
                                                 box.data() + kNonceBytes, box_len - kNonceBytes, Bytes(context),
                                                 context.size(), box.data(), key_) != 0) {
    return refused;
  }
  plain.resize(plain_len);
  return plain;
}

}  // namespace md
