// Use cases end to end over fake drivers: placement, the create plan, flags,
// upgrade with rollback, delete. The same flows run against the real
// components in tests/e2e.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <thread>
#include <tuple>

#include "core/clock.h"
#include "core/files.h"
#include "core/random.h"
#include "drivers/backup/fake_archiver.h"
#include "drivers/certs/fake_cert_files.h"
#include "drivers/database/fake_database.h"
#include "drivers/dns/fake_dns_updater.h"
#include "drivers/exec/fake_command_runner.h"
#include "drivers/files/fake_file_accounts.h"
#include "drivers/files/password_hash.h"
#include "drivers/proxy/fake_front_proxy.h"
#include "drivers/cgroup/fake_cgroups.h"
#include "drivers/host/fake_host.h"
#include "drivers/mail/fake_mailer.h"
#include "drivers/supervisor/fake_supervisor.h"
#include "drivers/tenant_fs/fake_tenant_fs.h"
#include "drivers/vault/fake_vault.h"
#include "api/json_codec.h"
#include "service/audit_log.h"
#include "service/controller_impl.h"
#include "service/env_policy.h"
#include "service/metrics_collector.h"
#include "core/prom_text.h"
#include "service/plans.h"
#include "waker/wake_entry.h"
#include "service/public_service.h"
#include "service/record_retention.h"
#include "store/sqlite_store.h"

namespace md {
namespace {

using namespace std::chrono_literals;

// Answers health checks from a function of the socket path, so a test can
// make an app (un)healthy.
class ScriptedProbe final : public HealthProbe {
 public:
  std::function<int(const std::string& socket)> answer = [](const std::string&) { return 200; };
  int Get(const std::string& socket, uid_t, const std::string&, std::string* error) override {
    int code = answer(socket);
    if (code == 0 && error) *error = "connection refused";
    return code;
  }
};

// The front door's HTTPS check, with no proxy to ask.
class NoHttpsProbe final : public HttpsProbe {
 public:
  int Get(const std::string&, int, const std::string&, const std::string&, std::string* error) override {
    if (error) *error = "no front door in unit tests";
    return 0;
  }
};

// The fixture's SFTP host key, as FileAccessStack reads it.
const char* const kSshfp = "4 2 17dfc1fa0cf0a8a671d4af12df46c730e4bb8e957b78dfaa31f3eb5d05c03faf";
const FileAccessSummary kFileAccess{
    .sftp_port = 2022,
    .ftp_port = 2021,
    .host_keys = {{"ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIINosJrMaJsD63a3jNproVtc/+KIHEYDXVvm3lBEf2dE",
                   "SHA256:F9/B+gzwqKZx1K8S30bHMOS7jpV7eN+qMfPrXQXAP68"}}};

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Short: the apps' socket paths beneath it must fit in a sockaddr_un.
    dir_ = std::filesystem::temp_directory_path() / ("md-ct-" + RandomHex(6));
    std::filesystem::create_directories(dir_);
    store_ = std::move(*SqliteStore::Open(":memory:"));
    ClusterDirectory clusters(*store_, vault_);
    ASSERT_TRUE(clusters.Insert({.name = "small", .admin_url = "postgresql://a:pw@small:5432/postgres", .capacity = 1}).ok());
    ASSERT_TRUE(clusters.Insert({.name = "big", .admin_url = "postgresql://a:pw@big:5432/postgres", .capacity = 2}).ok());
    deps_ = std::make_unique<ServiceDeps>(ServiceDeps{.store = *store_,
                                                      .database = database_,
                                                      .host = host_,
                                                      .supervisor = supervisor_,
                                                      .cgroups = cgroups_,
                                                      .archiver = archiver_,
                                                      .tenant_fs = tenant_fs_,
                                                      .commands = commands_,
                                                      .vault = vault_,
                                                      .file_accounts = file_accounts_,
                                                      .profiles = profiles_,
                                                      .probe = probe_,
                                                      .layout = Layout(dir_.string()),
                                                      .libexec_dir = (dir_ / "libexec").string(),
                                                      .health_timeout_ms = 300});
    context_ = std::make_unique<InstanceContext>(*deps_);
    steps_ = std::make_unique<TenantSteps>(*deps_, *context_);
    backups_ = std::make_unique<BackupSteps>(*deps_, *context_);
    local_ca_ = std::make_unique<LocalCa>((dir_ / "ca").string());
    budget_ = std::make_unique<CertBudget>(RateLimits{}, psl_);
    door_ = std::make_unique<FrontDoor>(*store_, proxy_, cert_files_,
                                        FrontDoorSettings{.domain = "example.test", .data_dir = dir_.string()});
    certs_ = std::make_unique<CertManager>(*store_, *local_ca_, nullptr, nullptr, *door_, cert_files_, *budget_,
                                           CertManagerSettings{.domain = "example.test"});
    resources_ = std::make_unique<Resources>(*deps_, *context_,
                                             FrontDoorResources{*door_, *certs_, &dns_, {.ipv4 = "192.0.2.1"}, {kSshfp}});
    mail_ = std::make_unique<CustomerMail>(
        *store_, deps_->secrets(), mailer_, *door_,
        CustomerMailSettings{.from = {.name = "MeltanoData", .address = "noreply@example.test"},
                             .welcome_max_attempts = 8});
    plans_ = std::make_unique<TenantPlans>(*steps_, *backups_, *resources_, *certs_, *mail_);
    RunnerOptions options;
    options.first_backoff = 1ms;
    options.max_backoff = 2ms;
    options.max_attempts = 5;
    runner_ = std::make_unique<Runner>(*store_, *plans_, options);
    mail_->AttachRunner(*runner_);
    controller_ = std::make_unique<ControllerImpl>(*deps_, *steps_, *backups_, *resources_,
                                                   FrontDoorParts{*door_, *certs_, *local_ca_, https_probe_, ""},
                                                   *runner_, *mail_, ControllerOptions{.file_access = kFileAccess});
    ASSERT_TRUE(runner_->Start().ok());
  }
  // A failed create leaves nothing but its operation record.
  void ExpectNothingLeftOf(const std::string& sub) {
    EXPECT_EQ(store_->GetInstance(sub).status().code(), Code::kNotFound);
    EXPECT_TRUE(store_->ListLedger(sub)->empty());
    EXPECT_EQ(host_.LookupUser("md-" + sub).status().code(), Code::kNotFound);
    EXPECT_EQ(supervisor_.GetStatus("tenant-" + sub).status().code(), Code::kNotFound);
    EXPECT_FALSE(cgroups_.LimitsOf("tenant-" + sub).has_value());
    for (const char* cluster : {"postgresql://a:pw@big:5432/postgres", "postgresql://a:pw@small:5432/postgres"}) {
      EXPECT_FALSE(database_.DatabaseExists(cluster, "md_" + sub));
      EXPECT_FALSE(database_.RoleExists(cluster, "md_" + sub));
    }
    EXPECT_FALSE(TenantFile("tenants/" + sub));
    EXPECT_FALSE(TenantFile("secrets/" + sub));
    EXPECT_EQ(store_->GetCluster("big")->used + store_->GetCluster("small")->used, 0);
  }

  // What the instance's files hold (in the fake TenantFs), by path under the data dir.
  std::optional<FakeTenantFs::Entry> TenantFile(const std::string& rel) { return tenant_fs_.Get(dir_.string() + "/" + rel); }
  // Plants `entry` as the tenant would.
  void Plant(const std::string& rel, FakeTenantFs::Entry entry) { tenant_fs_.Plant(dir_.string() + "/" + rel, entry); }

  void TearDown() override {
    runner_->Stop();
    std::filesystem::remove_all(dir_);
  }

  Operation CreateAndWait(const std::string& sub, const std::string& version = "") {
    auto op = controller_->CreateInstance({.subdomain = sub, .email = sub + "@example.com", .name = sub, .version = version});
    EXPECT_TRUE(op.ok()) << op.status().message();
    return Wait(*op);
  }
  Operation Wait(const Operation& op) {
    auto done = runner_->WaitFinal(op.id, 10s);
    EXPECT_TRUE(done.ok());
    return *done;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  FakeDatabase database_;
  FakeHost host_;
  FakeSupervisor supervisor_;
  FakeCgroups cgroups_;
  FakeVault vault_;
  FakeArchiver archiver_;
  FakeTenantFs tenant_fs_;
  FakeCommandRunner commands_;
  FakeFileAccounts file_accounts_;
  ProfileCatalog profiles_;
  ScriptedProbe probe_;
  std::unique_ptr<ServiceDeps> deps_;
  std::unique_ptr<InstanceContext> context_;
  std::unique_ptr<TenantSteps> steps_;
  std::unique_ptr<BackupSteps> backups_;
  FakeFrontProxy proxy_;
  FakeDnsUpdater dns_{"example.test"};
  PublicSuffixList psl_;
  NoHttpsProbe https_probe_;
  std::unique_ptr<LocalCa> local_ca_;
  FakeCertFiles cert_files_;
  std::unique_ptr<CertBudget> budget_;
  std::unique_ptr<FrontDoor> door_;
  std::unique_ptr<CertManager> certs_;
  std::unique_ptr<Resources> resources_;
  FakeMailer mailer_;
  std::unique_ptr<CustomerMail> mail_;
  std::unique_ptr<TenantPlans> plans_;
  std::unique_ptr<Runner> runner_;
  std::unique_ptr<ControllerImpl> controller_;
};

TEST_F(ControllerTest, CreateProvisionsEveryResourceAndRuns) {
  Operation op = CreateAndWait("acme");
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  auto inst = store_->GetInstance("acme");
  ASSERT_TRUE(inst.ok());
  EXPECT_EQ(inst->status, InstanceStatus::kRunning);
  EXPECT_EQ(inst->cluster, "big");  // the most free capacity
  EXPECT_EQ(inst->unix_user, "md-acme");
  auto shown = controller_->GetInstance("acme");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->url, "https://acme.example.test:8443/");  // the public URL, never the upstream
  auto cluster = ClusterDirectory(*store_, vault_).Get("big");
  EXPECT_TRUE(database_.DatabaseExists(cluster->admin_url, inst->db_name));
  EXPECT_TRUE(host_.LookupUser("md-acme").ok());
  auto svc = supervisor_.GetStatus("tenant-acme");
  ASSERT_TRUE(svc.ok());
  EXPECT_TRUE(svc->up);
  auto spec = supervisor_.SpecOf("tenant-acme");
  ASSERT_TRUE(spec.ok());
  EXPECT_NE(spec->run_script.find("setpriv"), std::string::npos);
  EXPECT_NE(spec->run_script.find("--no-new-privs"), std::string::npos);
  EXPECT_NE(spec->run_script.find("/fake-cgroup/tenant-acme/cgroup.procs"), std::string::npos);
  EXPECT_EQ(spec->run_script.find("pw@"), std::string::npos) << "no secret in the run script";
  EXPECT_EQ(inst->uid, 2000000) << "the first UID of the default range";
  EXPECT_EQ(host_.LookupUser("md-acme")->uid, 2000000u);
  auto limits = cgroups_.LimitsOf("tenant-acme");
  ASSERT_TRUE(limits.has_value()) << "the profile's limits, before the service starts";
  EXPECT_EQ(limits->memory_bytes, 512 * 1024 * 1024);
  EXPECT_EQ(limits->pids, 256);
  EXPECT_EQ(limits->cpu_weight, 100);
  const std::string app_dir = dir_.string() + "/tenants/acme/app/1.0.0";
  EXPECT_EQ(commands_.calls(), std::vector<std::string>{"RunAsController install -D -m 0755 " + dir_.string() +
                                                        "/libexec/meltanodata-demo " + app_dir +
                                                        "/bin/meltanodata-demo (in " + app_dir + ")"});
  EXPECT_EQ(TenantFile("tenants/acme/app/1.0.0/.installed")->content, "1.0.0\n");
  auto current = TenantFile("tenants/acme/app/current");
  ASSERT_TRUE(current);
  EXPECT_EQ(current->type, FileType::kSymlink);
  EXPECT_EQ(current->content, "1.0.0");
  EXPECT_TRUE(TenantFile("secrets/acme/DATABASE_URL"));
  auto ledger = store_->ListLedger("acme");
  ASSERT_TRUE(ledger.ok());
  // role, database, user, 3 directories, file account, cgroup, service, wake entry, DNS records A and SSHFP, route
  EXPECT_EQ(ledger->size(), 13u);
  EXPECT_EQ(*dns_.Lookup("acme.example.test", "A"), std::vector<std::string>{"192.0.2.1"});
  auto served = proxy_.serving();
  ASSERT_TRUE(served.has_value());
  ASSERT_EQ(served->routes.size(), 1u);
  EXPECT_EQ(served->routes[0].hosts, std::vector<std::string>{"*.example.test"});
  EXPECT_EQ(served->routes[0].upstream, "unix/" + dir_.string() + "/front/{subdomain}/http.sock") << "the waker's";
}

