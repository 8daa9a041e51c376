#pragma once
// OpenSSL handles owned by unique_ptrs, and the few primitives the certs
// driver builds on (P-256 keys, PEM, SHA-256, base64url). Every OpenSSL
// allocation of the driver is owned through these types. Thread-safe.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace md {

template <auto Free>
struct OsslDeleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, OsslDeleter<X509_REQ_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, OsslDeleter<X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OsslDeleter<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OsslDeleter<ECDSA_SIG_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslDeleter<GENERAL_NAMES_free>>;
inline void FreeExtensions(STACK_OF(X509_EXTENSION) * s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }
using ExtensionsPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), OsslDeleter<FreeExtensions>>;

// Internal("`what`: <OpenSSL's error queue>"); empties the queue.
Status OsslError(const std::string& what);

// A fresh ECDSA key on P-256.
Result<PkeyPtr> NewP256Key();
// The key as unencrypted PKCS#8 PEM.
Result<std::string> PrivateKeyPem(EVP_PKEY* key);
// Parses a PEM private key; InvalidArgument (never quoting the text) if it cannot.
Result<PkeyPtr> ReadPrivateKeyPem(const std::string& pem);
// Whether `key` is an ECDSA key on P-256 (prime256v1).
bool IsP256(EVP_PKEY* key);

std::string CertPem(X509* cert);
// The first certificate of a PEM text; InvalidArgument if there is none.
Result<X509Ptr> ReadCertPem(const std::string& pem);
// Sets the subject's CN, unless longer than X.509 allows (64): the SAN carries the names.
Status SetCommonName(X509_NAME* name, const std::string& cn);
// The CN of `name`, empty if none.
std::string CommonName(const X509_NAME* name);
// An X509v3 extension from its config text ("critical,CA:FALSE", "DNS:a,DNS:b"),
// for a certificate `subject` issued by `issuer` (both may be null for a CSR).
Result<X509ExtPtr> MakeExtension(X509* issuer, X509* subject, int nid, const std::string& value);
// "DNS:a,DNS:b": a subjectAltName value for validated names.
std::string SubjectAltNameValue(const std::vector<std::string>& names);

std::string Sha256(std::string_view data);     // the raw 32 bytes
std::string Base64Url(std::string_view data);  // RFC 4648 §5, no padding

}  // namespace md
