#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sse_audio {

// An error that crosses the core boundary as a value: the message is meant for the streamer (dock and log).
struct Error {
	std::string message;
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

	[[nodiscard]] const std::string &error() const { return std::get<Error>(state_).message; }

private:
	std::variant<T, Error> state_;
};

// Success or an Error, for operations that return nothing else.
class Status {
public:
	Status() = default;
	Status(Error error) : error_(std::move(error.message)), failed_(true) {}

	[[nodiscard]] bool ok() const { return !failed_; }
	explicit operator bool() const { return ok(); }
	[[nodiscard]] const std::string &error() const { return error_; }

private:
	std::string error_;
	bool failed_ = false;
};

} // namespace sse_audio