TEST_F(ControllerTest, InstancesComeAndGoWithoutAChangeOfTheProxy) {
  CreateAndWait("first");
  const int changes = proxy_.changes();
  for (const char* sub : {"t1", "t2"}) EXPECT_EQ(CreateAndWait(sub).state, OperationState::kSucceeded);  // the clusters are full
  ASSERT_EQ(Wait(*controller_->DeleteInstance("t2", false)).state, OperationState::kSucceeded);
  EXPECT_EQ(proxy_.changes(), changes) << "one route serves every subdomain";
  auto doctor = controller_->Doctor(false);
  ASSERT_TRUE(doctor.ok());
  for (const DoctorFinding& f : *doctor) ADD_FAILURE() << f.kind << " " << f.resource << ": " << f.detail;
}

TEST_F(ControllerTest, TheWakerLearnsEachInstanceAndWhetherAnOperatorStoppedIt) {
  CreateAndWait("acme");
  auto entry_of = [&] {
    auto text = ReadFile((dir_ / "wake" / "tenants" / "acme").string());
    EXPECT_TRUE(text.ok());
    auto entry = ParseWakeEntry(text.ok() ? *text : "");
    EXPECT_TRUE(entry.ok()) << entry.status().message();
    return entry.ok() ? *entry : WakeEntry{};
  };
  WakeEntry entry = entry_of();
  EXPECT_EQ(entry.listen_socket, (dir_ / "front" / "acme" / "http.sock").string());
  EXPECT_EQ(entry.app_socket, (dir_ / "sockets" / "acme" / "app.sock").string());
  EXPECT_EQ(entry.health_path, "/healthz");
  EXPECT_TRUE(entry.wakeable);

  ASSERT_EQ(Wait(*controller_->ChangeLifecycle("acme", Lifecycle::kStop)).state, OperationState::kSucceeded);
  EXPECT_FALSE(entry_of().wakeable) << "a request never wakes what an operator stopped";
  ASSERT_EQ(Wait(*controller_->ChangeLifecycle("acme", Lifecycle::kStart)).state, OperationState::kSucceeded);
  EXPECT_TRUE(entry_of().wakeable);
}

TEST_F(ControllerTest, AnInstanceTheWakerPutToSleepIsIdleAndStatusDoesNotWakeIt) {
  CreateAndWait("acme");
  std::filesystem::create_directories(dir_ / "wake" / "asleep");
  ASSERT_TRUE(WriteFileAtomic((dir_ / "wake" / "asleep" / "acme").string(), "", 0644).ok());
  EXPECT_EQ(controller_->GetInstance("acme")->status, InstanceStatus::kIdle);
  EXPECT_EQ(controller_->ListInstancesPage({})->instances.at(0).status, InstanceStatus::kIdle);
  EXPECT_EQ(store_->GetInstance("acme")->status, InstanceStatus::kRunning) << "the store keeps it running";
  ASSERT_TRUE(supervisor_.Stop(Layout::ServiceName("acme")).ok());
  auto report = controller_->GetStatus("acme");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->health_error, "asleep: its next request starts it");
  EXPECT_EQ(report->https_code, 0);
  EXPECT_TRUE(report->https_error.empty()) << "not probed through the front door: that would wake it";
}

