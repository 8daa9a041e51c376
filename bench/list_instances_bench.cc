// list_instances_bench: how fast the instance list answers with many
// instances in the store. Fills a fresh SQLite store (a file, as `serve`
// keeps it) with N instances through the store's own code
// (SqliteStore::InsertInstance), then times, over R runs each:
//   store   SqliteStore::ListInstances() alone;
//   http    GET /v1/instances end to end: an httplib client on loopback to
//           the real ApiServer (route table, JSON codec) over a Controller
//           whose ListInstances reads that store and adds each instance's
//           URL and file access as ControllerImpl::ListInstances does;
//   page    GET /v1/instances?limit=50&offset=N/2, and filtered and sorted;
//   dashboard  GET /ui/instances (signed in with the token): the HTML page of
//           50 in the middle, and filtered and sorted, through the same server.
// Prints one TSV line per measurement (what, runs, p50_ms, p95_ms, max_ms,
// bytes) and exits 1 if a page's p95 (API or dashboard) is 100 ms or more.
// Usage: list_instances_bench [N=10000] [R=50] [DIR=a fresh temp dir]

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "api/server.h"
#include "core/random.h"
#include "dashboard/dashboard.h"
#include "fake_controller.h"
#include "store/sqlite_store.h"

namespace md {
namespace {

using Clock = std::chrono::steady_clock;

// A Controller that lists the store's instances (the rest of FakeController is unused here).
class StoreListing final : public FakeController {
 public:
  explicit StoreListing(Store& store) : store_(store) {}
  Result<std::vector<Instance>> ListInstances() override {
    MD_ASSIGN_OR_RETURN(std::vector<Instance> instances, store_.ListInstances());
    for (Instance& in : instances) Dress(in);
    return instances;
  }
  Result<InstancePage> ListInstancesPage(const InstanceQuery& query) override {
    MD_ASSIGN_OR_RETURN(InstancePage page, store_.ListInstancesPage(query));
    for (Instance& in : page.instances) Dress(in);
    return page;
  }

 private:
  // What ControllerImpl::WithUrl adds: the URL and, with SFTP on, the file access.
  static void Dress(Instance& in) {
    in.url = "https://" + in.subdomain + ".example.com/";
    in.file_access = {.host = in.subdomain + ".example.com",
                      .sftp_port = 2022,
                      .ftp_port = 2021,
                      .username = in.unix_user,
                      .host_keys = {{"ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIINosJrMaJsD63a3jNproVtc/+KIHEYDXVvm3lBEf2dE",
                                     "SHA256:F9/B+gzwqKZx1K8S30bHMOS7jpV7eN+qMfPrXQXAP68"}}};
  }
  Store& store_;
};

Instance MakeTenant(int i, int64_t now_ms) {
  char sub[16];
  std::snprintf(sub, sizeof(sub), "t%05d", i);
  static const InstanceStatus kStatuses[] = {InstanceStatus::kRunning, InstanceStatus::kRunning,
                                             InstanceStatus::kRunning, InstanceStatus::kDegraded,
                                             InstanceStatus::kStopped, InstanceStatus::kFailed};
  Instance in;
  in.subdomain = sub;
  in.name = std::string("Customer ") + sub;
  in.email = std::string("ops@") + sub + ".example.org";
  in.app = i % 5 == 0 ? "meltano" : "demo";
  in.app_version = "1.0.0";
  in.status = kStatuses[i % 6];
  in.cluster = "main";
  in.db_name = std::string("md_") + sub;
  in.db_role = in.db_name;
  in.unix_user = std::string("md-") + sub;
  in.uid = 20000 + i;
  in.created_ms = now_ms - (10000 - i) * 60000LL;
  in.updated_ms = in.created_ms;
  return in;
}

struct Figures {
  std::string what;
  std::vector<double> ms;
  size_t bytes = 0;
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

Figures Time(const std::string& what, int runs, const std::function<size_t()>& once) {
  Figures f{what, {}, 0};
  once();  // warm-up: page cache, prepared paths
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    f.bytes = once();
    f.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return f;
}

void Print(const Figures& f) {
  std::printf("%s\t%zu\t%.1f\t%.1f\t%.1f\t%zu\n", f.what.c_str(), f.ms.size(), Percentile(f.ms, 0.5),
              Percentile(f.ms, 0.95), *std::max_element(f.ms.begin(), f.ms.end()), f.bytes);
  std::fflush(stdout);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "list_instances_bench: %s\n", what.c_str());
  std::exit(2);
}

int Main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 50;
  if (n < 1 || runs < 1) Die("usage: list_instances_bench [N] [RUNS] [DIR]");
  const bool own_dir = argc <= 3;
  std::filesystem::path dir = own_dir ? std::filesystem::temp_directory_path() / ("md-bench-" + RandomHex(6)) : argv[3];
  std::filesystem::create_directories(dir);
  auto opened = SqliteStore::Open((dir / "meltanodata.db").string());
  if (!opened.ok()) Die(opened.status().message());
  std::unique_ptr<SqliteStore> store = std::move(*opened);

  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto fill_start = Clock::now();
  for (int i = 0; i < n; ++i) {
    Status s = store->InsertInstance(MakeTenant(i, now_ms));
    if (!s.ok()) Die("insert: " + s.message());
  }
  std::printf("# filled %d instances in %.1f s (one InsertInstance transaction each)\n", n,
              std::chrono::duration<double>(Clock::now() - fill_start).count());
  std::printf("what\truns\tp50_ms\tp95_ms\tmax_ms\tbytes\n");

