#pragma once
// The dashboard's pages as HTML, each made from the API's JSON answers
// (GET /v1/...), every value escaped (html.h). Pure functions: the
// Dashboard fetches, these render.

#include <string>

#include "api/json_codec.h"
#include "dashboard/api_caller.h"
#include "dashboard/instance_table.h"
#include "dashboard/session_store.h"

namespace md::dash {

// pages_signin.cc
std::string SignInPage(const std::string& error);
// A page with one message, e.g. a refusal (signed in or not).
std::string MessagePage(const Session* session, const std::string& title, const std::string& message);

// pages_instances.cc: the list (one page of it) and the create form.
std::string InstancesPage(const Session& s, const TableQuery& query, const TablePage& page);
std::string CreatePage(const Session& s, const Params& values, const std::string& error);

// pages_instance.cc: one instance, from its API answers (each null if its
// call failed), and the error of the last action, if any.
struct InstanceView {
  std::string subdomain;
  Json report;      // GET .../status, else GET /v1/instances/SUB
  Json flags;       // GET .../flags
  Json secrets;     // GET .../secrets
  Json operations;  // GET /v1/operations?subdomain=SUB
  Json backups;     // GET /v1/backups?subdomain=SUB
  Json logs;        // GET .../logs
};
std::string InstancePage(const Session& s, const InstanceView& view, const std::string& error);

// pages_fleet.cc
std::string OperationsPage(const Session& s, const Json& operations);
std::string OperationPage(const Session& s, const Json& operation);
std::string ClustersPage(const Session& s, const Json& clusters);
std::string CertificatesPage(const Session& s, const Json& certificates, int64_t now_ms);
std::string BackupsPage(const Session& s, const Json& backups);

}  // namespace md::dash