TEST_F(ControllerTest, OperatorsAreStoredAsArgon2idHashesAndChecked) {
  auto added = controller_->AddOperator("ann", "correct horse battery");
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(controller_->AddOperator("ann", "another long password").status().code(), Code::kAlreadyExists);
  EXPECT_EQ(controller_->AddOperator("bob", "short").status().code(), Code::kInvalidArgument);
  auto stored = store_->GetOperator("ann");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(stored->password_hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(*controller_->CheckOperatorPassword("ann", "correct horse battery"));
  EXPECT_FALSE(*controller_->CheckOperatorPassword("ann", "correct horse battery!"));
  EXPECT_FALSE(*controller_->CheckOperatorPassword("nobody", "correct horse battery"));
  EXPECT_FALSE(*controller_->CheckOperatorPassword("Not Valid", "x"));
  ASSERT_EQ(controller_->ListOperators()->size(), 1u);
  ASSERT_TRUE(controller_->RemoveOperator("ann").ok());
  EXPECT_FALSE(*controller_->CheckOperatorPassword("ann", "correct horse battery"));
}

TEST_F(ControllerTest, PublishesAnAaaaRecordWhenAnIpv6AddressIsSet) {
  auto with_v6 = NewDnsRecordsType(*store_, {*door_, *certs_, &dns_, {.ipv4 = "192.0.2.1", .ipv6 = "2001:db8::1"}});
  CreateAndWait("acme");
  ASSERT_TRUE(with_v6->Ensure("acme").ok());
  EXPECT_EQ(*dns_.Lookup("acme.example.test", "AAAA"), std::vector<std::string>{"2001:db8::1"});
  ASSERT_TRUE(resources_->RemoveRecorded(*with_v6, "acme").ok());
  EXPECT_TRUE(dns_.Lookup("acme.example.test", "AAAA")->empty());
  EXPECT_TRUE(dns_.Lookup("acme.example.test", "A")->empty());
}

TEST_F(ControllerTest, FileAccountIsChrootedToTheTenantsRootWithItsOwnPassword) {
  CreateAndWait("acme");
  auto account = file_accounts_.Get("md-acme");
  ASSERT_TRUE(account.has_value());
  EXPECT_EQ(account->root, dir_.string() + "/tenants/acme");
  auto password = Secrets(*store_, vault_).Get("acme", kFilesPasswordKey);
  ASSERT_TRUE(password.ok());
  EXPECT_TRUE(PasswordMatches(*password, account->password_hash));
  EXPECT_FALSE(PasswordMatches(*password + "x", account->password_hash));
  EXPECT_EQ(account->password_hash.find(*password), std::string::npos) << "stored hashed";
  auto names = controller_->ListSecretNames("acme");
  for (const auto& n : *names) EXPECT_EQ(n.find("files"), std::string::npos) << "internal secret listed";
}

TEST_F(ControllerTest, RotatingTheFilesPasswordRewritesTheAccountsHash) {
  CreateAndWait("acme");
  std::string old_password = *Secrets(*store_, vault_).Get("acme", kFilesPasswordKey);
  Operation op = Wait(*controller_->RotateCredentials("acme", "files"));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  std::string password = *Secrets(*store_, vault_).Get("acme", kFilesPasswordKey);
  EXPECT_NE(password, old_password);
  auto account = file_accounts_.Get("md-acme");
  ASSERT_TRUE(account.has_value());
  EXPECT_TRUE(PasswordMatches(password, account->password_hash));
  EXPECT_FALSE(PasswordMatches(old_password, account->password_hash)) << "the old password still logs in";
  auto shown = controller_->ShowCredentials("acme");
  ASSERT_TRUE(shown.ok());
  auto files = std::find_if(shown->begin(), shown->end(), [](const Credential& c) { return c.kind == "files"; });
  ASSERT_NE(files, shown->end());
  EXPECT_EQ(files->username, "md-acme");
  EXPECT_EQ(files->password, password);
}

TEST_F(ControllerTest, ShowGivesFileAccessAndKnownHostsItsHostKeys) {
  CreateAndWait("acme");
  auto shown = controller_->GetInstance("acme");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->file_access.host, "acme.example.test");
  EXPECT_EQ(shown->file_access.sftp_port, 2022);
  EXPECT_EQ(shown->file_access.ftp_port, 2021);
  EXPECT_EQ(shown->file_access.username, "md-acme");
  ASSERT_EQ(shown->file_access.host_keys.size(), 1u);
  EXPECT_EQ(shown->file_access.host_keys[0].sha256, "SHA256:F9/B+gzwqKZx1K8S30bHMOS7jpV7eN+qMfPrXQXAP68");
  auto all = controller_->KnownHosts("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].hosts, "[*.example.test]:2022");
  EXPECT_EQ((*all)[0].type, "ssh-ed25519");
  EXPECT_EQ((*controller_->KnownHosts("acme"))[0].hosts, "[acme.example.test]:2022");
  EXPECT_EQ(controller_->KnownHosts("nope").status().code(), Code::kNotFound);
}

TEST_F(ControllerTest, DeleteTakesTheRouteAndDnsRecordAway) {
  CreateAndWait("acme");
  EXPECT_EQ(*dns_.Lookup("acme.example.test", "SSHFP"), std::vector<std::string>{kSshfp});
  ASSERT_EQ(Wait(*controller_->DeleteInstance("acme", false)).state, OperationState::kSucceeded);
  EXPECT_TRUE(dns_.Lookup("acme.example.test", "SSHFP")->empty());
  EXPECT_FALSE(file_accounts_.Get("md-acme").has_value()) << "its login is gone";
  EXPECT_TRUE(dns_.Lookup("acme.example.test", "A")->empty());
  EXPECT_FALSE(*door_->Serves("acme")) << "its route is out of the ledger";
  EXPECT_FALSE(std::filesystem::exists(dir_ / "front" / "acme")) << "so the subdomains' route answers 404 for it";
  EXPECT_FALSE(std::filesystem::exists(dir_ / "wake" / "tenants" / "acme")) << "and the waker forgets it";
}

TEST_F(ControllerTest, CertificatesAreLocalStandInsWithoutAnAcmeCa) {
  ASSERT_TRUE(certs_->Serve(NowMs()).ok());
  auto certs = controller_->ListCertificates();
  ASSERT_TRUE(certs.ok());
  ASSERT_EQ(certs->size(), 1u);
  EXPECT_EQ(certs->at(0).names, (std::vector<std::string>{"*.example.test", "example.test"}));
  EXPECT_FALSE(certs->at(0).trusted);
  EXPECT_EQ(proxy_.serving()->certificates.size(), 1u);
  EXPECT_NE(controller_->LocalCaRootPem()->find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST_F(ControllerTest, CustomDomainsAreRoutedAndGetTheirOwnCertificate) {
  CreateAndWait("acme");
  auto added = controller_->AddDomain("acme", "shop.customer.example");
  ASSERT_TRUE(added.ok()) << added.status().message();
  auto routes = proxy_.serving()->routes;
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[1].hosts, (std::vector<std::string>{"shop.customer.example"}));
  EXPECT_EQ(routes[1].upstream, "unix/" + dir_.string() + "/front/acme/http.sock");
  EXPECT_EQ(controller_->ListCertificates()->size(), 2u);
  EXPECT_EQ(controller_->AddDomain("acme", "shop.customer.example").status().code(), Code::kAlreadyExists);
  EXPECT_EQ(controller_->AddDomain("acme", "x.example.test").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(controller_->AddDomain("ghost", "a.example.org").status().code(), Code::kNotFound);
  ASSERT_TRUE(controller_->RemoveDomain("acme", "shop.customer.example").ok());
  EXPECT_EQ(proxy_.serving()->routes.size(), 1u);
  EXPECT_EQ(controller_->ListCertificates()->size(), 1u);
  EXPECT_EQ(controller_->RemoveDomain("acme", "shop.customer.example").code(), Code::kNotFound);
}

TEST_F(ControllerTest, CustomDomainsRefuseIpLiteralsAndRouteNothing) {
  CreateAndWait("acme");
  for (const char* ip : {"127.0.0.1", "127.1", "0x7f.1", "2130706433", "::1", "[::1]", "[2001:db8::1]"}) {
    auto added = controller_->AddDomain("acme", ip);
    EXPECT_EQ(added.status().code(), Code::kInvalidArgument) << ip;
    EXPECT_NE(added.status().message().find("IP address"), std::string::npos) << added.status().message();
  }
  EXPECT_TRUE(controller_->ListDomains("acme")->empty());
  EXPECT_EQ(proxy_.serving()->routes.size(), 1u) << "the subdomains' route alone";
}

TEST_F(ControllerTest, FlagsMustMatchTheProfilesPatterns) {
  CreateAndWait("acme");
  auto refused = controller_->ChangeFlags("acme", {{"MELTANO_UI_READONLY", "true"}, {"API_MODE", "x"}}, {});
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("API_MODE"), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("MELTANO_*"), std::string::npos) << refused.status().message();
  EXPECT_TRUE(store_->GetFlags("acme")->empty()) << "a refused change stores none of its flags";
}

TEST_F(ControllerTest, FlagsAndSecretsCannotTakeANameThePlatformSets) {
  CreateAndWait("acme");
  // Reserved for the run script, loader or interpreter; the demo profile's
  // [environment] (SOCKET, MELTANO_PROJECT_ROOT) and [secret_environment].
  for (const char* name : {"PATH", "HOME", "USER", "LD_PRELOAD", "LD_LIBRARY_PATH", "PYTHONPATH", "BASH_ENV", "IFS",
                           "MELTANODATA_TOKEN", "SOCKET", "MELTANO_PROJECT_ROOT", "DATABASE_URL", "ADMIN_PASSWORD"}) {
    auto secret = controller_->ChangeSecrets("acme", {{name, "x"}}, {});
    EXPECT_EQ(secret.status().code(), Code::kInvalidArgument) << name;
    EXPECT_NE(secret.status().message().find(name), std::string::npos) << secret.status().message();
    EXPECT_EQ(controller_->ChangeFlags("acme", {{name, "x"}}, {}).status().code(), Code::kInvalidArgument) << name;
  }
  EXPECT_TRUE(store_->GetFlags("acme")->empty());
  EXPECT_EQ(*controller_->ListSecretNames("acme"), (std::vector<std::string>{"ADMIN_PASSWORD", "DATABASE_URL"}));
  // A flag set before the profile took its name can go; a name the platform sets and the instance does not is refused.
  ASSERT_TRUE(store_->SetFlags("acme", {{"SOCKET", "/old"}}, {}).ok());
  EXPECT_TRUE(controller_->ChangeFlags("acme", {}, {"SOCKET"}).ok());
  EXPECT_EQ(controller_->ChangeFlags("acme", {}, {"PATH"}).status().code(), Code::kInvalidArgument);
}

TEST_F(ControllerTest, AFlagAndASecretCannotShareAName) {
  CreateAndWait("acme");
  ASSERT_EQ(Wait(*controller_->ChangeFlags("acme", {{"MELTANO_TOKEN", "1"}}, {})).state, OperationState::kSucceeded);
  auto secret = controller_->ChangeSecrets("acme", {{"MELTANO_TOKEN", "s"}}, {});
  EXPECT_EQ(secret.status().code(), Code::kAlreadyExists) << secret.status().message();
  EXPECT_EQ(store_->GetSecrets("acme")->count("MELTANO_TOKEN"), 0u);

  ASSERT_EQ(Wait(*controller_->ChangeFlags("acme", {}, {"MELTANO_TOKEN"})).state, OperationState::kSucceeded);
  ASSERT_EQ(Wait(*controller_->ChangeSecrets("acme", {{"MELTANO_TOKEN", "s"}}, {})).state, OperationState::kSucceeded);
  auto flag = controller_->ChangeFlags("acme", {{"MELTANO_TOKEN", "1"}}, {});
  EXPECT_EQ(flag.status().code(), Code::kAlreadyExists) << flag.status().message();
  EXPECT_TRUE(store_->GetFlags("acme")->empty());
}

TEST_F(ControllerTest, MeltanoFlagsCannotOverrideWhatItsProfileSets) {
  auto meltano = profiles_.Find("meltano");
  ASSERT_TRUE(meltano.ok());
  for (const char* name : {"GUNICORN_CMD_ARGS", "MELTANO_PROJECT_ROOT", "MELTANO_UI_AUTHENTICATION", "MELTANO_DATABASE_URI",
                           "MELTANO_UI_SECRET_KEY", "FLASK_ENV", "PATH"}) {
    EXPECT_EQ(CheckEnvNames(*meltano, EnvKind::kFlag, {{name, "x"}}, {}, {}, {}).code(), Code::kInvalidArgument) << name;
    EXPECT_EQ(CheckEnvNames(*meltano, EnvKind::kSecret, {{name, "x"}}, {}, {}, {}).code(), Code::kInvalidArgument) << name;
  }
  EXPECT_TRUE(CheckEnvNames(*meltano, EnvKind::kFlag, {{"MELTANO_UI_READONLY", "true"}}, {}, {}, {}).ok());
  EXPECT_TRUE(CheckEnvNames(*meltano, EnvKind::kSecret, {{"TAP_GITHUB_TOKEN", "t"}}, {}, {}, {}).ok());
}

TEST_F(ControllerTest, WhatThePlatformSetsCannotBeRemoved) {
  CreateAndWait("acme");
  for (const char* name : {"ADMIN_PASSWORD", "PATH"}) {
    auto secret = controller_->ChangeSecrets("acme", {}, {name});
    EXPECT_EQ(secret.status().code(), Code::kInvalidArgument) << name;
    EXPECT_NE(secret.status().message().find("cannot be removed"), std::string::npos) << secret.status().message();
  }
  auto names = controller_->ListSecretNames("acme");
  ASSERT_TRUE(names.ok());
  EXPECT_NE(std::find(names->begin(), names->end(), "ADMIN_PASSWORD"), names->end()) << "still set";
  EXPECT_EQ(Wait(*controller_->ChangeSecrets("acme", {{"TOKEN", "t"}}, {})).state, OperationState::kSucceeded);
  EXPECT_EQ(Wait(*controller_->ChangeSecrets("acme", {}, {"TOKEN"})).state, OperationState::kSucceeded)
      << "a secret of the instance's own is removed";
}

TEST_F(ControllerTest, FillsClustersThenRefusesNamingClustersAdd) {
  for (const char* sub : {"t1", "t2", "t3"}) EXPECT_EQ(CreateAndWait(sub).state, OperationState::kSucceeded);
  auto refused = controller_->CreateInstance({.subdomain = "t4", .email = "t4@example.com", .name = "t4"});
  ASSERT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("clusters add"), std::string::npos);
  EXPECT_EQ(store_->GetInstance("t4").status().code(), Code::kNotFound);
  Operation del = Wait(*controller_->DeleteInstance("t2", true));
  ASSERT_EQ(del.state, OperationState::kSucceeded) << del.error;
  EXPECT_EQ(CreateAndWait("t4").state, OperationState::kSucceeded);
}

TEST_F(ControllerTest, ClustersAdminUrlsAreSealedInTheStore) {
  auto added = controller_->AddCluster("extra", "postgresql://root:s3cret@extra:5432/postgres", 5);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(added->admin_url, "postgresql://root:s3cret@extra:5432/postgres");
  std::vector<Cluster> stored_clusters = *store_->ListClusters();
  for (const Cluster& stored : stored_clusters) {
    EXPECT_EQ(stored.admin_url.find("s3cret"), std::string::npos) << stored.name;
    EXPECT_EQ(stored.admin_url.find("postgres"), std::string::npos) << stored.name << " in clear";
  }
  auto drained = controller_->DrainCluster("extra");
  ASSERT_TRUE(drained.ok());
  EXPECT_EQ(drained->admin_url, "postgresql://root:s3cret@extra:5432/postgres") << "still opens after an update";

  // An older version's clear URL is sealed once, and opens the same.
  ASSERT_TRUE(store_->InsertCluster({.name = "old", .admin_url = "postgres://a:old-pw@old:5432/postgres"}).ok());
  ClusterDirectory clusters(*store_, vault_);
  EXPECT_EQ(*clusters.SealPlainAdminUrls(), 1);
  EXPECT_EQ(*clusters.SealPlainAdminUrls(), 0);
  EXPECT_EQ(store_->GetCluster("old")->admin_url.find("old-pw"), std::string::npos);
  EXPECT_EQ(clusters.Get("old")->admin_url, "postgres://a:old-pw@old:5432/postgres");
}

TEST_F(ControllerTest, SkipsDrainingClusters) {
  ASSERT_TRUE(controller_->DrainCluster("big").ok());
  CreateAndWait("acme");
  EXPECT_EQ(store_->GetInstance("acme")->cluster, "small");
  EXPECT_EQ(controller_->RemoveCluster("small").code(), Code::kFailedPrecondition);
  EXPECT_TRUE(controller_->RemoveCluster("big").ok());
}

TEST_F(ControllerTest, RefusesTakenAndInvalidSubdomains) {
  CreateAndWait("acme");
  auto again = controller_->CreateInstance({.subdomain = "acme", .email = "a@example.com", .name = "A"});
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  auto bad = controller_->CreateInstance({.subdomain = "www", .email = "a@example.com", .name = "A"});
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(controller_->GetInstance("nosuch").status().code(), Code::kNotFound);
}

TEST_F(ControllerTest, RetriesWhileTheClusterIsDownThenFinishes) {
  database_.SetDown(true);
  auto op = controller_->CreateInstance({.subdomain = "acme", .email = "a@example.com", .name = "A"});
  ASSERT_TRUE(op.ok());
  std::this_thread::sleep_for(5ms);
  database_.SetDown(false);
  Operation done = Wait(*op);
  EXPECT_EQ(done.state, OperationState::kSucceeded) << done.error;
  EXPECT_GE(done.steps[0].attempts, 1);
}

TEST_F(ControllerTest, UnhealthyAppFailsCreateAndLeavesNothing) {
  probe_.answer = [](const std::string&) { return 503; };
  Operation op = CreateAndWait("acme");
  EXPECT_EQ(op.state, OperationState::kFailed);
  EXPECT_NE(op.error.find("wait_healthy"), std::string::npos);
  EXPECT_NE(op.error.find("503"), std::string::npos);
  EXPECT_NE(op.error.find("everything the create made was removed"), std::string::npos) << op.error;
  ExpectNothingLeftOf("acme");
}

TEST_F(ControllerTest, ClusterDownPastTheRetryBudgetFailsAndLeavesNothing) {
  database_.SetDown(true);
  Operation op = CreateAndWait("acme");
  EXPECT_EQ(op.state, OperationState::kFailed);
  EXPECT_EQ(op.steps[0].state, StepState::kFailed);
  EXPECT_GT(op.steps[0].attempts, 1) << "retried before giving up";
  database_.SetDown(false);
  ExpectNothingLeftOf("acme");
}

TEST_F(ControllerTest, FailingUseraddFailsAndLeavesNothing) {
  host_.FailNext(Internal("useradd exited with 1: cannot lock /etc/passwd"));
  Operation op = CreateAndWait("acme");
  EXPECT_EQ(op.state, OperationState::kFailed);
  EXPECT_NE(op.error.find("cannot lock"), std::string::npos) << op.error;
  ExpectNothingLeftOf("acme");
}

TEST_F(ControllerTest, FlagsAreWrittenAndReloadedWithoutRestart) {
  CreateAndWait("acme");
  int pid = supervisor_.GetStatus("tenant-acme")->pid;
  Operation op = Wait(*controller_->ChangeFlags("acme", {{"MELTANO_UI_READONLY", "true"}}, {}));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_EQ(supervisor_.GetStatus("tenant-acme")->pid, pid);
  EXPECT_EQ(supervisor_.HupCount("tenant-acme"), 1);
  auto env = TenantFile("tenants/acme/project/.env");
  ASSERT_TRUE(env);
  EXPECT_NE(env->content.find("MELTANO_UI_READONLY=true"), std::string::npos);
  EXPECT_EQ(controller_->ChangeFlags("acme", {{"1BAD", "x"}}, {}).status().code(), Code::kInvalidArgument);
}

TEST_F(ControllerTest, SecretsListShowsNamesOnly) {
  CreateAndWait("acme");
  Wait(*controller_->ChangeSecrets("acme", {{"API_KEY", "value-123"}}, {}));
  auto names = controller_->ListSecretNames("acme");
  ASSERT_TRUE(names.ok());
  EXPECT_NE(std::find(names->begin(), names->end(), "API_KEY"), names->end());
  for (const auto& n : *names) EXPECT_EQ(n.find("md:"), std::string::npos) << "internal secret listed";
  auto file = TenantFile("secrets/acme/API_KEY");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->mode, 0600u);
  EXPECT_EQ(file->content, "value-123");
}

