#include "serve/listener_admission.hpp"

#include <algorithm>

namespace sse_audio {

ListenerAdmission::ListenerAdmission(int max_total, int max_per_address)
	: max_total_(static_cast<uint64_t>(std::max(max_total, 0))),
	  max_per_address_(static_cast<uint64_t>(std::max(max_per_address, 0)))
{
}

Admission ListenerAdmission::admit(const std::string &address)
{
	std::lock_guard lock(mutex_);
	if (now_ >= max_total_)
		return Admission::Full;
	uint64_t &from_address = per_address_[address];
	if (max_per_address_ > 0 && from_address >= max_per_address_)
		return Admission::TooManyFromAddress;
	from_address++;
	now_++;
	peak_ = std::max(peak_, now_);
	return Admission::Admitted;
}

void ListenerAdmission::release(const std::string &address)
{
	std::lock_guard lock(mutex_);
	const auto it = per_address_.find(address);
	if (it == per_address_.end() || it->second == 0 || now_ == 0)
		return;
	now_--;
	if (--it->second == 0)
		per_address_.erase(it);
}

uint64_t ListenerAdmission::now() const
{
	std::lock_guard lock(mutex_);
	return now_;
}

uint64_t ListenerAdmission::peak() const
{
	std::lock_guard lock(mutex_);
	return peak_;
}

} // namespace sse_audio
