// The vault: SodiumVault (libsodium) and FakeVault seal and open values bound
// to their context, refuse a changed value, another key and a careless key
// file; Secrets keeps an instance's secrets sealed in the store.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/files.h"
#include "core/random.h"
#include "drivers/vault/fake_vault.h"
#include "drivers/vault/sodium_vault.h"
#include "main/vault_key.h"
#include "service/secrets.h"
#include "store/sqlite_store.h"

namespace md {
namespace {

namespace fs = std::filesystem;

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("md-vault-" + RandomHex(6));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::unique_ptr<SodiumVault> OpenOrDie(const std::string& name) {
    auto vault = SodiumVault::OpenKeyFile(Path(name), SodiumVault::MissingKey::kCreate);
    EXPECT_TRUE(vault.ok()) << vault.status().message();
    return vault.ok() ? std::move(*vault) : nullptr;
  }

  fs::path dir_;
};

TEST_F(VaultTest, SealedValueOpensUnderItsContextAndHoldsNoClearText) {
  auto vault = OpenOrDie("vault.key");
  const std::string secret = "s3cret-" + RandomHex(8);
  auto sealed = vault->Seal("secret/acme/API", secret);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find(secret), std::string::npos);
  EXPECT_TRUE(sealed->starts_with("mdv1:"));
  for (char c : *sealed) EXPECT_TRUE(c > 32 && c < 127) << "printable";
  EXPECT_EQ(*vault->Open("secret/acme/API", *sealed), secret);
  // A new nonce every time.
  EXPECT_NE(*vault->Seal("secret/acme/API", secret), *sealed);
  // Empty values seal too.
  EXPECT_EQ(*vault->Open("c", *vault->Seal("c", "")), "");
}

TEST_F(VaultTest, ChangedValueIsRefused) {
  auto vault = OpenOrDie("vault.key");
  std::string sealed = *vault->Seal("secret/acme/API", "value");
  for (size_t i : {size_t{5}, sealed.size() / 2, sealed.size() - 1}) {
    std::string tampered = sealed;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    auto opened = vault->Open("secret/acme/API", tampered);
    EXPECT_EQ(opened.status().code(), Code::kFailedPrecondition) << "byte " << i;
  }
  EXPECT_FALSE(vault->Open("secret/acme/API", sealed.substr(0, sealed.size() - 4)).ok()) << "truncated";
  EXPECT_FALSE(vault->Open("secret/acme/API", "value").ok()) << "clear text is not sealed";
  EXPECT_FALSE(vault->Open("secret/acme/API", "mdv1:").ok());
}

TEST_F(VaultTest, ValueMovedToAnotherRowIsRefused) {
  auto vault = OpenOrDie("vault.key");
  std::string sealed = *vault->Seal("secret/acme/md:db_password", "pw");
  EXPECT_FALSE(vault->Open("secret/beta/md:db_password", sealed).ok());
  EXPECT_FALSE(vault->Open("secret/acme/md:admin_password", sealed).ok());
}

TEST_F(VaultTest, WrongKeyIsRefusedAndTheSameKeyFileOpensAgain) {
  std::string sealed;
  {
    auto first = OpenOrDie("one.key");
    sealed = *first->Seal("ctx", "value");
  }
  auto other = OpenOrDie("two.key");
  EXPECT_EQ(other->Open("ctx", sealed).status().code(), Code::kFailedPrecondition);
  auto again = OpenOrDie("one.key");
  EXPECT_EQ(*again->Open("ctx", sealed), "value") << "the key file is kept, not replaced";
}

