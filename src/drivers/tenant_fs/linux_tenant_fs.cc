#include "drivers/tenant_fs/linux_tenant_fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/files.h"
#include "core/random.h"
#include "drivers/tenant_fs/confined_walk.h"

namespace md {
namespace {

// Deeper trees are refused rather than walked: each level holds a descriptor.
constexpr int kMaxDepth = 256;

FileInfo InfoOf(const struct stat& st) {
  return FileInfo{.type = FileTypeOf(st.st_mode),
                  .id = {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)},
                  .size = static_cast<int64_t>(st.st_size),
                  .uid = st.st_uid,
                  .gid = st.st_gid,
                  .mode = static_cast<mode_t>(st.st_mode & 07777),
                  .links = static_cast<uint64_t>(st.st_nlink)};
}

Status CheckReadable(const std::string& shown, const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return NotA(shown, st, "regular file");
  if (st.st_nlink > 1) {
    return FailedPrecondition(shown + " has " + std::to_string(st.st_nlink) + " hard links; refused");
  }
  return Status::Ok();
}

struct OpenedFile {
  Fd fd;
  struct stat st;
};

// Opens a regular file with one link for reading. It is looked at before it
// is opened (so a FIFO or device is never opened), and the descriptor is
// checked to be that same file.
Result<OpenedFile> OpenRegular(const std::string& root, const std::string& rel) {
  MD_ASSIGN_OR_RETURN(OpenedParent parent, OpenParent(root, rel));
  MD_ASSIGN_OR_RETURN(struct stat before, StatAt(parent.dir.get(), parent.name, rel));
  MD_RETURN_IF_ERROR(CheckReadable(rel, before));
  Fd fd(openat(parent.dir.get(), parent.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ELOOP) return FailedPrecondition(rel + " is a symlink; not followed");
    if (errno == ENOENT) return NotFound(rel + " does not exist");
    return ErrnoStatus("cannot open " + rel);
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return ErrnoStatus("cannot inspect " + rel);
  MD_RETURN_IF_ERROR(CheckReadable(rel, st));
  if (st.st_dev != before.st_dev || st.st_ino != before.st_ino) {
    return Unavailable(rel + " was replaced while it was being opened");
  }
  return OpenedFile{std::move(fd), st};
}

// Up to `length` bytes from `offset`; fewer if the file ends first.
Result<std::string> ReadAt(int fd, int64_t offset, size_t length, const std::string& shown) {
  std::string data(length, '\0');
  size_t done = 0;
  while (done < length) {
    ssize_t n = pread(fd, data.data() + done, length - done, static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("cannot read " + shown);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  data.resize(done);
  return data;
}

// A fresh name for a file made beside its final name, in the same directory.
std::string TempName() { return ".md-tmp-" + RandomHex(8); }

// Replacing never takes a directory's place.
Status RefuseDirectory(int dir, const std::string& name, const std::string& rel) {
  auto existing = StatAt(dir, name, rel);
  if (existing.ok() && S_ISDIR(existing->st_mode)) return FailedPrecondition(rel + " is a directory; not replaced");
  return Status::Ok();
}

// Renames `tmp`, made in `dir` (`made` says whether that went well), over
// `name`; rename replaces a symlink at `name` itself, never what it points
// at. On failure `tmp` is removed.
Status PutInPlace(int dir, const std::string& tmp, const std::string& name, const std::string& rel, Status made) {
  if (made.ok() && renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) {
    made = errno == EISDIR ? FailedPrecondition(rel + " is a directory; not replaced")
                           : ErrnoStatus("cannot replace " + rel);
  }
  if (!made.ok()) {
    unlinkat(dir, tmp.c_str(), 0);
    return made;
  }
  fsync(dir);
  return Status::Ok();
}

Status Unlink(int dir, const std::string& name, int flags, const std::string& shown) {
  if (unlinkat(dir, name.c_str(), flags) == 0 || errno == ENOENT) return Status::Ok();
  return ErrnoStatus("cannot remove " + shown);
}

// Removes everything in the open directory `dir`, which lives on device `dev`.
Status RemoveContents(int dir, const std::string& shown, dev_t dev, int depth) {
  if (depth > kMaxDepth) {
    return FailedPrecondition(shown + " is nested more than " + std::to_string(kMaxDepth) +
                              " directories deep; not removed");
  }
  MD_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadNames(dir, shown));
  for (const std::string& name : names) {
    std::string child_shown = shown + "/" + name;
    auto st = StatAt(dir, name, child_shown);
    if (!st.ok() && st.status().code() == Code::kNotFound) continue;
    if (!st.ok()) return st.status();
    if (!S_ISDIR(st->st_mode)) {
      MD_RETURN_IF_ERROR(Unlink(dir, name, 0, child_shown));
      continue;
    }
    if (st->st_dev != dev) return FailedPrecondition(child_shown + " is on another file system; not removed");
    MD_ASSIGN_OR_RETURN(Fd child, OpenSubdirectory(dir, name, child_shown));
    struct stat opened;
    if (fstat(child.get(), &opened) != 0) return ErrnoStatus("cannot inspect " + child_shown);
    if (opened.st_dev != st->st_dev || opened.st_ino != st->st_ino) {
      return Unavailable(child_shown + " was replaced while it was being removed");
    }
    MD_RETURN_IF_ERROR(RemoveContents(child.get(), child_shown, dev, depth + 1));
    MD_RETURN_IF_ERROR(Unlink(dir, name, AT_REMOVEDIR, child_shown));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> LinuxTenantFs::ReadFile(const std::string& root, const std::string& rel, size_t max_bytes) {
  MD_ASSIGN_OR_RETURN(OpenedFile file, OpenRegular(root, rel));
  const std::string too_large = rel + " is larger than " + std::to_string(max_bytes) + " bytes";
  if (static_cast<uint64_t>(file.st.st_size) > max_bytes) return FailedPrecondition(too_large);
  // One byte more than allowed tells a file that grew since fstat.
  MD_ASSIGN_OR_RETURN(std::string data, ReadAt(file.fd.get(), 0, max_bytes + 1, rel));
  if (data.size() > max_bytes) return FailedPrecondition(too_large);
  return data;
}

Result<FileSlice> LinuxTenantFs::ReadSlice(const std::string& root, const std::string& rel, int64_t offset,
                                           size_t max_bytes) {
  MD_ASSIGN_OR_RETURN(OpenedFile file, OpenRegular(root, rel));
  FileSlice slice;
  slice.id = InfoOf(file.st).id;
  slice.size = static_cast<int64_t>(file.st.st_size);
  int64_t max = static_cast<int64_t>(std::min<size_t>(max_bytes, INT64_MAX));
  slice.offset = offset < 0 ? std::max<int64_t>(0, slice.size - max) : offset;
  if (slice.offset >= slice.size) {
    slice.offset = std::max<int64_t>(offset, 0);
    return slice;
  }
  size_t length = static_cast<size_t>(std::min(max, slice.size - slice.offset));
  MD_ASSIGN_OR_RETURN(slice.data, ReadAt(file.fd.get(), slice.offset, length, rel));
  return slice;
}

Result<FileInfo> LinuxTenantFs::Stat(const std::string& root, const std::string& rel) {
  MD_ASSIGN_OR_RETURN(OpenedParent parent, OpenParent(root, rel));
  MD_ASSIGN_OR_RETURN(struct stat st, StatAt(parent.dir.get(), parent.name, rel));
  return InfoOf(st);
}

Result<std::vector<DirEntry>> LinuxTenantFs::ListDirectory(const std::string& root, const std::string& rel) {
  MD_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitRelativePath(rel, /*allow_root=*/true));
  MD_ASSIGN_OR_RETURN(Fd dir, OpenDirectories(root, parts, parts.size()));
  MD_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadNames(dir.get(), rel));
  std::sort(names.begin(), names.end());
  std::vector<DirEntry> entries;
  for (const std::string& name : names) {
    auto st = StatAt(dir.get(), name, rel + "/" + name);
    if (!st.ok() && st.status().code() == Code::kNotFound) continue;  // removed meanwhile
    if (!st.ok()) return st.status();
    entries.push_back({name, FileTypeOf(st->st_mode)});
  }
  return entries;
}

Status LinuxTenantFs::WriteFile(const std::string& root, const std::string& rel, const std::string& content,
                                mode_t mode, Owner owner) {
  MD_ASSIGN_OR_RETURN(OpenedParent parent, OpenParent(root, rel));
  int dir = parent.dir.get();
  MD_RETURN_IF_ERROR(RefuseDirectory(dir, parent.name, rel));
  // Made fresh in the opened parent: O_EXCL | O_NOFOLLOW never opens what a tenant planted.
  std::string tmp = TempName();
  Fd fd(openat(dir, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return ErrnoStatus("cannot create a temporary file beside " + rel);
  Status s = WriteAll(fd.get(), content, rel);
  if (s.ok() && (fchown(fd.get(), owner.uid, owner.gid) != 0 || fchmod(fd.get(), mode) != 0)) {
    s = ErrnoStatus("cannot set owner and mode of " + rel);
  }
  if (s.ok() && fsync(fd.get()) != 0) s = ErrnoStatus("cannot sync " + rel);
  return PutInPlace(dir, tmp, parent.name, rel, s);
}

Status LinuxTenantFs::EnsureDirectory(const std::string& root, const std::string& rel, mode_t mode, Owner owner) {
  MD_ASSIGN_OR_RETURN(OpenedParent parent, OpenParent(root, rel));
  // Closed to everyone until its owner and mode are set.
  if (mkdirat(parent.dir.get(), parent.name.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("cannot create directory " + rel);
  }
  MD_ASSIGN_OR_RETURN(Fd dir, OpenSubdirectory(parent.dir.get(), parent.name, rel));
  if (fchown(dir.get(), owner.uid, owner.gid) != 0) return ErrnoStatus("cannot set the owner of " + rel);
  if (fchmod(dir.get(), mode) != 0) return ErrnoStatus("cannot set the mode of " + rel);
  return Status::Ok();
}

Status LinuxTenantFs::ReplaceSymlink(const std::string& root, const std::string& rel, const std::string& target) {
  if (target.empty()) return InvalidArgument("no target for the symlink " + rel);
  MD_ASSIGN_OR_RETURN(OpenedParent parent, OpenParent(root, rel));
  int dir = parent.dir.get();
  MD_RETURN_IF_ERROR(RefuseDirectory(dir, parent.name, rel));
  std::string tmp = TempName();
  if (symlinkat(target.c_str(), dir, tmp.c_str()) != 0) return ErrnoStatus("cannot create a symlink beside " + rel);
  return PutInPlace(dir, tmp, parent.name, rel, Status::Ok());
}

Status LinuxTenantFs::RemoveTree(const std::string& root, const std::string& rel) {
  auto parent = OpenParent(root, rel);
  if (!parent.ok()) return parent.status().code() == Code::kNotFound ? Status::Ok() : parent.status();
  int dir = parent->dir.get();
  auto st = StatAt(dir, parent->name, rel);
  if (!st.ok()) return st.status().code() == Code::kNotFound ? Status::Ok() : st.status();
  if (!S_ISDIR(st->st_mode)) return Unlink(dir, parent->name, 0, rel);
  struct stat parent_st;
  if (fstat(dir, &parent_st) != 0) return ErrnoStatus("cannot inspect the parent of " + rel);
  if (st->st_dev != parent_st.st_dev) return FailedPrecondition(rel + " is on another file system; not removed");
  MD_ASSIGN_OR_RETURN(Fd tree, OpenSubdirectory(dir, parent->name, rel));
  MD_RETURN_IF_ERROR(RemoveContents(tree.get(), rel, st->st_dev, 0));
  return Unlink(dir, parent->name, AT_REMOVEDIR, rel);
}

}  // namespace md
