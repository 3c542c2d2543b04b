#include "base/base64.hpp"

#include <array>

namespace sse_audio {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> make_reverse_table()
{
	std::array<int, 256> table{};
	table.fill(-1);
	for (size_t i = 0; i < kAlphabet.size(); i++)
		table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int>(i);
	return table;
}

constexpr std::array<int, 256> kReverse = make_reverse_table();

} // namespace

void base64_append(std::string &out, std::span<const uint8_t> bytes)
{
	out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
	size_t i = 0;
	for (; i + 3 <= bytes.size(); i += 3) {
		const uint32_t n = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
		out.push_back(kAlphabet[(n >> 18) & 63]);
		out.push_back(kAlphabet[(n >> 12) & 63]);
		out.push_back(kAlphabet[(n >> 6) & 63]);
		out.push_back(kAlphabet[n & 63]);
	}
	const size_t rest = bytes.size() - i;
	if (rest == 1) {
		const uint32_t n = uint32_t{bytes[i]} << 16;
		out.push_back(kAlphabet[(n >> 18) & 63]);
		out.push_back(kAlphabet[(n >> 12) & 63]);
		out.append("==");
	} else if (rest == 2) {
		const uint32_t n = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8);
		out.push_back(kAlphabet[(n >> 18) & 63]);
		out.push_back(kAlphabet[(n >> 12) & 63]);
		out.push_back(kAlphabet[(n >> 6) & 63]);
		out.push_back('=');
	}
}

std::string base64_encode(std::span<const uint8_t> bytes)
{
	std::string out;
	base64_append(out, bytes);
	return out;
}

std::optional<std::vector<uint8_t>> base64_decode(std::string_view text)
{
	if (text.size() % 4 != 0)
		return std::nullopt;
	std::vector<uint8_t> out;
	out.reserve(text.size() / 4 * 3);
	for (size_t i = 0; i < text.size(); i += 4) {
		const bool last = i + 4 == text.size();
		int values[4];
		int padding = 0;
		for (int k = 0; k < 4; k++) {
			const char c = text[i + static_cast<size_t>(k)];
			if (c == '=' && last && k >= 2) {
				values[k] = 0;
				padding++;
				continue;
			}
			if (padding > 0)
				return std::nullopt; // data after padding
			values[k] = kReverse[static_cast<uint8_t>(c)];
			if (values[k] < 0)
				return std::nullopt;
		}
		const uint32_t n = (static_cast<uint32_t>(values[0]) << 18) | (static_cast<uint32_t>(values[1]) << 12) |
				   (static_cast<uint32_t>(values[2]) << 6) | static_cast<uint32_t>(values[3]);
		out.push_back(static_cast<uint8_t>(n >> 16));
		if (padding < 2)
			out.push_back(static_cast<uint8_t>(n >> 8));
		if (padding < 1)
			out.push_back(static_cast<uint8_t>(n));
	}
	return out;
}

} // namespace sse_audio