TEST_F(VaultTest, KeyFileIsMadeOnceWithMode0600AndTheControllersOwner) {
  OpenOrDie("vault.key");
  struct stat st {};
  ASSERT_EQ(stat(Path("vault.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, geteuid());
  EXPECT_EQ(st.st_size, static_cast<off_t>(SodiumVault::kKeyBytes));
  std::string key = *ReadFile(Path("vault.key"));
  OpenOrDie("vault.key");
  EXPECT_EQ(*ReadFile(Path("vault.key")), key);
}

TEST_F(VaultTest, RefusesAKeyFileOthersCanRead) {
  OpenOrDie("vault.key");
  ASSERT_EQ(chmod(Path("vault.key").c_str(), 0640), 0);
  auto vault = SodiumVault::OpenKeyFile(Path("vault.key"), SodiumVault::MissingKey::kCreate);
  EXPECT_EQ(vault.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(vault.status().message().find("chmod 600"), std::string::npos) << vault.status().message();
}

TEST_F(VaultTest, RefusesALinkOrAKeyOfTheWrongSize) {
  OpenOrDie("real.key");
  ASSERT_EQ(symlink(Path("real.key").c_str(), Path("link.key").c_str()), 0);
  EXPECT_EQ(SodiumVault::OpenKeyFile(Path("link.key"), SodiumVault::MissingKey::kCreate).status().code(), Code::kFailedPrecondition);
  ASSERT_TRUE(WriteFileAtomic(Path("short.key"), "0123456789", 0600).ok());
  EXPECT_EQ(SodiumVault::OpenKeyFile(Path("short.key"), SodiumVault::MissingKey::kCreate).status().code(), Code::kFailedPrecondition);
}

TEST_F(VaultTest, ServeMakesAKeyOnlyWhileNothingIsSealed) {
  auto store = SqliteStore::Open(Path("md.db"));
  ASSERT_TRUE(store.ok());
  {
    auto first = OpenVault(**store, Path("vault.key"));
    ASSERT_TRUE(first.ok()) << first.status().message();
    ASSERT_TRUE((*store)->InsertInstance({.subdomain = "acme", .email = "a@acme.example"}).ok());
    ASSERT_TRUE(Secrets(**store, **first).Set("acme", {{"API_KEY", "v"}}, {}).ok());
  }
  EXPECT_EQ(*(*store)->CountSealedSecrets(), 1);
  ASSERT_TRUE(fs::remove(Path("vault.key")));  // a typo, an unmounted volume
  auto again = OpenVault(**store, Path("vault.key"));
  ASSERT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(again.status().message().find(Path("vault.key")), std::string::npos) << again.status().message();
  EXPECT_EQ(again.status().message().find('\n'), std::string::npos) << "one line";
  EXPECT_FALSE(fs::exists(Path("vault.key"))) << "no new key that would open none of them";
}

TEST(FakeVaultTest, BindsTheContextAndDetectsAChange) {
  FakeVault vault;
  std::string sealed = *vault.Seal("secret/acme/API", "hunter2");
  EXPECT_EQ(sealed.find("hunter2"), std::string::npos);
  EXPECT_EQ(*vault.Open("secret/acme/API", sealed), "hunter2");
  EXPECT_FALSE(vault.Open("secret/beta/API", sealed).ok());
  EXPECT_FALSE(vault.Open("secret/acme/API", sealed + "0").ok());
  vault.fail_next_open = true;
  EXPECT_FALSE(vault.Open("secret/acme/API", sealed).ok());
  EXPECT_TRUE(vault.Open("secret/acme/API", sealed).ok());
}

class SecretsTest : public VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    store_ = std::move(*SqliteStore::Open(Path("md.db")));
    vault_ = OpenOrDie("vault.key");
  }
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<SodiumVault> vault_;
};

TEST_F(SecretsTest, StoreFileNeverHoldsAValueInClear) {
  Secrets secrets(*store_, *vault_);
  const std::string pw = "pw-" + RandomHex(12);
  ASSERT_TRUE(secrets.Set("acme", {{"API_KEY", pw}, {"md:db_password", pw + "db"}}, {}).ok());
  EXPECT_EQ(*secrets.Get("acme", "API_KEY"), pw);
  EXPECT_EQ(secrets.Get("acme", "NOPE").status().code(), Code::kNotFound);
  EXPECT_EQ((*secrets.Get("acme"))["md:db_password"], pw + "db");
  EXPECT_EQ(*secrets.Names("acme"), (std::vector<std::string>{"API_KEY", "md:db_password"}));
  EnvMap sealed = *store_->GetSecrets("acme");
  for (const auto& [key, value] : sealed) EXPECT_EQ(value.find(pw), std::string::npos) << key;
  for (const char* file : {"md.db", "md.db-wal"}) {
    auto bytes = ReadFile(Path(file));
    if (bytes.ok()) {
      EXPECT_EQ(bytes->find(pw), std::string::npos) << file;
    }
  }
}

TEST_F(SecretsTest, ReplaceRemovesWhatTheNewSetLacks) {
  Secrets secrets(*store_, *vault_);
  ASSERT_TRUE(secrets.Set("acme", {{"A", "1"}, {"B", "2"}}, {}).ok());
  ASSERT_TRUE(secrets.Replace("acme", {{"B", "3"}, {"C", "4"}}).ok());
  EXPECT_EQ(*secrets.Get("acme"), (EnvMap{{"B", "3"}, {"C", "4"}}));
}

TEST_F(SecretsTest, BackupBundleOpensForItsOwnInstanceOnly) {
  Secrets secrets(*store_, *vault_);
  EnvMap values = {{"md:db_password", "pw"}, {"API", "k"}};
  std::string bundle = *secrets.SealBundle("acme", values);
  EXPECT_EQ(bundle.find("\"pw\""), std::string::npos);
  EXPECT_EQ(*secrets.OpenBundle("acme", bundle), values);
  EXPECT_FALSE(secrets.OpenBundle("beta", bundle).ok());
}

TEST_F(SecretsTest, ARowSwappedInTheStoreDoesNotOpen) {
  Secrets secrets(*store_, *vault_);
  ASSERT_TRUE(secrets.Set("acme", {{"md:db_password", "a"}}, {}).ok());
  ASSERT_TRUE(secrets.Set("beta", {{"md:db_password", "b"}}, {}).ok());
  // Someone with the store file copies acme's sealed value into beta's row.
  ASSERT_TRUE(store_->SetSecrets("beta", *store_->GetSecrets("acme"), {}).ok());
  EXPECT_EQ(secrets.Get("beta").status().code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace md
