#pragma once

// Threads and open descriptors (handles on Windows) of this process, for the checks that stopping a server leaves
// nothing behind. Linux reads them from /proc/self; Windows asks the kernel (Toolhelp and the handle count).

#include <cstddef>
#include <string>

#ifdef _WIN32
#include <windows.h>

#include <tlhelp32.h>
#else
#include <filesystem>
#endif

namespace sse_audio::test {

#ifdef _WIN32

inline size_t thread_count()
{
	const HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	if (snapshot == INVALID_HANDLE_VALUE)
		return 0;
	size_t n = 0;
	THREADENTRY32 entry{};
	entry.dwSize = sizeof(entry);
	for (BOOL more = Thread32First(snapshot, &entry); more; more = Thread32Next(snapshot, &entry))
		n += entry.th32OwnerProcessID == GetCurrentProcessId() ? 1 : 0;
	CloseHandle(snapshot);
	return n;
}

inline size_t descriptor_count()
{
	DWORD count = 0;
	GetProcessHandleCount(GetCurrentProcess(), &count);
	return count;
}

// What the descriptors are, for a failure message: Windows has no cheap way to name its handles.
inline std::string descriptor_list()
{
	return std::to_string(descriptor_count()) + " handles";
}

#else

inline size_t count_entries(const char *folder)
{
	size_t n = 0;
	for ([[maybe_unused]] const auto &entry : std::filesystem::directory_iterator(folder))
		n++;
	return n;
}

inline size_t thread_count()
{
	return count_entries("/proc/self/task");
}

inline size_t descriptor_count()
{
	return count_entries("/proc/self/fd");
}

// Every descriptor and what it points to, for a failure message.
inline std::string descriptor_list()
{
	std::string out;
	for (const auto &entry : std::filesystem::directory_iterator("/proc/self/fd")) {
		std::error_code ec;
		out += entry.path().filename().string() + "->" +
		       std::filesystem::read_symlink(entry.path(), ec).string() + " ";
	}
	return out;
}

#endif

} // namespace sse_audio::test
