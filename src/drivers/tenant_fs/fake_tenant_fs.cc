#include "drivers/tenant_fs/fake_tenant_fs.h"

#include <unistd.h>

#include <algorithm>

namespace md {
namespace {

Status Refuse(const std::string& shown, FileType type, const char* wanted) {
  if (type == FileType::kSymlink) return FailedPrecondition(shown + " is a symlink; not followed");
  return FailedPrecondition(shown + " is a " + FileTypeName(type) + ", not a " + wanted);
}

// chown(2)'s rule: a field of `wanted` left at -1 keeps `current`'s.
Owner Chowned(Owner current, Owner wanted) {
  if (wanted.uid != static_cast<uid_t>(-1)) current.uid = wanted.uid;
  if (wanted.gid != static_cast<gid_t>(-1)) current.gid = wanted.gid;
  return current;
}

// Who a new entry belongs to before it is chowned: this process, as on disk.
Owner Creator() { return {geteuid(), getegid()}; }

bool IsBeneath(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

}  // namespace

std::optional<Status> FakeTenantFs::Begin(const std::string& call) {
  calls_.push_back(call);
  std::optional<Status> failure;
  failure.swap(fail_next_);
  return failure;
}

Status FakeTenantFs::ParentExists(const std::string& root, const std::string& path, const std::string& rel) const {
  std::string parent = path.substr(0, path.rfind('/'));
  if (parent != root && !entries_.count(parent)) return NotFound(rel + ": its directory does not exist");
  return Status::Ok();
}

Status FakeTenantFs::NotADirectory(const std::string& path, const std::string& rel) const {
  auto it = entries_.find(path);
  if (it != entries_.end() && it->second.type == FileType::kDirectory) {
    return FailedPrecondition(rel + " is a directory; not replaced");
  }
  return Status::Ok();
}

Result<std::string> FakeTenantFs::Resolve(const std::string& root, const std::string& rel, bool allow_root) const {
  MD_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitRelativePath(rel, allow_root));
  std::string path = root;
  std::string shown;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    path += "/" + parts[i];
    shown += (i ? "/" : "") + parts[i];
    auto it = entries_.find(path);
    if (it == entries_.end()) return NotFound(shown + " does not exist");
    if (it->second.type != FileType::kDirectory) return Refuse(shown, it->second.type, "directory");
  }
  return parts.empty() ? path : path + "/" + parts.back();
}

Result<const FakeTenantFs::Entry*> FakeTenantFs::Readable(const std::string& path, const std::string& rel) const {
  auto it = entries_.find(path);
  if (it == entries_.end()) return NotFound(rel + " does not exist");
  if (it->second.type != FileType::kRegular) return Refuse(rel, it->second.type, "regular file");
  if (it->second.links > 1) {
    return FailedPrecondition(rel + " has " + std::to_string(it->second.links) + " hard links; refused");
  }
  return &it->second;
}

Result<std::string> FakeTenantFs::ReadFile(const std::string& root, const std::string& rel, size_t max_bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("ReadFile " + rel)) return *f;
  MD_ASSIGN_OR_RETURN(std::string path, Resolve(root, rel));
  MD_ASSIGN_OR_RETURN(const Entry* entry, Readable(path, rel));
  if (entry->content.size() > max_bytes) {
    return FailedPrecondition(rel + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return entry->content;
}

Result<FileSlice> FakeTenantFs::ReadSlice(const std::string& root, const std::string& rel, int64_t offset,
                                          size_t max_bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("ReadSlice " + rel)) return *f;
  MD_ASSIGN_OR_RETURN(std::string path, Resolve(root, rel));
  MD_ASSIGN_OR_RETURN(const Entry* entry, Readable(path, rel));
  FileSlice slice;
  slice.id = {1, entry->ino};
  slice.size = static_cast<int64_t>(entry->content.size());
  int64_t max = static_cast<int64_t>(std::min<size_t>(max_bytes, INT64_MAX));
  slice.offset = offset < 0 ? std::max<int64_t>(0, slice.size - max) : offset;
  if (slice.offset < slice.size) {
    slice.data = entry->content.substr(static_cast<size_t>(slice.offset), static_cast<size_t>(max));
  }
  return slice;
}