TEST_F(ControllerTest, FailedUpgradeSwitchesBackToTheOldVersion) {
  CreateAndWait("acme");
  auto current = [&] { return TenantFile("tenants/acme/app/current")->content; };
  probe_.answer = [&](const std::string&) { return current().find("unhealthy") == std::string::npos ? 200 : 503; };
  auto ops = controller_->Upgrade({"acme"}, false, "2.0-unhealthy");
  ASSERT_TRUE(ops.ok());
  Operation op = Wait(ops->at(0));
  EXPECT_EQ(op.state, OperationState::kFailed);
  EXPECT_NE(op.error.find("rolled back to 1.0.0"), std::string::npos) << op.error;
  EXPECT_EQ(current(), "1.0.0");
  auto inst = store_->GetInstance("acme");
  EXPECT_EQ(inst->app_version, "1.0.0");
  EXPECT_EQ(inst->status, InstanceStatus::kRunning);

  Operation good = Wait(controller_->Upgrade({}, true, "1.1.0")->at(0));
  EXPECT_EQ(good.state, OperationState::kSucceeded) << good.error;
  EXPECT_EQ(current(), "1.1.0");
}

TEST_F(ControllerTest, AUidIsNeverGivenTwiceEvenAfterADelete) {
  ASSERT_EQ(CreateAndWait("acme").state, OperationState::kSucceeded);
  int64_t first = store_->GetInstance("acme")->uid;
  ASSERT_EQ(Wait(*controller_->DeleteInstance("acme", false)).state, OperationState::kSucceeded);
  ASSERT_EQ(CreateAndWait("acme").state, OperationState::kSucceeded);
  ASSERT_EQ(CreateAndWait("beta").state, OperationState::kSucceeded);
  EXPECT_EQ(store_->GetInstance("acme")->uid, first + 1);
  EXPECT_EQ(store_->GetInstance("beta")->uid, first + 2);
  EXPECT_EQ(host_.LookupUser("md-beta")->uid, static_cast<uid_t>(first + 2));
}

TEST_F(ControllerTest, AUidTakenOnTheHostIsSkipped) {
  ASSERT_TRUE(host_.EnsureUser("someone", "/home/someone", 2000000).ok());
  ASSERT_EQ(CreateAndWait("acme").state, OperationState::kSucceeded);
  EXPECT_EQ(store_->GetInstance("acme")->uid, 2000001);
  EXPECT_EQ(host_.LookupUser("md-acme")->uid, 2000001u);
}

