// TEST ONLY: drives the credential provider through its vtables as LogonUI does, one command per stdin line,
// one JSON line per answer on stdout. `harness.exe --clsid` creates the provider with CoCreateInstance from
// the registry (as after the MSI); `harness.exe --dll PATH` loads it with DllGetClassObject.
//   scenario N | describe | set ID TEXT | submit | qi IID | deselect | changes | refresh | strings | canunload | quit
// The fields it prints are what LogonUI would show: the initial GetFieldState/GetStringValue values, then
// whatever the credential pushes through ICredentialProviderCredentialEvents.
#include <windows.h>
#include <objbase.h>
#include <cstdio>
#include <map>
#include <string>
#include "../../src/win/credential_provider_abi.hpp"

namespace {

std::string utf8(const wchar_t* w) {
  if (!w || !*w) return "";
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
  std::string s(static_cast<size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, w, -1, &s[0], n, nullptr, nullptr);
  s.resize(static_cast<size_t>(n - 1));
  return s;
}

std::wstring wide(const std::string& s) {
  if (s.empty()) return L"";
  int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, nullptr, 0);
  std::wstring w(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, &w[0], n);
  w.resize(static_cast<size_t>(n - 1));
  return w;
}

std::string json(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out + "\"";
}

/** Strings from the provider that CoTaskMemAlloc did not allocate (LogonUI frees them with CoTaskMemFree). */
int g_foreignStrings = 0;
int g_stringsChecked = 0;

void checkAllocated(void* p) {
  if (!p) return;
  IMalloc* malloc = nullptr;
  if (SUCCEEDED(CoGetMalloc(1, &malloc))) {
    g_stringsChecked++;
    if (malloc->DidAlloc(p) != 1) g_foreignStrings++;
    malloc->Release();
  }
}

std::string hr(HRESULT value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08lX", static_cast<unsigned long>(value));
  return json(buf);
}

/** What LogonUI keeps per field, updated through the events interface. */
struct Field {
  DWORD type = 0;
  std::string label;
  int state = 0;
  int interactive = 0;
  std::string text;
};