Result<FileInfo> FakeTenantFs::Stat(const std::string& root, const std::string& rel) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("Stat " + rel)) return *f;
  MD_ASSIGN_OR_RETURN(std::string path, Resolve(root, rel));
  auto it = entries_.find(path);
  if (it == entries_.end()) return NotFound(rel + " does not exist");
  const Entry& e = it->second;
  return FileInfo{.type = e.type,
                  .id = {1, e.ino},
                  .size = static_cast<int64_t>(e.content.size()),
                  .uid = e.owner.uid,
                  .gid = e.owner.gid,
                  .mode = e.mode,
                  .links = e.links};
}

Result<std::vector<DirEntry>> FakeTenantFs::ListDirectory(const std::string& root, const std::string& rel) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("ListDirectory " + rel)) return *f;
  MD_ASSIGN_OR_RETURN(std::string dir, Resolve(root, rel, /*allow_root=*/true));
  if (dir != root) {
    auto it = entries_.find(dir);
    if (it == entries_.end()) return NotFound(rel + " does not exist");
    if (it->second.type != FileType::kDirectory) return Refuse(rel, it->second.type, "directory");
  }
  std::vector<DirEntry> out;
  for (auto it = entries_.upper_bound(dir + "/"); it != entries_.end() && IsBeneath(it->first, dir); ++it) {
    std::string name = it->first.substr(dir.size() + 1);
    if (name.find('/') == std::string::npos) out.push_back({name, it->second.type});
  }
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

Status FakeTenantFs::WriteFile(const std::string& root, const std::string& rel, const std::string& content,
                               mode_t mode, Owner owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("WriteFile " + rel)) return *f;
  MD_ASSIGN_OR_RETURN(std::string path, Resolve(root, rel));
  MD_RETURN_IF_ERROR(ParentExists(root, path, rel));
  MD_RETURN_IF_ERROR(NotADirectory(path, rel));
  entries_[path] = Entry{FileType::kRegular, content, mode, Chowned(Creator(), owner), 1, next_ino_++};
  return Status::Ok();
}

Status FakeTenantFs::EnsureDirectory(const std::string& root, const std::string& rel, mode_t mode, Owner owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("EnsureDirectory " + rel)) return *f;
  MD_ASSIGN_OR_RETURN(std::string path, Resolve(root, rel));
  MD_RETURN_IF_ERROR(ParentExists(root, path, rel));
  auto it = entries_.find(path);
  if (it == entries_.end()) {
    entries_[path] = Entry{FileType::kDirectory, "", mode, Chowned(Creator(), owner), 1, next_ino_++};
    return Status::Ok();
  }
  if (it->second.type != FileType::kDirectory) return Refuse(rel, it->second.type, "directory");
  it->second.mode = mode;
  it->second.owner = Chowned(it->second.owner, owner);
  return Status::Ok();
}

Status FakeTenantFs::ReplaceSymlink(const std::string& root, const std::string& rel, const std::string& target) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("ReplaceSymlink " + rel + " -> " + target)) return *f;
  if (target.empty()) return InvalidArgument("no target for the symlink " + rel);
  MD_ASSIGN_OR_RETURN(std::string path, Resolve(root, rel));
  MD_RETURN_IF_ERROR(ParentExists(root, path, rel));
  MD_RETURN_IF_ERROR(NotADirectory(path, rel));
  entries_[path] = Entry{FileType::kSymlink, target, 0777, Creator(), 1, next_ino_++};
  return Status::Ok();
}

Status FakeTenantFs::RemoveTree(const std::string& root, const std::string& rel) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("RemoveTree " + rel)) return *f;
  auto resolved = Resolve(root, rel);
  if (!resolved.ok()) return resolved.status().code() == Code::kNotFound ? Status::Ok() : resolved.status();
  const std::string& path = *resolved;
  auto it = entries_.find(path);
  if (it == entries_.end()) return Status::Ok();
  bool is_dir = it->second.type == FileType::kDirectory;
  entries_.erase(it);
  // A symlink goes alone; what it points at stays.
  if (is_dir) {
    for (auto child = entries_.upper_bound(path + "/"); child != entries_.end() && IsBeneath(child->first, path);) {
      child = entries_.erase(child);
    }
  }
  return Status::Ok();
}

void FakeTenantFs::Plant(const std::string& path, Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  entry.ino = next_ino_++;
  entries_[path] = std::move(entry);
}

std::optional<FakeTenantFs::Entry> FakeTenantFs::Get(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(path);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void FakeTenantFs::FailNext(Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_next_ = std::move(status);
}

std::vector<std::string> FakeTenantFs::calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

}  // namespace md
