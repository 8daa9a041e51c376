// LocalCa against real OpenSSL: the root is made once and kept, files are
// private, issued certificates verify with `openssl verify`; and the
// certificate helpers (InspectPem, MakeKeyAndCsr) it shares with the ACME client.

#include "drivers/certs/local_ca.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>

#include "core/clock.h"
#include "core/files.h"
#include "core/process.h"

namespace md {
namespace {

namespace fs = std::filesystem;
using Names = std::vector<std::string>;
constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

class LocalCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "md-local-ca-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    tmp_ = tmpl;
    ca_dir_ = tmp_ + "/ca";
  }
  void TearDown() override { fs::remove_all(tmp_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = tmp_ + "/" + name;
    EXPECT_TRUE(WriteFileAtomic(path, text, 0600).ok());
    return path;
  }
  // `openssl` with `args`; its output, failing the test on a non-zero exit.
  std::string OpenSsl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    auto r = RunProcess(args);
    EXPECT_TRUE(r.ok() && r->exit_code == 0) << (r.ok() ? r->output : r.status().message());
    return r.ok() ? r->output : "";
  }

  std::string tmp_;
  std::string ca_dir_;
};

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST_F(LocalCaTest, EnsureCreatesThePrivateRootOnceAndKeepsIt) {
  LocalCa ca(ca_dir_);
  ASSERT_TRUE(ca.Ensure().ok());
  auto root = ca.RootPem();
  ASSERT_TRUE(root.ok()) << root.status().message();
  auto key = ReadFile(ca_dir_ + "/root.key");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(ModeOf(ca_dir_), 0700u);
  EXPECT_EQ(ModeOf(ca_dir_ + "/root.key"), 0600u);
  EXPECT_EQ(ModeOf(ca_dir_ + "/root.pem"), 0644u);

  ASSERT_TRUE(ca.Ensure().ok());
  LocalCa again(ca_dir_);
  ASSERT_TRUE(again.Ensure().ok());
  EXPECT_EQ(*again.RootPem(), *root);
  EXPECT_EQ(*ReadFile(ca_dir_ + "/root.key"), *key);
}

TEST_F(LocalCaTest, RootIsATenYearSelfSignedCa) {
  LocalCa ca(ca_dir_);
  auto root = InspectPem(*ca.RootPem());
  ASSERT_TRUE(root.ok()) << root.status().message();
  EXPECT_EQ(root->issuer.rfind("MeltanoData local CA ", 0), 0u) << root->issuer;
  EXPECT_EQ(root->names, Names{root->issuer});
  EXPECT_NEAR(static_cast<double>(root->not_after_ms - root->not_before_ms), 3650.0 * kDayMs, 3600e3 + 1000);
  std::string text = OpenSsl({"x509", "-in", ca_dir_ + "/root.pem", "-noout", "-text"});
  EXPECT_NE(text.find("CA:TRUE"), std::string::npos) << text;
  EXPECT_NE(text.find("Certificate Sign"), std::string::npos) << text;
  EXPECT_NE(text.find("ASN1 OID: prime256v1"), std::string::npos) << text;
}

TEST_F(LocalCaTest, IssuesCertificatesThatOpensslVerifiesForEachName) {
  LocalCa ca(ca_dir_);
  auto bundle = ca.Issue({"example.test", "*.example.test"});
  ASSERT_TRUE(bundle.ok()) << bundle.status().message();
  EXPECT_EQ(bundle->names, (Names{"example.test", "*.example.test"}));
  auto root = InspectPem(*ca.RootPem());
  EXPECT_EQ(bundle->issuer, root->issuer);
  EXPECT_NEAR(static_cast<double>(bundle->not_after_ms - NowMs()), 90.0 * kDayMs, 60e3);
  EXPECT_LE(bundle->not_before_ms, NowMs() - 3500 * 1000);
  // The chain is leaf + root, and the key is the leaf's.
  EXPECT_EQ(bundle->cert_pem.substr(bundle->cert_pem.size() - root->cert_pem.size()), root->cert_pem);
  EXPECT_TRUE(InspectPem(bundle->cert_pem, bundle->key_pem).ok());

  const std::string leaf = Write("leaf.pem", bundle->cert_pem);  // verify reads the first certificate
  for (const char* host : {"example.test", "www.example.test"}) {
    std::string out = OpenSsl({"verify", "-CAfile", ca_dir_ + "/root.pem", "-purpose", "sslserver",
                               "-verify_hostname", host, leaf});
    EXPECT_NE(out.find(": OK"), std::string::npos) << out;
  }
  auto other = RunProcess({"openssl", "verify", "-CAfile", ca_dir_ + "/root.pem", "-verify_hostname",
                           "a.b.example.test", leaf});
  EXPECT_NE(other->exit_code, 0) << "a wildcard covers one label only";
  std::string text = OpenSsl({"x509", "-in", leaf, "-noout", "-text"});
  EXPECT_NE(text.find("TLS Web Server Authentication"), std::string::npos) << text;
  EXPECT_NE(text.find("CA:FALSE"), std::string::npos) << text;
}

