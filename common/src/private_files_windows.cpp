// Windows: a protected DACL (no inherited entries) with full control for the process's own
// user, SYSTEM and BUILTIN\Administrators; files are created with it, so no moment exists in
// which another account could open them.
#include <windows.h>
// (after windows.h)
#include <aclapi.h>
#include <sddl.h>

#include <memory>
#include <optional>

#include "crmhost/private_files.h"

namespace crmhost {
namespace {

std::wstring Wide(const std::string& utf8) {
  if (utf8.empty()) return {};
  int n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), int(utf8.size()), nullptr, 0);
  std::wstring w(size_t(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), int(utf8.size()), w.data(), n);
  return w;
}

std::string Narrow(const wchar_t* w) {
  int n = ::WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
  if (n <= 1) return {};
  std::string s(size_t(n - 1), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, w, -1, s.data(), n, nullptr, nullptr);
  return s;
}

std::string LastError(DWORD code = ::GetLastError()) {
  wchar_t* text = nullptr;
  ::FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::string s = text ? Narrow(text) : "error " + std::to_string(code);
  if (text) ::LocalFree(text);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == '.'))
    s.pop_back();
  return s;
}

struct LocalFreer {
  void operator()(void* p) const { ::LocalFree(p); }
};

// The SID of the account this process runs as, as "S-1-5-...".
std::wstring ProcessUserSid() {
  HANDLE token = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return {};
  DWORD size = 0;
  ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  auto buffer = std::make_unique<unsigned char[]>(size);
  std::wstring result;
  if (::GetTokenInformation(token, TokenUser, buffer.get(), size, &size)) {
    wchar_t* text = nullptr;
    if (::ConvertSidToStringSidW(reinterpret_cast<TOKEN_USER*>(buffer.get())->User.Sid, &text)) {
      result = text;
      ::LocalFree(text);
    }
  }
  ::CloseHandle(token);
  return result;
}

// "D:P" protects the DACL from inheritance; OICI passes it on to what a directory will hold.
// Null when this process's own account is unknown: a file only SYSTEM and Administrators could
// read would lock a service out of its own key.
std::unique_ptr<void, LocalFreer> PrivateDescriptor(bool directory) {
  const std::wstring user = ProcessUserSid();
  if (user.empty()) return nullptr;
  const std::wstring inherit = directory ? L"OICI" : L"";
  const std::wstring sddl = L"D:P(A;" + inherit + L";FA;;;SY)(A;" + inherit + L";FA;;;BA)(A;" +
                            inherit + L";FA;;;" + user + L")";
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &sd,
                                                              nullptr))
    return nullptr;
  return std::unique_ptr<void, LocalFreer>(sd);
}

bool Trusted(const std::wstring& sid, const std::wstring& user) {
  return sid == user || sid == L"S-1-5-18" /* SYSTEM */ || sid == L"S-1-5-32-544" /* Admins */;
}

std::wstring SidText(PSID sid) {
  wchar_t* text = nullptr;
  if (!::ConvertSidToStringSidW(sid, &text)) return {};
  std::wstring s = text;
  ::LocalFree(text);
  return s;
}

// "DOMAIN\name" (or "name"), or the SID's text when it has no name.
std::string AccountName(PSID sid) {
  wchar_t name[256], domain[256];
  DWORD name_len = 256, domain_len = 256;
  SID_NAME_USE use;
  if (!::LookupAccountSidW(nullptr, sid, name, &name_len, domain, &domain_len, &use))
    return Narrow(SidText(sid).c_str());
  return domain[0] ? Narrow(domain) + "\\" + Narrow(name) : Narrow(name);
}