class Events : public ICredentialProviderCredentialEvents {
 public:
  std::map<DWORD, Field>* fields = nullptr;
  int calls = 0;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_ICredentialProviderCredentialEvents_)) {
      *ppv = this;
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE SetFieldState(ICredentialProviderCredential*, DWORD id, CREDENTIAL_PROVIDER_FIELD_STATE s) override {
    calls++;
    (*fields)[id].state = s;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE SetFieldInteractiveState(ICredentialProviderCredential*, DWORD id,
                                                     CREDENTIAL_PROVIDER_FIELD_INTERACTIVE_STATE s) override {
    calls++;
    (*fields)[id].interactive = s;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE SetFieldString(ICredentialProviderCredential*, DWORD id, LPCWSTR psz) override {
    calls++;
    (*fields)[id].text = utf8(psz);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE SetFieldCheckbox(ICredentialProviderCredential*, DWORD, BOOL, LPCWSTR) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE SetFieldBitmap(ICredentialProviderCredential*, DWORD, HBITMAP) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE SetFieldComboBoxSelectedItem(ICredentialProviderCredential*, DWORD, DWORD) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE DeleteFieldComboBoxItem(ICredentialProviderCredential*, DWORD, DWORD) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE AppendFieldComboBoxItem(ICredentialProviderCredential*, DWORD, LPCWSTR) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE SetFieldSubmitButton(ICredentialProviderCredential*, DWORD, DWORD) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE OnCreatingWindow(HWND* hwnd) override {
    *hwnd = nullptr;
    return S_OK;
  }
};

/** LogonUI's side of ICredentialProviderEvents: counts CredentialsChanged (called from the watcher's thread). */
class ProviderEvents : public ICredentialProviderEvents {
 public:
  volatile LONG changes = 0;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_ICredentialProviderEvents_)) {
      *ppv = this;
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE CredentialsChanged(UINT_PTR context) override {
    if (context == 7) InterlockedIncrement(&changes);
    return S_OK;
  }
};

ProviderEvents g_providerEvents;
ICredentialProvider* g_provider = nullptr;
ICredentialProviderCredential* g_credential = nullptr;
std::map<DWORD, Field> g_fields;
Events g_events;
HMODULE g_module = nullptr;

std::string fieldsJson() {
  std::string out = "[";
  bool first = true;
  for (auto& [id, f] : g_fields) {
    if (!first) out += ",";
    first = false;
    // Cross-check: what the credential answers now must equal what it pushed through the events.
    CREDENTIAL_PROVIDER_FIELD_STATE state;
    CREDENTIAL_PROVIDER_FIELD_INTERACTIVE_STATE interactive;
    bool consistent = true;
    if (g_credential && SUCCEEDED(g_credential->GetFieldState(id, &state, &interactive)))
      consistent = static_cast<int>(state) == f.state;
    out += "{\"id\":" + std::to_string(id) + ",\"type\":" + std::to_string(f.type) + ",\"label\":" + json(f.label) +
           ",\"state\":" + std::to_string(f.state) + ",\"text\":" + json(f.text) +
           ",\"consistent\":" + (consistent ? "true" : "false") + "}";
  }
  return out + "]";
}

/** As LogonUI after SetUsageScenario: descriptors, credential 0, Advise, initial states and strings. */
std::string loadTile() {
  g_fields.clear();
  DWORD count = 0;
  HRESULT h = g_provider->GetFieldDescriptorCount(&count);
  if (FAILED(h)) return hr(h);
  for (DWORD i = 0; i < count; i++) {
    CREDENTIAL_PROVIDER_FIELD_DESCRIPTOR* d = nullptr;
    h = g_provider->GetFieldDescriptorAt(i, &d);
    if (FAILED(h) || !d) return hr(h);
    checkAllocated(d);
    checkAllocated(d->pszLabel);
    Field& f = g_fields[d->dwFieldID];
    f.type = d->cpft;
    f.label = utf8(d->pszLabel);
    CoTaskMemFree(d->pszLabel);
    CoTaskMemFree(d);
  }
  DWORD credentials = 0, def = 0;
  BOOL autoLogon = FALSE;
  h = g_provider->GetCredentialCount(&credentials, &def, &autoLogon);
  if (FAILED(h)) return hr(h);
  if (credentials == 0) return hr(S_OK);
  h = g_provider->GetCredentialAt(0, &g_credential);
  if (FAILED(h)) return hr(h);
  g_events.fields = &g_fields;
  g_credential->Advise(&g_events);
  for (auto& [id, f] : g_fields) {
    CREDENTIAL_PROVIDER_FIELD_STATE state;
    CREDENTIAL_PROVIDER_FIELD_INTERACTIVE_STATE interactive;
    if (SUCCEEDED(g_credential->GetFieldState(id, &state, &interactive))) {
      f.state = state;
      f.interactive = interactive;
    }
    if (f.type != CPFT_SUBMIT_BUTTON && f.type != CPFT_TILE_IMAGE) {
      LPWSTR text = nullptr;
      if (SUCCEEDED(g_credential->GetStringValue(id, &text)) && text) {
        checkAllocated(text);
        f.text = utf8(text);
        CoTaskMemFree(text);
      }
    }
  }
  BOOL autoLogonSelected = FALSE;
  g_credential->SetSelected(&autoLogonSelected);
  return hr(S_OK);
}

void reply(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    reply("{\"error\":\"usage: harness --clsid | --dll PATH\"}");
    return 2;
  }
  CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED);
  // The test winscard.dll beside this program: loaded first, so that the provider's WinSCard import binds to it
  // even when COM loads the provider from System32 (whose own directory is searched before ours).
  wchar_t self[MAX_PATH];
  DWORD n = GetModuleFileNameW(nullptr, self, MAX_PATH);
  std::wstring dir(self, n);
  dir = dir.substr(0, dir.find_last_of(L"\\/") + 1);
  if (GetFileAttributesW((dir + L"winscard.dll").c_str()) != INVALID_FILE_ATTRIBUTES)
    LoadLibraryW((dir + L"winscard.dll").c_str());
  std::string mode = argv[1];
  HRESULT created;
  if (mode == "--clsid") {
    created = CoCreateInstance(CLSID_CardwardenProvider, nullptr, CLSCTX_INPROC_SERVER, IID_ICredentialProvider_,
                               reinterpret_cast<void**>(&g_provider));
  } else {
    g_module = LoadLibraryA(argc > 2 ? argv[2] : "cardwarden-cp.dll");
    using GetClassObject = HRESULT(STDAPICALLTYPE*)(REFCLSID, REFIID, void**);
    auto get = g_module ? reinterpret_cast<GetClassObject>(reinterpret_cast<void*>(GetProcAddress(g_module, "DllGetClassObject"))) : nullptr;
    IClassFactory* factory = nullptr;
    created = get ? get(CLSID_CardwardenProvider, IID_IClassFactory, reinterpret_cast<void**>(&factory)) : E_FAIL;
    if (SUCCEEDED(created)) {
      created = factory->CreateInstance(nullptr, IID_ICredentialProvider_, reinterpret_cast<void**>(&g_provider));
      factory->Release();
    }
  }
  reply("{\"created\":" + hr(created) + "}");
  if (FAILED(created)) return 1;

  char line[8192];
  while (std::fgets(line, sizeof line, stdin)) {
    std::string command(line);
    while (!command.empty() && (command.back() == '\n' || command.back() == '\r')) command.pop_back();
    std::string verb = command.substr(0, command.find(' '));
    std::string rest = command.size() > verb.size() ? command.substr(verb.size() + 1) : "";
    if (verb == "scenario") {
      HRESULT h = g_provider->SetUsageScenario(static_cast<CREDENTIAL_PROVIDER_USAGE_SCENARIO>(std::atoi(rest.c_str())), 0);
      std::string loaded = SUCCEEDED(h) ? loadTile() : hr(S_OK);
      if (SUCCEEDED(h)) g_provider->Advise(&g_providerEvents, 7);
      reply("{\"hr\":" + hr(h) + ",\"load\":" + loaded + ",\"credential\":" + (g_credential ? "true" : "false") + "}");
    } else if (verb == "describe") {
      reply("{\"fields\":" + fieldsJson() + "}");
    } else if (verb == "set") {
      std::string id = rest.substr(0, rest.find(' '));
      std::string text = rest.size() > id.size() ? rest.substr(id.size() + 1) : "";
      std::wstring w = wide(text);
      HRESULT h = g_credential ? g_credential->SetStringValue(static_cast<DWORD>(std::atoi(id.c_str())), w.c_str()) : E_FAIL;
      if (SUCCEEDED(h)) g_fields[static_cast<DWORD>(std::atoi(id.c_str()))].text = text;
      reply("{\"hr\":" + hr(h) + "}");
    } else if (verb == "submit") {
      CREDENTIAL_PROVIDER_GET_SERIALIZATION_RESPONSE response = CPGSR_RETURN_CREDENTIAL_FINISHED;
      CREDENTIAL_PROVIDER_CREDENTIAL_SERIALIZATION serialization;
      LPWSTR status = nullptr;
      CREDENTIAL_PROVIDER_STATUS_ICON icon = CPSI_NONE;
      DWORD started = GetTickCount();
      HRESULT h = g_credential ? g_credential->GetSerialization(&response, &serialization, &status, &icon) : E_FAIL;
      std::string text = utf8(status);
      checkAllocated(status);
      if (status) CoTaskMemFree(status);
      reply("{\"hr\":" + hr(h) + ",\"cpgsr\":" + std::to_string(response) + ",\"icon\":" + std::to_string(icon) +
            ",\"status\":" + json(text) + ",\"ms\":" + std::to_string(GetTickCount() - started) +
            ",\"serializationBytes\":" + std::to_string(serialization.cbSerialization) + ",\"fields\":" + fieldsJson() + "}");
    } else if (verb == "qi") {
      IID iid;
      std::wstring text = wide(rest);
      HRESULT h = IIDFromString(text.c_str(), &iid);
      void* p = nullptr;
      IUnknown* target = rest.find("cred:") == 0 ? static_cast<IUnknown*>(g_credential) : g_provider;
      if (rest.find("cred:") == 0) {
        text = wide(rest.substr(5));
        h = IIDFromString(text.c_str(), &iid);
      }
      if (SUCCEEDED(h) && target) {
        h = target->QueryInterface(iid, &p);
        if (p) static_cast<IUnknown*>(p)->Release();
      }
      reply("{\"hr\":" + hr(h) + "}");
    } else if (verb == "strings") {
      // Control: a string that is not CoTaskMemAlloc'd must be seen as foreign, else the check proves nothing.
      static wchar_t notAllocated[] = L"static";
      IMalloc* malloc = nullptr;
      int control = -1;
      if (SUCCEEDED(CoGetMalloc(1, &malloc))) {
        control = malloc->DidAlloc(notAllocated);
        malloc->Release();
      }
      reply("{\"checked\":" + std::to_string(g_stringsChecked) + ",\"foreign\":" + std::to_string(g_foreignStrings) +
            ",\"control\":" + std::to_string(control) + "}");
    } else if (verb == "changes") {
      reply("{\"changes\":" + std::to_string(g_providerEvents.changes) + "}");
    } else if (verb == "refresh") {
      // What LogonUI does after CredentialsChanged: asks for the credentials again.
      DWORD count = 0, def = 0;
      BOOL autoLogon = FALSE;
      HRESULT h = g_provider->GetCredentialCount(&count, &def, &autoLogon);
      reply("{\"hr\":" + hr(h) + ",\"count\":" + std::to_string(count) + ",\"fields\":" + fieldsJson() + "}");
    } else if (verb == "deselect") {
      HRESULT h = g_credential ? g_credential->SetDeselected() : E_FAIL;
      reply("{\"hr\":" + hr(h) + ",\"fields\":" + fieldsJson() + "}");
    } else if (verb == "canunload") {
      if (g_credential) {
        g_credential->UnAdvise();
        g_credential->Release();
        g_credential = nullptr;
      }
      g_provider->UnAdvise();
      ULONG left = g_provider->Release();
      g_provider = nullptr;
      using CanUnload = HRESULT(STDAPICALLTYPE*)();
      auto can = g_module ? reinterpret_cast<CanUnload>(reinterpret_cast<void*>(GetProcAddress(g_module, "DllCanUnloadNow"))) : nullptr;
      reply("{\"providerRefs\":" + std::to_string(left) + ",\"hr\":" + hr(can ? can() : E_NOTIMPL) + "}");
    } else if (verb == "quit") {
      break;
    } else {
      reply("{\"error\":" + json("unknown command " + verb) + "}");
    }
  }
  if (g_credential) {
    g_credential->UnAdvise();
    g_credential->Release();
  }
  if (g_provider) {
    g_provider->UnAdvise();
    g_provider->Release();
  }
  CoUninitialize();
  return 0;
}