TEST_F(LocalCaTest, IssueHonoursValidityAndRefusesBadInput) {
  LocalCa ca(ca_dir_);
  auto week = ca.Issue({"a.example.test"}, 7);
  ASSERT_TRUE(week.ok()) << week.status().message();
  EXPECT_NEAR(static_cast<double>(week->not_after_ms - NowMs()), 7.0 * kDayMs, 60e3);
  for (const Names& names : {Names{}, Names{"Example.test"}, Names{"a..example.test"}, Names{"*.*.example.test"},
                             Names{"-a.example.test"}, Names{"a.example.test", "a.example.test"},
                             Names{"a.example.test/x"}, Names{"*"}}) {
    EXPECT_EQ(ca.Issue(names).status().code(), Code::kInvalidArgument) << (names.empty() ? "" : names[0]);
  }
  EXPECT_EQ(ca.Issue({"a.example.test"}, 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ca.Issue({"a.example.test"}, 399).status().code(), Code::kInvalidArgument);
}

TEST_F(LocalCaTest, CompletesARootInterruptedBeforeItsCertificate) {
  ASSERT_TRUE(LocalCa(ca_dir_).Ensure().ok());
  std::string key = *ReadFile(ca_dir_ + "/root.key");
  fs::remove(ca_dir_ + "/root.pem");  // as if it crashed between the two writes
  LocalCa ca(ca_dir_);
  ASSERT_TRUE(ca.Ensure().ok());
  EXPECT_EQ(*ReadFile(ca_dir_ + "/root.key"), key);
  auto leaf = ca.Issue({"example.test"});
  ASSERT_TRUE(leaf.ok());
  const std::string leaf_path = Write("leaf.pem", leaf->cert_pem);
  OpenSsl({"verify", "-CAfile", ca_dir_ + "/root.pem", leaf_path});
}

TEST_F(LocalCaTest, RefusesMismatchedOrOrphanedRootFiles) {
  const std::string other = tmp_ + "/other";
  ASSERT_TRUE(LocalCa(ca_dir_).Ensure().ok());
  ASSERT_TRUE(LocalCa(other).Ensure().ok());
  fs::copy_file(other + "/root.pem", ca_dir_ + "/root.pem", fs::copy_options::overwrite_existing);
  EXPECT_EQ(LocalCa(ca_dir_).Ensure().code(), Code::kFailedPrecondition);

  fs::remove(other + "/root.key");
  Status orphan = LocalCa(other).Ensure();
  EXPECT_EQ(orphan.code(), Code::kFailedPrecondition);
  EXPECT_FALSE(PathExists(other + "/root.key")) << "a lone certificate is not silently replaced";

  ASSERT_TRUE(WriteFileAtomic(ca_dir_ + "/root.key", "-----BEGIN PRIVATE KEY-----\nsecret\n", 0600).ok());
  Status garbage = LocalCa(ca_dir_).Ensure();
  EXPECT_EQ(garbage.code(), Code::kFailedPrecondition);
  EXPECT_EQ(garbage.message().find("secret"), std::string::npos) << "key text is never quoted";
}

TEST(CertificateTest, InspectPemRefusesGarbageAndAForeignKey) {
  EXPECT_EQ(InspectPem("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(InspectPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").status().code(),
            Code::kInvalidArgument);
  auto key_and_csr = MakeKeyAndCsr({"example.test"});
  ASSERT_TRUE(key_and_csr.ok());
  std::string tmpl = (fs::temp_directory_path() / "md-cert-test-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  LocalCa ca(tmpl);
  auto bundle = ca.Issue({"example.test"});
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(InspectPem(bundle->cert_pem, key_and_csr->key_pem).status().code(), Code::kInvalidArgument);
  fs::remove_all(tmpl);
}

TEST(CertificateTest, CsrNamesEveryNameAndIsSignedByItsKey) {
  auto made = MakeKeyAndCsr({"example.test", "*.example.test"});
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_NE(made->key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  std::string tmpl = (fs::temp_directory_path() / "md-csr-test-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  ASSERT_TRUE(WriteFileAtomic(tmpl + "/csr.der", made->csr_der, 0600).ok());
  auto r = RunProcess({"openssl", "req", "-inform", "DER", "-in", tmpl + "/csr.der", "-verify", "-noout", "-text"});
  fs::remove_all(tmpl);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0) << r->output;
  EXPECT_NE(r->output.find("CN = example.test"), std::string::npos) << r->output;
  EXPECT_NE(r->output.find("DNS:example.test, DNS:*.example.test"), std::string::npos) << r->output;
  EXPECT_NE(r->output.find("verify OK"), std::string::npos) << r->output;
}

}  // namespace
}  // namespace md