TEST_F(ControllerTest, LimitsSetAppliesLiveAndStatusShowsUsageAgainstThem) {
  ASSERT_EQ(CreateAndWait("acme").state, OperationState::kSucceeded);
  int pid = supervisor_.GetStatus("tenant-acme")->pid;
  Operation op = Wait(*controller_->SetLimits("acme", {.memory_mb = 64, .pids = -1, .cpu_weight = 50}));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_EQ(cgroups_.LimitsOf("tenant-acme")->memory_bytes, 64 * 1024 * 1024);
  EXPECT_EQ(cgroups_.LimitsOf("tenant-acme")->pids, 256) << "kept: the profile's";
  EXPECT_EQ(cgroups_.LimitsOf("tenant-acme")->cpu_weight, 50);
  EXPECT_EQ(supervisor_.GetStatus("tenant-acme")->pid, pid) << "no restart";
  cgroups_.SetUsed("tenant-acme", 13 * 1024 * 1024, 3);
  auto report = controller_->GetStatus("acme");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->memory_bytes, 13 * 1024 * 1024);
  EXPECT_EQ(report->memory_limit_bytes, 64 * 1024 * 1024);
  EXPECT_EQ(report->pids, 3);
  EXPECT_EQ(report->pids_limit, 256);
  EXPECT_EQ(report->cpu_weight, 50);
  // 0 goes back to the profile's; out of range is refused and changes nothing.
  ASSERT_EQ(Wait(*controller_->SetLimits("acme", {.memory_mb = 0, .pids = -1, .cpu_weight = -1})).state,
            OperationState::kSucceeded);
  EXPECT_EQ(cgroups_.LimitsOf("tenant-acme")->memory_bytes, 512 * 1024 * 1024);
  EXPECT_EQ(controller_->SetLimits("acme", {.memory_mb = 8, .pids = -1, .cpu_weight = -1}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(controller_->SetLimits("acme", {.memory_mb = -1, .pids = -1, .cpu_weight = -1}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(store_->GetInstance("acme")->limits.memory_mb, 0);
}

TEST_F(ControllerTest, DeleteRemovesTheCgroupAfterTheService) {
  ASSERT_EQ(CreateAndWait("acme").state, OperationState::kSucceeded);
  ASSERT_EQ(Wait(*controller_->DeleteInstance("acme", false)).state, OperationState::kSucceeded);
  EXPECT_FALSE(cgroups_.LimitsOf("tenant-acme").has_value());
  EXPECT_FALSE(supervisor_.GetStatus("tenant-acme").ok());
  EXPECT_EQ(cgroups_.calls().back(), "Remove tenant-acme");
}

TEST_F(ControllerTest, DeleteLeavesNothingBehind) {
  CreateAndWait("acme");
  auto inst = *store_->GetInstance("acme");
  Operation op = Wait(*controller_->DeleteInstance("acme", true));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_EQ(store_->GetInstance("acme").status().code(), Code::kNotFound);
  EXPECT_FALSE(database_.DatabaseExists("postgresql://a:pw@big:5432/postgres", inst.db_name));
  EXPECT_FALSE(database_.RoleExists("postgresql://a:pw@big:5432/postgres", inst.db_role));
  EXPECT_EQ(host_.LookupUser(inst.unix_user).status().code(), Code::kNotFound);
  EXPECT_EQ(supervisor_.GetStatus("tenant-acme").status().code(), Code::kNotFound);
  EXPECT_FALSE(TenantFile("tenants/acme"));
  EXPECT_FALSE(TenantFile("secrets/acme"));
  EXPECT_TRUE(store_->ListLedger("acme")->empty());
  EXPECT_TRUE(store_->GetSecrets("acme")->empty());
  EXPECT_EQ(store_->GetCluster("big")->used, 0);
  auto findings = controller_->Doctor(false);
  ASSERT_TRUE(findings.ok());
  EXPECT_TRUE(findings->empty());
}

TEST_F(ControllerTest, DeleteTakesACheckedBackupFirst) {
  CreateAndWait("acme");
  Wait(*controller_->ChangeFlags("acme", {{"MELTANO_A", "1"}}, {}));
  Operation op = Wait(*controller_->DeleteInstance("acme", true));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  auto backups = controller_->ListBackups("acme");
  ASSERT_TRUE(backups.ok());
  ASSERT_EQ(backups->size(), 1u);
  EXPECT_EQ(backups->at(0).reason, "before delete");
  EXPECT_EQ(backups->at(0).id, BackupSteps::IdFor(op));
  EXPECT_TRUE(backups->at(0).has_files);
  EXPECT_EQ((*controller_->ListBackups(""))[0].id, backups->at(0).id);
}

TEST_F(ControllerTest, FailedBackupBlocksTheDeleteAndTheInstanceServesAgain) {
  CreateAndWait("acme");
  archiver_.FailNextCreate(Internal("pg_dump: disk full"));
  Operation op = Wait(*controller_->DeleteInstance("acme", true));
  EXPECT_EQ(op.state, OperationState::kFailed);
  EXPECT_NE(op.error.find("disk full"), std::string::npos) << op.error;
  EXPECT_NE(op.error.find("started again"), std::string::npos) << op.error;
  auto inst = store_->GetInstance("acme");
  ASSERT_TRUE(inst.ok());
  EXPECT_EQ(inst->status, InstanceStatus::kRunning);
  EXPECT_TRUE(supervisor_.GetStatus("tenant-acme")->up);
  EXPECT_TRUE(database_.DatabaseExists("postgresql://a:pw@big:5432/postgres", inst->db_name));
  EXPECT_TRUE(controller_->ListBackups("acme")->empty());
}

TEST_F(ControllerTest, DeleteWithoutBackupTakesNone) {
  CreateAndWait("acme");
  Operation op = Wait(*controller_->DeleteInstance("acme", false));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_TRUE(controller_->ListBackups("")->empty());
}

TEST_F(ControllerTest, FailedBackupBlocksTheWipe) {
  CreateAndWait("acme");
  archiver_.FailNextCreate(Internal("verify: db.dump: SHA-256 does not match the manifest"));
  Operation op = Wait(*controller_->WipeDatabase("acme"));
  EXPECT_EQ(op.state, OperationState::kFailed);
  EXPECT_NE(op.error.find("nothing was changed"), std::string::npos) << op.error;
  for (const auto& step : op.steps) {
    if (step.name == "wipe_database") {
      EXPECT_EQ(step.state, StepState::kPending);
    }
  }
  Operation ok = Wait(*controller_->WipeDatabase("acme"));
  EXPECT_EQ(ok.state, OperationState::kSucceeded) << ok.error;
  EXPECT_EQ((*controller_->ListBackups("acme"))[0].reason, "before wipe-db");
}

TEST_F(ControllerTest, RestoreBringsADeletedInstanceBackWithItsFlagsAndPasswords) {
  CreateAndWait("acme", "1.2.0");
  Wait(*controller_->ChangeFlags("acme", {{"MELTANO_A", "1"}}, {}));
  Wait(*controller_->ChangeSecrets("acme", {{"API_KEY", "k-1"}}, {}));
  EnvMap old_secrets = *Secrets(*store_, vault_).Get("acme");
  Operation deleted = Wait(*controller_->DeleteInstance("acme", true));
  ASSERT_EQ(deleted.state, OperationState::kSucceeded) << deleted.error;
  std::string id = (*controller_->ListBackups("acme"))[0].id;
  archiver_.ClearCalls();

  Operation op = Wait(*controller_->Restore("acme", ""));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_EQ(op.kind, "recreate");
  auto inst = store_->GetInstance("acme");
  ASSERT_TRUE(inst.ok());
  EXPECT_EQ(inst->status, InstanceStatus::kRunning);
  EXPECT_EQ(inst->app_version, "1.2.0");
  EXPECT_EQ((*store_->GetFlags("acme"))["MELTANO_A"], "1");
  // The backup carried the secrets, sealed: the same passwords, the role made with them.
  EXPECT_EQ(*Secrets(*store_, vault_).Get("acme"), old_secrets);
  EXPECT_TRUE(database_.Connect(*context_->TenantDatabaseUrl(*inst)).ok());
  EXPECT_EQ(TenantFile("secrets/acme/API_KEY")->content, "k-1");
  bool restored_db = false, restored_files = false;
  for (const auto& call : archiver_.Calls()) {
    restored_db |= call.rfind("RestoreDatabase md_acme md_acme", 0) == 0 && call.find(id) != std::string::npos;
    restored_files |= call.rfind("RestoreFiles", 0) == 0 && call.find(id) != std::string::npos;
  }
  EXPECT_TRUE(restored_db);
  EXPECT_TRUE(restored_files);
}

TEST_F(ControllerTest, RestoreIntoAnInstanceBacksUpItsCurrentStateFirst) {
  CreateAndWait("acme");
  Wait(*controller_->ChangeFlags("acme", {{"MELTANO_A", "1"}}, {}));
  ASSERT_EQ(Wait(*controller_->WipeDatabase("acme")).state, OperationState::kSucceeded);
  std::string before_wipe = (*controller_->ListBackups("acme"))[0].id;
  Wait(*controller_->ChangeFlags("acme", {{"MELTANO_A", "2"}, {"MELTANO_B", "x"}}, {}));

  Operation op = Wait(*controller_->Restore("acme", before_wipe));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_EQ(op.kind, "restore");
  EXPECT_EQ(*store_->GetFlags("acme"), (EnvMap{{"MELTANO_A", "1"}}));
  auto backups = *controller_->ListBackups("acme");
  ASSERT_EQ(backups.size(), 2u);
  EXPECT_EQ(backups[0].reason, "before restore");
  EXPECT_EQ(store_->GetInstance("acme")->status, InstanceStatus::kRunning);
}

TEST_F(ControllerTest, RestoreRefusesUnknownOrMalformedBackups) {
  EXPECT_EQ(controller_->Restore("ghost", "").status().code(), Code::kNotFound);
  EXPECT_EQ(controller_->Restore("ghost", "20261125T153000Z-op1").status().code(), Code::kNotFound);
  EXPECT_EQ(controller_->Restore("ghost", "../../etc").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(controller_->Restore("Bad Sub", "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->GetInstance("ghost").status().code(), Code::kNotFound);
}

TEST_F(ControllerTest, DoctorRepairsDriftOfEnvAndSecrets) {
  CreateAndWait("acme");
  Wait(*controller_->ChangeFlags("acme", {{"MELTANO_A", "1"}}, {}));
  Plant("tenants/acme/project/.env", {.content = "MELTANO_A=2\n"});
  ASSERT_TRUE(tenant_fs_.RemoveTree(dir_.string() + "/secrets", "acme/ADMIN_PASSWORD").ok());
  auto findings = controller_->Doctor(false);
  ASSERT_TRUE(findings.ok());
  ASSERT_EQ(findings->size(), 2u);
  auto fixed = controller_->Doctor(true);
  ASSERT_TRUE(fixed.ok());
  for (const auto& f : *fixed) EXPECT_TRUE(f.fixed) << f.resource;
  EXPECT_NE(TenantFile("tenants/acme/project/.env")->content.find("MELTANO_A=1"), std::string::npos);
  EXPECT_TRUE(TenantFile("secrets/acme/ADMIN_PASSWORD"));
  EXPECT_TRUE(controller_->Doctor(false)->empty());
}

// What a tenant plants where root reads or writes is refused or replaced,
// never followed (the fake refuses as LinuxTenantFs does).
TEST_F(ControllerTest, DoctorNamesAPlantedEnvSymlinkAndReplacesIt) {
  CreateAndWait("acme");
  Wait(*controller_->ChangeFlags("acme", {{"MELTANO_A", "1"}}, {}));
  Plant("tenants/acme/project/.env", {.type = FileType::kSymlink, .content = "/etc/shadow"});
  auto findings = controller_->Doctor(false);
  ASSERT_TRUE(findings.ok());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ(findings->at(0).detail, "acme/project/.env is a symlink; not followed");
  ASSERT_TRUE(controller_->Doctor(true).ok());
  auto env = TenantFile("tenants/acme/project/.env");
  EXPECT_EQ(env->type, FileType::kRegular);
  EXPECT_NE(env->content.find("MELTANO_A=1"), std::string::npos);
}

TEST_F(ControllerTest, SecretsReplacePlantedLinksAndDropStrayEntries) {
  CreateAndWait("acme");
  Plant("secrets/acme/API_KEY", {.type = FileType::kSymlink, .content = "/etc/shadow"});
  Plant("secrets/acme/STRAY", {.type = FileType::kFifo});
  Plant("secrets/acme/DIR", {.type = FileType::kDirectory});
  Plant("secrets/acme/DIR/x", {.content = "x"});
  Operation op = Wait(*controller_->ChangeSecrets("acme", {{"API_KEY", "v"}}, {}));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_EQ(TenantFile("secrets/acme/API_KEY")->type, FileType::kRegular);
  EXPECT_FALSE(TenantFile("secrets/acme/STRAY"));
  EXPECT_FALSE(TenantFile("secrets/acme/DIR/x"));
}

TEST_F(ControllerTest, LogsSayInOneLineWhyAPlantedLogIsNotShown) {
  CreateAndWait("acme");
  Plant("tenants/acme/project/.meltano", {.type = FileType::kDirectory});
  Plant("tenants/acme/project/.meltano/run", {.type = FileType::kDirectory});
  Plant("tenants/acme/project/.meltano/run/meltano-ui.log", {.type = FileType::kFifo});
  Plant("tenants/acme/logs/current", {.content = "started\n"});
  auto logs = controller_->ReadLogs("acme", 10, "");
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(logs->text,
            "==> app log <==\nmeltanodata: not shown: acme/project/.meltano/run/meltano-ui.log is a FIFO, not a "
            "regular file\n==> service output <==\nstarted\n");
  Plant("tenants/acme/logs/current", {.content = "started\nmore\n"});
  auto next = controller_->ReadLogs("acme", 10, logs->cursor);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->text, "started\nmore\n") << "a new file (inode) is read from its start";
}

TEST_F(ControllerTest, InstallsAVersionOnceAndRedoesAFailedInstall) {
  ASSERT_EQ(CreateAndWait("acme").state, OperationState::kSucceeded);
  ASSERT_TRUE(steps_->EnsureCurrentVersion("acme").ok());
  EXPECT_EQ(commands_.calls().size(), 1u) << "the .installed marker says it is done";

  commands_.FailNext(Internal("install: cannot stat"));
  Status failed = steps_->InstallVersion("acme", "1.1.0");
  EXPECT_NE(failed.message().find("installing demo 1.1.0"), std::string::npos) << failed.message();
  EXPECT_FALSE(TenantFile("tenants/acme/app/1.1.0/.installed"));
  ASSERT_TRUE(steps_->InstallVersion("acme", "1.1.0").ok());
  EXPECT_EQ(TenantFile("tenants/acme/app/1.1.0/.installed")->content, "1.1.0\n");
  EXPECT_EQ(commands_.calls().size(), 3u);
  EXPECT_EQ(TenantFile("tenants/acme/app/current")->content, "1.0.0") << "installing does not switch";
}

TEST_F(ControllerTest, InitAndReloadRunAsTheTenant) {
  auto op = controller_->CreateInstance({.subdomain = "acme", .email = "a@example.com", .name = "acme", .app = "meltano"});
  ASSERT_TRUE(op.ok()) << op.status().message();
  ASSERT_EQ(Wait(*op).state, OperationState::kSucceeded) << Wait(*op).error;
  const std::string ids = std::to_string(store_->GetInstance("acme")->uid) + ":" +
                          std::to_string(host_.LookupUser("md-acme")->gid);
  const std::string project = dir_.string() + "/tenants/acme/project";
  auto calls = commands_.calls();
  // In its cgroup, made before the project's init.
  EXPECT_NE(std::find(calls.begin(), calls.end(),
                      "RunAsTenant " + ids + " rm -rf .meltano-init (in " + project +
                          ") [cgroup /fake-cgroup/tenant-acme/cgroup.procs]"),
            calls.end());
  EXPECT_TRUE(cgroups_.LimitsOf("tenant-acme").has_value());

  Plant("tenants/acme/project/.meltano", {.type = FileType::kDirectory});
  Plant("tenants/acme/project/.meltano/run", {.type = FileType::kDirectory});
  EXPECT_EQ(steps_->ReloadService("acme").code(), Code::kNotFound) << "no pid file yet";
  Plant("tenants/acme/project/.meltano/run/gunicorn.pid", {.content = "4242\n"});
  ASSERT_TRUE(steps_->ReloadService("acme").ok());
  EXPECT_EQ(commands_.calls().back(), "SignalAsTenant " + ids + " 1 -> 4242");
}

TEST_F(ControllerTest, RefusesToAdoptResourcesItDidNotCreate) {
  ASSERT_TRUE(host_.EnsureUser("md-acme", "/elsewhere", 4242).ok());
  Operation op = CreateAndWait("acme");
  EXPECT_EQ(op.state, OperationState::kFailed);
  EXPECT_NE(op.error.find("not this instance's"), std::string::npos) << op.error;
  EXPECT_EQ(host_.HomeOf("md-acme"), "/elsewhere") << "the rollback must not remove a user it did not make";
  EXPECT_EQ(store_->GetInstance("acme").status().code(), Code::kNotFound);

  ASSERT_TRUE(database_.EnsureDatabase("postgresql://a:pw@big:5432/postgres", "md_beta", "x", "md_beta").ok());
  Operation beta = CreateAndWait("beta");
  EXPECT_EQ(beta.state, OperationState::kFailed);
  EXPECT_NE(beta.error.find("role md_beta already exists"), std::string::npos) << beta.error;
  EXPECT_TRUE(database_.DatabaseExists("postgresql://a:pw@big:5432/postgres", "md_beta")) << "not ours: kept";
  EXPECT_TRUE(database_.RoleExists("postgresql://a:pw@big:5432/postgres", "md_beta")) << "not ours: kept";

  // A database of that name alone is refused too.
  ASSERT_TRUE(database_.EnsureDatabase("postgresql://a:pw@big:5432/postgres", "md_other", "x", "md_gamma").ok());
  Operation gamma = CreateAndWait("gamma");
  EXPECT_EQ(gamma.state, OperationState::kFailed);
  EXPECT_NE(gamma.error.find("database md_gamma already exists"), std::string::npos) << gamma.error;
  EXPECT_TRUE(database_.DatabaseExists("postgresql://a:pw@big:5432/postgres", "md_gamma")) << "not ours: kept";
}

// --- the vault and credentials -------------------------------------------------------------

TEST_F(ControllerTest, StoreKeepsEverySecretSealed) {
  CreateAndWait("acme");
  Wait(*controller_->ChangeSecrets("acme", {{"API_KEY", "value-5d2e"}}, {}));
  EnvMap opened = *Secrets(*store_, vault_).Get("acme");
  ASSERT_EQ(opened["API_KEY"], "value-5d2e");
  ASSERT_FALSE(opened[kDbPasswordKey].empty());
  EnvMap stored = *store_->GetSecrets("acme");
  for (const auto& [key, sealed] : stored) {
    EXPECT_EQ(sealed.find(opened[key]), std::string::npos) << key << " is in the store in clear";
  }
}

TEST_F(ControllerTest, CredentialsShowGivesTheAdminDatabaseAndFilesLogins) {
  CreateAndWait("acme");
  auto creds = controller_->ShowCredentials("acme");
  ASSERT_TRUE(creds.ok()) << creds.status().message();
  ASSERT_EQ(creds->size(), 3u);
  EnvMap secrets = *Secrets(*store_, vault_).Get("acme");
  EXPECT_EQ(creds->at(0).kind, "admin");
  EXPECT_EQ(creds->at(0).username, "admin");
  EXPECT_EQ(creds->at(0).password, secrets[kAdminPasswordKey]);
  EXPECT_EQ(creds->at(0).target, "https://acme.example.test:8443/");
  EXPECT_EQ(creds->at(1).kind, "db");
  EXPECT_EQ(creds->at(1).username, "md_acme");
  EXPECT_EQ(creds->at(1).password, secrets[kDbPasswordKey]);
  EXPECT_EQ(creds->at(2).kind, "files");
  EXPECT_EQ(creds->at(2).username, "md-acme");
  EXPECT_EQ(creds->at(2).password, secrets[kFilesPasswordKey]);
  EXPECT_EQ(controller_->ShowCredentials("nope").status().code(), Code::kNotFound);
}

TEST_F(ControllerTest, RotatingTheDatabasePasswordSetsItOnTheRoleAndTheAppAndKeepsTheData) {
  CreateAndWait("acme");
  Instance inst = *store_->GetInstance("acme");
  std::string admin_url = *context_->AdminUrl(inst);
  ASSERT_TRUE(database_.AddSchema(admin_url, "md_acme", "tap_data").ok());
  std::string old_url = *database_.TenantUrl(admin_url, "md_acme", *Secrets(*store_, vault_).Get("acme", kDbPasswordKey),
                                             "md_acme");
  std::string old_admin = *Secrets(*store_, vault_).Get("acme", kAdminPasswordKey);
  int pid = supervisor_.GetStatus("tenant-acme")->pid;

  Operation op = Wait(*controller_->RotateCredentials("acme", "db"));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_EQ(op.kind, "rotate-credentials");
  EXPECT_EQ(op.params.find(old_url), std::string::npos);
  std::string new_password = *Secrets(*store_, vault_).Get("acme", kDbPasswordKey);
  std::string new_url = *database_.TenantUrl(admin_url, "md_acme", new_password, "md_acme");
  EXPECT_NE(new_url, old_url);
  EXPECT_TRUE(database_.Connect(new_url).ok());
  EXPECT_FALSE(database_.Connect(old_url).ok()) << "the old password still logs in";
  EXPECT_EQ(TenantFile("secrets/acme/DATABASE_URL")->content, new_url);
  EXPECT_NE(supervisor_.GetStatus("tenant-acme")->pid, pid) << "the app was not restarted";
  EXPECT_EQ(database_.Schemas(admin_url, "md_acme"), (std::vector<std::string>{"public", "tap_data"}));
  EXPECT_EQ(*Secrets(*store_, vault_).Get("acme", kAdminPasswordKey), old_admin) << "only db was asked for";
}

TEST_F(ControllerTest, AFailedRotateStillPutsTheVaultsPasswordInUse) {
  CreateAndWait("acme");
  std::string admin_url = *context_->AdminUrl(*store_->GetInstance("acme"));
  database_.FailNext(Internal("ALTER ROLE: could not write to file"));  // terminal, once
  Operation op = Wait(*controller_->RotateCredentials("acme", "db"));
  ASSERT_EQ(op.state, OperationState::kFailed);
  std::string password = *Secrets(*store_, vault_).Get("acme", kDbPasswordKey);
  EXPECT_TRUE(database_.Connect(*database_.TenantUrl(admin_url, "md_acme", password, "md_acme")).ok())
      << "the vault's password is not the role's";
  EXPECT_EQ(TenantFile("secrets/acme/DATABASE_URL")->content,
            *database_.TenantUrl(admin_url, "md_acme", password, "md_acme"));
}

TEST_F(ControllerTest, RotatingEveryKindChangesTheAdminPasswordToo) {
  CreateAndWait("acme");
  std::string old_admin = *Secrets(*store_, vault_).Get("acme", kAdminPasswordKey);
  Operation op = Wait(*controller_->RotateCredentials("acme", ""));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  std::string admin = *Secrets(*store_, vault_).Get("acme", kAdminPasswordKey);
  EXPECT_NE(admin, old_admin);
  EXPECT_EQ(TenantFile("secrets/acme/ADMIN_PASSWORD")->content, admin);
  EXPECT_EQ(controller_->RotateCredentials("acme", "root").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(controller_->RotateCredentials("nope", "db").status().code(), Code::kNotFound);
}

TEST_F(ControllerTest, BackupCarriesTheSecretsSealedAndRestoreIntoTheInstanceBringsThemBack) {
  CreateAndWait("acme");
  Wait(*controller_->ChangeSecrets("acme", {{"API_KEY", "before"}}, {}));
  ASSERT_EQ(Wait(*controller_->BackupInstance("acme")).state, OperationState::kSucceeded);
  std::string id = (*controller_->ListBackups("acme"))[0].id;
  EnvMap at_backup = *Secrets(*store_, vault_).Get("acme");
  Wait(*controller_->ChangeSecrets("acme", {{"API_KEY", "after"}, {"OTHER", "x"}}, {}));
  ASSERT_EQ(Wait(*controller_->RotateCredentials("acme", "db")).state, OperationState::kSucceeded);

  Operation op = Wait(*controller_->Restore("acme", id));
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_EQ(*Secrets(*store_, vault_).Get("acme"), at_backup);
  EXPECT_EQ(TenantFile("secrets/acme/API_KEY")->content, "before");
  EXPECT_FALSE(TenantFile("secrets/acme/OTHER"));
  Instance inst = *store_->GetInstance("acme");
  EXPECT_TRUE(database_.Connect(*database_.TenantUrl(*context_->AdminUrl(inst), "md_acme", at_backup[kDbPasswordKey],
                                                     "md_acme")).ok());
}

TEST_F(ControllerTest, DeleteLeavesNoVaultEntry) {
  CreateAndWait("acme");
  Wait(*controller_->ChangeSecrets("acme", {{"API_KEY", "v"}}, {}));
  ASSERT_EQ(Wait(*controller_->DeleteInstance("acme", false)).state, OperationState::kSucceeded);
  EXPECT_TRUE(store_->GetSecrets("acme")->empty());
}

// What the API answers (encoded as it would) for list, show, status, ops and
// secrets list never holds a secret's value.
TEST_F(ControllerTest, NoAnswerButCredentialsShowCarriesASecretValue) {
  CreateAndWait("acme");
  Wait(*controller_->ChangeSecrets("acme", {{"API_KEY", "value-9c41"}}, {}));
  Wait(*controller_->RotateCredentials("acme", ""));
  Wait(*controller_->BackupInstance("acme"));
  EnvMap secrets = *Secrets(*store_, vault_).Get("acme");
  std::vector<std::string> answers = {
      DumpJson(ToJson(*controller_->ListInstances())),  DumpJson(ToJson(*controller_->GetInstance("acme"))),
      DumpJson(ToJson(*controller_->GetStatus("acme"))), DumpJson(ToJson(*controller_->ListOperations("", 0))),
      DumpJson(Json(*controller_->ListSecretNames("acme"))), DumpJson(ToJson(*controller_->ListBackups("acme"))),
      DumpJson(ToJson(*controller_->Doctor(false)))};
  for (const auto& [key, value] : secrets) {
    for (const std::string& answer : answers) EXPECT_EQ(answer.find(value), std::string::npos) << key << " in " << answer;
  }
  std::string shown = DumpJson(ToJson(*controller_->ShowCredentials("acme")));
  EXPECT_NE(shown.find(secrets[kDbPasswordKey]), std::string::npos);
}

// --- welcome emails and signups ----------------------------------------------------------

// The text/plain part of a message BuildMessage made, decoded.
std::string TextPartOf(const std::string& message) {
  size_t start = message.find("Content-Type: text/plain");
  size_t body = message.find("\r\n\r\n", start) + 4;
  std::string b64;
  for (size_t i = body; i < message.size() && message[i] != '-'; ++i) {
    if (message[i] != '\r' && message[i] != '\n') b64 += message[i];
  }
  std::string text(b64.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  text.resize(n > 0 ? n : 0);
  return text;
}

// The token of the credential link in a welcome email.
std::string LinkTokenIn(const std::string& message) {
  std::string text = TextPartOf(message);
  size_t at = text.find("/v1/credentials/");
  return at == std::string::npos ? "" : text.substr(at + 16, 64);
}

// The public endpoints over this fixture's controller.
class SignupTest : public ControllerTest {
 protected:
  void SetUp() override {
    ControllerTest::SetUp();
    audit_ = std::make_unique<StoreAudit>(*store_);
    service_ = std::make_unique<PublicService>(*store_, deps_->secrets(), *audit_, *controller_, *mail_, *door_, limiter_,
                                               PublicServiceSettings{});
  }
  // Waits for the instance's welcome operation to end.
  Operation WaitWelcome(const std::string& sub) {
    for (int i = 0; i < 500; ++i) {
      auto ops = store_->ListOperations(sub, 10);
      for (const Operation& op : *ops) {
        if (op.kind == op_kind::kWelcome && (op.state == OperationState::kSucceeded || op.state == OperationState::kFailed)) {
          return op;
        }
      }
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "no welcome operation ended for " << sub;
    return {};
  }
  SignupLimiter limiter_{{.per_email = 2, .total = 3}};
  std::unique_ptr<StoreAudit> audit_;
  std::unique_ptr<PublicService> service_;
};

TEST_F(SignupTest, CreateSendsAWelcomeWhoseLinkShowsThePasswordOnce) {
  Operation op = CreateAndWait("wel");
  ASSERT_EQ(op.state, OperationState::kSucceeded) << op.error;
  EXPECT_EQ(WaitWelcome("wel").state, OperationState::kSucceeded);
  auto sent = mailer_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, "wel@example.com");
  std::string token = LinkTokenIn(sent[0].message);
  ASSERT_EQ(token.size(), 64u);
  std::string password = *Secrets(*store_, vault_).Get("wel", kAdminPasswordKey);
  EXPECT_EQ(sent[0].message.find(password), std::string::npos) << "the mail carries a link, not the password";
  EXPECT_EQ(controller_->GetStatus("wel")->welcome_state, "sent");

  EXPECT_EQ(service_->Credentials(token, false, "198.51.100.4")->state, "ready");  // looking does not use it up
  auto shown = service_->Credentials(token, true, "198.51.100.4");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->state, "shown");
  EXPECT_EQ(shown->password, password);
  EXPECT_EQ(shown->files.username, "md-wel");
  EXPECT_EQ(shown->files_password, *Secrets(*store_, vault_).Get("wel", kFilesPasswordKey));
  auto again = service_->Credentials(token, true, "198.51.100.4");
  EXPECT_EQ(again->state, "already_shown");
  EXPECT_TRUE(again->password.empty());
  EXPECT_EQ(service_->Credentials(std::string(64, 'a'), true, "198.51.100.4")->state, "unknown");
  // Only the token's hash is stored.
  EXPECT_EQ(store_->GetCredentialLink(token).status().code(), Code::kNotFound);
  // Showing it is audited, with the address the front door gave.
  auto events = *store_->ListAuditEvents({.subdomain = "wel"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "signup");
  EXPECT_EQ(events[0].action, "credential link shown");
  EXPECT_EQ(events[0].client, "198.51.100.4");
  EXPECT_EQ(events[0].outcome, "ok");
}

TEST_F(SignupTest, ResendWelcomeReplacesTheLink) {
  ASSERT_EQ(CreateAndWait("res").state, OperationState::kSucceeded);
  WaitWelcome("res");
  std::string first = LinkTokenIn(mailer_.sent().back().message);
  auto op = controller_->ResendWelcome("res");
  ASSERT_TRUE(op.ok()) << op.status().message();
  EXPECT_EQ(Wait(*op).state, OperationState::kSucceeded);
  std::string second = LinkTokenIn(mailer_.sent().back().message);
  ASSERT_NE(first, second);
  EXPECT_EQ(service_->Credentials(first, true, "198.51.100.4")->state, "unknown");
  EXPECT_EQ(service_->Credentials(second, true, "198.51.100.4")->state, "shown");
}

TEST_F(SignupTest, ARotateOrARestoreVoidsTheWelcomeLink) {
  ASSERT_EQ(CreateAndWait("rot").state, OperationState::kSucceeded);
  WaitWelcome("rot");
  std::string token = LinkTokenIn(mailer_.sent().back().message);
  ASSERT_EQ(service_->Credentials(token, false, "198.51.100.4")->state, "ready");
  ASSERT_EQ(Wait(*controller_->RotateCredentials("rot", "admin")).state, OperationState::kSucceeded);
  EXPECT_EQ(service_->Credentials(token, true, "198.51.100.4")->state, "unknown") << "a leaked link shows the new password";

  ASSERT_EQ(Wait(*controller_->BackupInstance("rot")).state, OperationState::kSucceeded);
  ASSERT_EQ(Wait(*controller_->ResendWelcome("rot")).state, OperationState::kSucceeded);
  token = LinkTokenIn(mailer_.sent().back().message);
  Operation restored = Wait(*controller_->Restore("rot", (*controller_->ListBackups("rot"))[0].id));
  ASSERT_EQ(restored.state, OperationState::kSucceeded) << restored.error;
  EXPECT_EQ(service_->Credentials(token, true, "198.51.100.4")->state, "unknown");
}

TEST_F(SignupTest, MailServerDownIsRetriedAndNeverFailsTheInstance) {
  mailer_.FailNext(3, Unavailable("smtp 127.0.0.1:25: connection refused"));
  ASSERT_EQ(CreateAndWait("down").state, OperationState::kSucceeded);
  Operation welcome = WaitWelcome("down");
  EXPECT_EQ(welcome.state, OperationState::kSucceeded);
  EXPECT_EQ(welcome.steps.at(0).attempts, 4);
  EXPECT_EQ(mailer_.sent().size(), 1u);

  // A mail server that never comes back: the welcome fails, the instance runs.
  mailer_.FailNext(100, Unavailable("smtp 127.0.0.1:25: connection refused"));
  ASSERT_EQ(CreateAndWait("never").state, OperationState::kSucceeded);
  EXPECT_EQ(WaitWelcome("never").state, OperationState::kFailed);
  auto status = controller_->GetStatus("never");
  EXPECT_EQ(status->instance.status, InstanceStatus::kRunning);
  EXPECT_EQ(status->welcome_state, "failed");
  EXPECT_NE(status->welcome_error.find("connection refused"), std::string::npos);
}

TEST_F(SignupTest, ReplayedEventProvisionsOnce) {
  SignupRequest r{.event_id = "ev-1", .name = "Ann", .email = "ann@acme.example", .subdomain = "sig",
                  .client_address = "203.0.113.7"};
  auto first = service_->Signup(r);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->state, "provisioning");
  EXPECT_FALSE(first->duplicate);
  auto second = service_->Signup(r);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->operation_id, first->operation_id);
  EXPECT_EQ(Wait(*store_->GetOperation(first->operation_id)).state, OperationState::kSucceeded);
  auto signups = controller_->ListSignups();
  ASSERT_EQ(signups->size(), 1u);
  EXPECT_EQ(signups->at(0).signup.state, "provisioned");
  EXPECT_EQ(signups->at(0).signup.client_address, "203.0.113.7");
  EXPECT_EQ(signups->at(0).instance_status, "running");
  std::vector<AuditEvent> events = *store_->ListAuditEvents({.subdomain = "sig"});
  std::vector<std::string> audited;
  for (const AuditEvent& e : events) {
    EXPECT_EQ(e.actor, "signup");
    EXPECT_EQ(e.client, "203.0.113.7");
    audited.push_back(e.action);
  }
  EXPECT_EQ(audited, (std::vector<std::string>{"signup admitted", "signup received"})) << "newest first, once";
}

TEST_F(SignupTest, UnprovisionableSignupIsStoredAndTheCustomerTold) {
  ASSERT_EQ(CreateAndWait("taken").state, OperationState::kSucceeded);
  WaitWelcome("taken");
  size_t before = mailer_.sent().size();
  for (const auto& [event, sub, advice] : {std::tuple{"ev-t", "taken", "already in use"},
                                           std::tuple{"ev-r", "www", "reserved"}, std::tuple{"ev-i", "-bad-", "hyphen"}}) {
    const std::string email = std::string(event) + "@b.example";  // one each: the limit is per email address
    const size_t want = mailer_.sent().size() + 1;  // counted before: the mail may go out before Signup returns
    auto got = service_->Signup(
        {.event_id = event, .name = "Bo", .email = email, .subdomain = sub, .client_address = event});
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->state, "rejected") << sub;
    EXPECT_FALSE(got->error.empty());
    for (int i = 0; i < 1000 && mailer_.sent().size() < want; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(mailer_.sent().size(), want);
    EXPECT_EQ(mailer_.sent().back().to, email);
    EXPECT_NE(TextPartOf(mailer_.sent().back().message).find(advice), std::string::npos) << sub;
  }
  EXPECT_EQ(mailer_.sent().size(), before + 3);
  auto signups = controller_->ListSignups();
  EXPECT_EQ(signups->size(), 3u);
  for (const SignupInfo& s : *signups) EXPECT_EQ(s.signup.state, "rejected");
}

TEST_F(SignupTest, RejectionTellsTheCustomerAdviceNeverTheOperatorsError) {
  for (const char* name : {"small", "big"}) {
    Cluster c = *store_->GetCluster(name);
    c.draining = true;
    ASSERT_TRUE(store_->UpdateCluster(c).ok());
  }
  const SignupRequest request{.event_id = "ev-full", .name = "Bo", .email = "bo@b.example", .subdomain = "roomless",
                              .client_address = "203.0.113.7"};
  auto got = service_->Signup(request);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->state, "rejected");
  EXPECT_EQ(got->error, SignupRejectionAdvice("full"));
  EXPECT_EQ(service_->Signup(request)->error, SignupRejectionAdvice("full")) << "a redelivery is told the same";
  Signup stored = *store_->GetSignupByEvent("ev-full");
  EXPECT_NE(stored.error.find("clusters add"), std::string::npos) << "the operator keeps the details: " << stored.error;
  EXPECT_EQ(stored.reason, "full");
  for (int i = 0; i < 300 && mailer_.sent().empty(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(mailer_.sent().size(), 1u);
  std::string text = TextPartOf(mailer_.sent()[0].message);
  EXPECT_NE(text.find("no room"), std::string::npos) << text;
  EXPECT_EQ(text.find("cluster"), std::string::npos) << text;
  EXPECT_EQ(mailer_.sent()[0].message.find("clusters add"), std::string::npos);
}

TEST_F(SignupTest, RateLimitsPerCustomerEmailNotPerSenderAndInTotal) {
  auto signup = [&](const std::string& event, const std::string& email) {
    // Every delivery comes from the form tool's one address.
    return *service_->Signup({.event_id = event, .name = "C", .email = email, .subdomain = "r" + event,
                              .client_address = "198.51.100.1"});
  };
  EXPECT_NE(signup("1", "c@c.example").state, "rate_limited");
  EXPECT_NE(signup("2", " C@C.example ").state, "rate_limited");
  SignupReceipt third = signup("3", "c@c.EXAMPLE");
  EXPECT_EQ(third.state, "rate_limited") << "the same address in another case";
  EXPECT_GT(third.retry_after_s, 0);
  EXPECT_EQ(third.signup_id, 0);  // nothing stored
  EXPECT_NE(signup("4", "d@d.example").state, "rate_limited") << "another customer, same sender";
  EXPECT_EQ(signup("5", "e@e.example").state, "rate_limited");  // the total
  EXPECT_EQ(store_->ListSignups()->size(), 3u);
}

TEST(RecordRetention, PrunesOldAuditEventsAndFinishedSignupsOnly) {
  char dir[] = "/tmp/md-retention-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  auto store = SqliteStore::Open(std::string(dir) + "/md.db");
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  ASSERT_TRUE(s.AddAuditEvent({.at_ms = 1000, .action = "old"}).ok());
  ASSERT_TRUE(s.AddAuditEvent({.at_ms = 5000, .action = "new"}).ok());
  ASSERT_TRUE(s.InsertSignup({.event_id = "old-done", .state = "rejected", .created_ms = 1000, .updated_ms = 1000}).ok());
  ASSERT_TRUE(s.InsertSignup({.event_id = "old-open", .state = "received", .created_ms = 1000, .updated_ms = 1000}).ok());
  ASSERT_TRUE(s.InsertSignup({.event_id = "new-done", .state = "provisioning", .created_ms = 5000, .updated_ms = 5000}).ok());
  auto pruned = PruneOldRecords(s, 3000);
  ASSERT_TRUE(pruned.ok()) << pruned.status().message();
  EXPECT_EQ(*pruned, 2);
  auto events = *s.ListAuditEvents({.limit = 0});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].action, "new");
  std::vector<std::string> left;
  std::vector<Signup> signups = *s.ListSignups();
  for (const Signup& x : signups) left.push_back(x.event_id);
  EXPECT_EQ(left, (std::vector<std::string>{"old-open", "new-done"})) << "a signup not yet admitted stays";
  std::filesystem::remove_all(dir);
}

TEST(SignupLimiter, ForgetsAfterTheWindow) {
  SignupLimiter limiter({.per_email = 1, .total = 10, .window_ms = 1000});
  EXPECT_EQ(limiter.Admit("a", 0), 0);
  EXPECT_EQ(limiter.Admit("a", 400), 600);
  EXPECT_EQ(limiter.Admit("a", 1000), 0);
}

TEST_F(ControllerTest, MetricsCountInstancesOperationsStepsBackupsClustersAndUsage) {
  ASSERT_EQ(CreateAndWait("acme").state, OperationState::kSucceeded);
  ASSERT_EQ(Wait(*controller_->BackupInstance("acme")).state, OperationState::kSucceeded);
  cgroups_.SetUsed("tenant-acme", 13 * 1024 * 1024, 3, 2500000);
  MetricsCollector metrics(*store_, cgroups_, *backups_);
  auto page = metrics.Exposition();
  ASSERT_TRUE(page.ok()) << page.status().message();
  auto has = [&](const std::string& line) { return page->find("\n" + line + "\n") != std::string::npos; };
  EXPECT_TRUE(has("meltanodata_instances{status=\"running\"} 1")) << *page;
  EXPECT_TRUE(has("meltanodata_instances{status=\"failed\"} 0")) << "every status, so a series never vanishes";
  EXPECT_TRUE(has("meltanodata_operations_total{kind=\"create\",result=\"succeeded\"} 1")) << *page;
  EXPECT_TRUE(has("meltanodata_operations_total{kind=\"backup\",result=\"succeeded\"} 1")) << *page;
  EXPECT_NE(page->find("meltanodata_step_duration_seconds_bucket{step=\"back_up\",le=\"+Inf\"} 1"), std::string::npos)
      << *page;
  EXPECT_TRUE(has("meltanodata_cluster_used{cluster=\"big\"} 1")) << *page;
  EXPECT_TRUE(has("meltanodata_cluster_capacity{cluster=\"small\"} 1")) << *page;
  auto backups = *backups_->List("acme");
  ASSERT_EQ(backups.size(), 1u);
  EXPECT_TRUE(has("meltanodata_backup_last_size_bytes{subdomain=\"acme\"} " + std::to_string(backups[0].total_bytes)));
  EXPECT_TRUE(has("meltanodata_backup_last_timestamp_seconds{subdomain=\"acme\"} " +
                  PromFormatValue(static_cast<double>(backups[0].created_ms) / 1000)));
  EXPECT_TRUE(has("meltanodata_tenant_memory_bytes{subdomain=\"acme\"} 13631488")) << *page;
  EXPECT_TRUE(has("meltanodata_tenant_pids_limit{subdomain=\"acme\"} 256")) << *page;
  EXPECT_TRUE(has("meltanodata_tenant_cpu_seconds_total{subdomain=\"acme\"} 2.5")) << *page;
}

}  // namespace
}  // namespace md
