#include "drivers/certs/jws.h"

#include <openssl/core_names.h>
#include <unistd.h>

#include <cerrno>

#include "core/files.h"
#include "core/random.h"

namespace md {
namespace {

// A P-256 public coordinate as 32 big-endian bytes.
Result<std::string> Coordinate(EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) return OsslError("reading the account key");
  BignumPtr bn(raw);
  std::string out(32, '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), 32) != 32) {
    return OsslError("reading the account key");
  }
  return out;
}

// Writes a new key to a private temporary file and links it at `path`, so
// that a key another process linked first wins.
Status CreateKeyFile(const std::string& path) {
  MD_ASSIGN_OR_RETURN(PkeyPtr key, NewP256Key());
  MD_ASSIGN_OR_RETURN(std::string pem, PrivateKeyPem(key.get()));
  const std::string tmp = path + ".new-" + RandomHex(4);
  MD_RETURN_IF_ERROR(WriteFileAtomic(tmp, pem, 0600, Owner{geteuid(), getegid()}));
  int rc = link(tmp.c_str(), path.c_str());
  Status linked = rc == 0 || errno == EEXIST ? Status::Ok() : ErrnoStatus("cannot link " + path);
  unlink(tmp.c_str());
  return linked;
}

}  // namespace

Result<AccountKey> AccountKey::LoadOrCreate(const std::string& path) {
  if (!PathExists(path)) MD_RETURN_IF_ERROR(CreateKeyFile(path));
  MD_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  auto key = ReadPrivateKeyPem(pem);
  if (!key.ok() || !IsP256(key->get())) return FailedPrecondition(path + " is not an ECDSA P-256 private key");
  AccountKey account(std::move(key).value());
  MD_ASSIGN_OR_RETURN(std::string x, Coordinate(account.key_.get(), OSSL_PKEY_PARAM_EC_PUB_X));
  MD_ASSIGN_OR_RETURN(std::string y, Coordinate(account.key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y));
  account.jwk_ = {{"crv", "P-256"}, {"kty", "EC"}, {"x", Base64Url(x)}, {"y", Base64Url(y)}};
  // nlohmann::json orders keys and adds no whitespace: RFC 7638's form.
  account.thumbprint_ = Base64Url(Sha256(account.jwk_.dump()));
  return account;
}

Result<std::string> AccountKey::Sign(nlohmann::json header, const std::string& payload) const {
  header["alg"] = "ES256";
  const std::string protected_b64 = Base64Url(header.dump());
  const std::string payload_b64 = Base64Url(payload);
  const std::string input = protected_b64 + "." + payload_b64;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t der_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    return OsslError("signing an ACME request");
  }
  std::string der(der_len, '\0');
  auto* der_p = reinterpret_cast<unsigned char*>(der.data());
  if (EVP_DigestSign(ctx.get(), der_p, &der_len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    return OsslError("signing an ACME request");
  }
  const unsigned char* read_p = der_p;
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &read_p, static_cast<long>(der_len)));
  if (!sig) return OsslError("decoding an ECDSA signature");
  std::string raw(64, '\0');
  auto* raw_p = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw_p, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw_p + 32, 32) != 32) {
    return OsslError("encoding an ES256 signature");
  }
  nlohmann::json jws = {{"protected", protected_b64}, {"payload", payload_b64}, {"signature", Base64Url(raw)}};
  return jws.dump();
}

}  // namespace md
