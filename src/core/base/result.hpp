#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sse_audio {

// An error that crosses the core boundary as a value. `message` is for the log, in English as OBS's log is. When
// the same text is in the locale files, `text_key` names it and `text_args` fill its %1, %2, ..., so the dock can
// show it in the streamer's language; otherwise the dock shows `message`.
struct Error {
	Error() = default; // no error: an empty message
	Error(std::string english) : message(std::move(english)) {}
	Error(const char *english) : message(english) {}
	Error(std::string english, std::string key, std::vector<std::string> args)
		: message(std::move(english)), text_key(std::move(key)), text_args(std::move(args))
	{
	}

	std::string message;
	std::string text_key;
	std::vector<std::string> text_args;
};

// Either a value or an Error. The core never throws across its public API; callers show the message.
template <typename T>
class Result {
public:
	Result(T value) : state_(std::move(value)) {}
	Result(Error error) : state_(std::move(error)) {}

	[[nodiscard]] bool ok() const { return std::holds_alternative<T>(state_); }
	explicit operator bool() const { return ok(); }

	T &value() { return std::get<T>(state_); }
	const T &value() const { return std::get<T>(state_); }
	T &operator*() { return value(); }
	T *operator->() { return &value(); }

	[[nodiscard]] const std::string &error() const { return failure().message; }
	[[nodiscard]] const Error &failure() const { return std::get<Error>(state_); }

private:
	std::variant<T, Error> state_;
};

// Success or an Error, for operations that return nothing else.
class Status {
public:
	Status() = default;
	Status(Error error) : error_(std::move(error)), failed_(true) {}

	[[nodiscard]] bool ok() const { return !failed_; }
	explicit operator bool() const { return ok(); }
	[[nodiscard]] const std::string &error() const { return error_.message; }
	[[nodiscard]] const Error &failure() const { return error_; }

private:
	Error error_;
	bool failed_ = false;
};

} // namespace sse_audio
