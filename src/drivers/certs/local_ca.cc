#include "drivers/certs/local_ca.h"

#include <openssl/err.h>
#include <unistd.h>

#include <utility>

#include "core/files.h"
#include "core/random.h"

namespace md {
namespace {

constexpr int kRootDays = 3650;
constexpr int kMaxLeafDays = 398;  // what browsers accept

Owner Self() { return {geteuid(), getegid()}; }

// An unsigned v3 certificate for `key`, named `cn`, with a random 127-bit
// serial, valid from an hour ago (clock skew) for `days` days.
Result<X509Ptr> NewCert(EVP_PKEY* key, const std::string& cn, int days) {
  X509Ptr cert(X509_new());
  BignumPtr serial(BN_new());
  if (!cert || !serial || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr) == nullptr ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OsslError("making a certificate");
  }
  MD_RETURN_IF_ERROR(SetCommonName(X509_get_subject_name(cert.get()), cn));
  return cert;
}

// Adds the extensions (nid, config text) to `cert`, issued by `issuer`, and
// signs it with `issuer_key`.
Status AddExtensionsAndSign(X509* cert, X509* issuer, EVP_PKEY* issuer_key,
                            const std::vector<std::pair<int, std::string>>& extensions) {
  for (const auto& [nid, value] : extensions) {
    MD_ASSIGN_OR_RETURN(X509ExtPtr ext, MakeExtension(issuer, cert, nid, value));
    if (X509_add_ext(cert, ext.get(), -1) != 1) return OsslError("adding an extension");
  }
  if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0) return OsslError("signing a certificate");
  return Status::Ok();
}

}  // namespace

LocalCa::LocalCa(std::string dir) : dir_(std::move(dir)) {}

Status LocalCa::Ensure() {
  std::lock_guard lock(mu_);
  return Load();
}

Result<std::string> LocalCa::RootPem() {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(Load());
  return CertPem(cert_.get());
}

Status LocalCa::Load() {
  if (key_) return Status::Ok();
  const std::string key_path = dir_ + "/" + kLocalCaKeyFile;
  const std::string cert_path = dir_ + "/" + kLocalCaCertFile;
  MD_RETURN_IF_ERROR(EnsureDirectory(dir_, 0700, Self()));
  PkeyPtr key;
  if (PathExists(key_path)) {
    MD_ASSIGN_OR_RETURN(std::string pem, ReadFile(key_path));
    auto read = ReadPrivateKeyPem(pem);
    if (!read.ok()) return FailedPrecondition(key_path + ": " + read.status().message());
    key = std::move(read).value();
  } else {
    if (PathExists(cert_path)) return FailedPrecondition(cert_path + " exists without its key " + key_path);
    MD_ASSIGN_OR_RETURN(key, NewP256Key());
    MD_ASSIGN_OR_RETURN(std::string pem, PrivateKeyPem(key.get()));
    MD_RETURN_IF_ERROR(WriteFileAtomic(key_path, pem, 0600, Self()));
  }
  if (!PathExists(cert_path)) MD_RETURN_IF_ERROR(CreateCert(key.get()));
  MD_ASSIGN_OR_RETURN(std::string pem, ReadFile(cert_path));
  auto cert = ReadCertPem(pem);
  if (!cert.ok()) return FailedPrecondition(cert_path + ": " + cert.status().message());
  if (X509_check_private_key(cert->get(), key.get()) != 1) {
    ERR_clear_error();
    return FailedPrecondition(cert_path + " does not match " + key_path);
  }
  key_ = std::move(key);
  cert_ = std::move(cert).value();
  return Status::Ok();
}

Status LocalCa::CreateCert(EVP_PKEY* key) {
  MD_ASSIGN_OR_RETURN(X509Ptr cert, NewCert(key, "MeltanoData local CA " + RandomHex(4), kRootDays));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1) return OsslError("making the root");
  MD_RETURN_IF_ERROR(AddExtensionsAndSign(cert.get(), cert.get(), key,
                                          {{NID_basic_constraints, "critical,CA:TRUE"},
                                           {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                           {NID_subject_key_identifier, "hash"}}));
  return WriteFileAtomic(dir_ + "/" + kLocalCaCertFile, CertPem(cert.get()), 0644, Self());
}

Result<CertificateBundle> LocalCa::Issue(const std::vector<std::string>& names, int validity_days) {
  MD_RETURN_IF_ERROR(ValidateCertNames(names));
  if (validity_days < 1 || validity_days > kMaxLeafDays) {
    return InvalidArgument("validity must be 1-" + std::to_string(kMaxLeafDays) + " days");
  }
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(Load());
  MD_ASSIGN_OR_RETURN(PkeyPtr key, NewP256Key());
  MD_ASSIGN_OR_RETURN(X509Ptr cert, NewCert(key.get(), names.front(), validity_days));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert_.get())) != 1) return OsslError("issuing");
  MD_RETURN_IF_ERROR(AddExtensionsAndSign(cert.get(), cert_.get(), key_.get(),
                                          {{NID_basic_constraints, "critical,CA:FALSE"},
                                           {NID_key_usage, "critical,digitalSignature"},
                                           {NID_ext_key_usage, "serverAuth"},
                                           {NID_subject_key_identifier, "hash"},
                                           {NID_authority_key_identifier, "keyid:always"},
                                           {NID_subject_alt_name, SubjectAltNameValue(names)}}));
  MD_ASSIGN_OR_RETURN(std::string key_pem, PrivateKeyPem(key.get()));
  return InspectPem(CertPem(cert.get()) + CertPem(cert_.get()), key_pem);
}

}  // namespace md