// The owner of `path` when it is not this process's account, SYSTEM or Administrators.
std::optional<std::string> ForeignOwner(const std::string& path) {
  PSID owner = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  const std::wstring wpath = Wide(path);
  if (::GetNamedSecurityInfoW(wpath.c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner,
                              nullptr, nullptr, nullptr, &sd) != ERROR_SUCCESS)
    return std::nullopt;  // cannot tell (changing the ACL below reports real failures)
  std::unique_ptr<void, LocalFreer> owned(sd);
  if (!owner || Trusted(SidText(owner), ProcessUserSid())) return std::nullopt;
  return AccountName(owner);
}

}  // namespace

Status CreatePrivateFile(const std::string& path, std::string_view content) {
  auto sd = PrivateDescriptor(false);
  if (!sd) return Status::Internal("cannot build a private security descriptor: " + LastError());
  SECURITY_ATTRIBUTES sa{sizeof sa, sd.get(), FALSE};
  const std::wstring wpath = Wide(path);
  HANDLE h = ::CreateFileW(wpath.c_str(), GENERIC_WRITE, 0, &sa, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
                           nullptr);
  if (h == INVALID_HANDLE_VALUE)
    return Status::IOError("cannot create " + path + ": " + LastError());
  DWORD written = 0;
  const bool ok = ::WriteFile(h, content.data(), DWORD(content.size()), &written, nullptr) &&
                  written == content.size() && ::FlushFileBuffers(h);
  const std::string why = ok ? "" : LastError();  // before CloseHandle overwrites it
  ::CloseHandle(h);
  if (!ok) {
    ::DeleteFileW(wpath.c_str());
    return Status::IOError("cannot write " + path + ": " + why);
  }
  return Status::OK();
}

Status MakeDirectoryPrivate(const std::string& path) {
  // Whoever owns the folder can always change its ACL back: a folder another user created in
  // advance (anyone may create folders under ProgramData) is refused, not adopted.
  if (auto owner = ForeignOwner(path))
    return Status::PermissionDenied(path + " is owned by " + *owner +
                                    ", not by this service's account, SYSTEM or Administrators; "
                                    "remove it, or take ownership (takeown /a /r /f)");
  auto sd = PrivateDescriptor(true);
  if (!sd) return Status::Internal("cannot build a private security descriptor: " + LastError());
  BOOL present = FALSE, defaulted = FALSE;
  PACL dacl = nullptr;
  ::GetSecurityDescriptorDacl(sd.get(), &present, &dacl, &defaulted);
  std::wstring wpath = Wide(path);
  DWORD rc = ::SetNamedSecurityInfoW(
      wpath.data(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
      nullptr, nullptr, dacl, nullptr);
  if (rc != ERROR_SUCCESS) return Status::IOError("cannot restrict " + path + ": " + LastError(rc));
  return Status::OK();
}

std::optional<std::string> PrivateFileProblem(const std::string& path) {
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  std::wstring wpath = Wide(path);
  if (::GetNamedSecurityInfoW(wpath.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                              nullptr, &dacl, nullptr, &sd) != ERROR_SUCCESS)
    return std::nullopt;  // cannot tell
  std::unique_ptr<void, LocalFreer> owned(sd);
  if (!dacl) return "readable by everyone (no DACL)";
  const std::wstring user = ProcessUserSid();
  constexpr ACCESS_MASK kReads = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL;
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!::GetAce(dacl, i, &ace)) continue;
    if (static_cast<ACE_HEADER*>(ace)->AceType != ACCESS_ALLOWED_ACE_TYPE) continue;
    auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    if (!(allowed->Mask & kReads)) continue;
    PSID sid = &allowed->SidStart;
    const std::wstring text = SidText(sid);
    if (text.empty() || Trusted(text, user)) continue;
    // The fix keeps this account's own read access, or the service could not read its key.
    return "readable by " + AccountName(sid) + " (run: icacls \"" + path +
           "\" /inheritance:r /grant:r *" + Narrow(user.c_str()) +
           ":R *S-1-5-18:F *S-1-5-32-544:F /remove:g *" + Narrow(text.c_str()) + ")";
  }
  return std::nullopt;
}

}  // namespace crmhost