  Print(Time("store ListInstances", runs, [&] {
    auto list = store->ListInstances();
    if (!list.ok() || static_cast<int>(list->size()) != n) Die("store list: wrong answer");
    return list->size();
  }));

  StoreListing controller(*store);
  ApiServer server(controller, "bench-token", "127.0.0.1", 0);
  dash::Dashboard dashboard(controller, "bench-token", nullptr, {});
  server.Mount(dashboard);
  if (Status s = server.Start(); !s.ok()) Die(s.message());
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  const httplib::Headers auth = {{"Authorization", "Bearer bench-token"}};
  auto get = [&](const std::string& path, size_t want) {
    httplib::Result r = client.Get(path, auth);
    if (!r || r->status != 200) Die("GET " + path + ": " + (r ? std::to_string(r->status) + " " + r->body : "no answer"));
    Json list = Json::parse(r->body);
    if (list.size() != want) Die("GET " + path + ": " + std::to_string(list.size()) + " instances");
    return r->body.size();
  };
  Figures full = Time("http GET /v1/instances", runs, [&] { return get("/v1/instances", n); });
  Print(full);
  const std::string page = "/v1/instances?limit=50&offset=" + std::to_string(n / 2);
  Figures api_page = Time("http GET " + page, runs, [&] { return get(page, std::min(50, n - n / 2)); });
  Print(api_page);
  const std::string filtered = "/v1/instances?status=failed&q=CUSTOMER&sort=-created&limit=50";  // i % 6 == 5 is failed
  Print(Time("http GET " + filtered, runs, [&] { return get(filtered, std::min(50, n / 6)); }));

  // The dashboard's list: a signed-in page of 50, in the middle, then filtered and sorted.
  httplib::Result signed_in = client.Post("/ui/signin", "token=bench-token", "application/x-www-form-urlencoded");
  if (!signed_in || signed_in->status != 303) Die("dashboard sign-in refused");
  std::string cookie = signed_in->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  auto page_of = [&](const std::string& path) {
    httplib::Result r = client.Get(path, {{"Cookie", cookie}});
    if (!r || r->status != 200 || r->body.find("<tbody>") == std::string::npos) Die("GET " + path + ": no list");
    return r->body.size();
  };
  const std::string ui_page = "/ui/instances?page=" + std::to_string(std::max(1, n / 100));
  Figures ui = Time("dashboard GET " + ui_page, runs, [&] { return page_of(ui_page); });
  Print(ui);
  const std::string ui_filtered = "/ui/instances?q=CUSTOMER&status=failed&sort=created&dir=desc";
  Print(Time("dashboard GET " + ui_filtered, runs, [&] { return page_of(ui_filtered); }));
  server.Stop();
  store.reset();
  if (own_dir) std::filesystem::remove_all(dir);
  return Percentile(api_page.ms, 0.95) < 100 && Percentile(ui.ms, 0.95) < 100 ? 0 : 1;
}

}  // namespace
}  // namespace md

int main(int argc, char** argv) { return md::Main(argc, argv); }
