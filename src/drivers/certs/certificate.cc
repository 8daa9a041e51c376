#include "drivers/certs/certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <ctime>
#include <set>

#include "core/validate.h"
#include "drivers/certs/ossl.h"

namespace md {
namespace {

bool IsLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsDnsName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (size_t start = 0;;) {
    size_t dot = name.find('.', start);
    if (!IsLabel(name.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

Result<int64_t> TimeMs(const ASN1_TIME* t) {
  tm parts{};
  if (ASN1_TIME_to_tm(t, &parts) != 1) return InvalidArgument("certificate has an unreadable date");
  return static_cast<int64_t>(timegm(&parts)) * 1000;
}

// The DNS names of the subjectAltName extension, else the CN.
std::vector<std::string> LeafNames(X509* leaf) {
  std::vector<std::string> names;
  GeneralNamesPtr sans(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans.get(), i);
    if (gn->type != GEN_DNS) continue;
    const ASN1_IA5STRING* s = gn->d.dNSName;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
  }
  if (names.empty()) {
    std::string cn = CommonName(X509_get_subject_name(leaf));
    if (!cn.empty()) names.push_back(cn);
  }
  return names;
}

}  // namespace

Status ValidateCertNames(const std::vector<std::string>& names) {
  if (names.empty()) return InvalidArgument("no certificate names");
  std::set<std::string> seen;
  for (const auto& name : names) {
    std::string_view base = name;
    if (base.substr(0, 2) == "*.") base.remove_prefix(2);
    if (!IsDnsName(base)) return InvalidArgument("not a DNS name for a certificate: " + ForMessage(name));
    if (!seen.insert(name).second) return InvalidArgument("certificate name given twice: " + name);
  }
  return Status::Ok();
}

Result<CertificateBundle> InspectPem(const std::string& cert_pem, const std::string& key_pem) {
  BioPtr bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  if (!bio) return OsslError("reading certificates");
  std::vector<X509Ptr> chain;
  while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) chain.push_back(std::move(cert));
  ERR_clear_error();  // the end of the text reads as an error
  if (chain.empty()) return InvalidArgument("no PEM certificate");
  X509* leaf = chain.front().get();
  CertificateBundle b;
  for (const auto& cert : chain) b.cert_pem += CertPem(cert.get());
  b.names = LeafNames(leaf);
  MD_ASSIGN_OR_RETURN(b.not_before_ms, TimeMs(X509_get0_notBefore(leaf)));
  MD_ASSIGN_OR_RETURN(b.not_after_ms, TimeMs(X509_get0_notAfter(leaf)));
  b.issuer = CommonName(X509_get_issuer_name(leaf));
  if (!key_pem.empty()) {
    MD_ASSIGN_OR_RETURN(PkeyPtr key, ReadPrivateKeyPem(key_pem));
    if (X509_check_private_key(leaf, key.get()) != 1) {
      ERR_clear_error();
      return InvalidArgument("the private key is not the certificate's");
    }
    b.key_pem = key_pem;
  }
  return b;
}

Result<KeyAndCsr> MakeKeyAndCsr(const std::vector<std::string>& names) {
  MD_RETURN_IF_ERROR(ValidateCertNames(names));
  MD_ASSIGN_OR_RETURN(PkeyPtr key, NewP256Key());
  X509ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1 ||
      X509_REQ_set_pubkey(req.get(), key.get()) != 1) {
    return OsslError("making a CSR");
  }
  MD_RETURN_IF_ERROR(SetCommonName(X509_REQ_get_subject_name(req.get()), names.front()));
  MD_ASSIGN_OR_RETURN(X509ExtPtr san, MakeExtension(nullptr, nullptr, NID_subject_alt_name, SubjectAltNameValue(names)));
  ExtensionsPtr exts(sk_X509_EXTENSION_new_null());
  if (!exts || sk_X509_EXTENSION_push(exts.get(), san.get()) == 0) return OsslError("making a CSR");
  san.release();  // owned by `exts` now
  if (X509_REQ_add_extensions(req.get(), exts.get()) != 1 || X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0) {
    return OsslError("signing a CSR");
  }
  int len = i2d_X509_REQ(req.get(), nullptr);
  if (len <= 0) return OsslError("encoding a CSR");
  KeyAndCsr out;
  out.csr_der.resize(static_cast<size_t>(len));
  auto* p = reinterpret_cast<unsigned char*>(out.csr_der.data());
  i2d_X509_REQ(req.get(), &p);
  MD_ASSIGN_OR_RETURN(out.key_pem, PrivateKeyPem(key.get()));
  return out;
}

}  // namespace md
