#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sse_audio {

enum class Admission { Admitted, Full, TooManyFromAddress };

// Who may start listening: at most `max_total` listeners, and at most `max_per_address` from one address
// (0 = no such limit), so that one client cannot take every place. Each admitted listener is released once.
class ListenerAdmission {
public:
	ListenerAdmission(int max_total, int max_per_address);

	Admission admit(const std::string &address);
	void release(const std::string &address);

	[[nodiscard]] uint64_t now() const;
	[[nodiscard]] uint64_t peak() const;

private:
	const uint64_t max_total_;
	const uint64_t max_per_address_;
	mutable std::mutex mutex_;
	std::unordered_map<std::string, uint64_t> per_address_;
	uint64_t now_ = 0;
	uint64_t peak_ = 0;
};

} // namespace sse_audio
