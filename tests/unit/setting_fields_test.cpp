// The settings table (setting_fields.cpp), from which the OBS data, the dock and the host's flags are made.

#include "settings/setting_fields.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace sse_audio {
namespace {

TEST(SettingFields, EachRowSetsOneMemberOfItsKindUnderItsOwnKeyAndFlag)
{
	std::set<std::string> keys;
	std::set<std::string> flags;
	std::vector<int StreamSettings::*> numbers; // member pointers have no order: kept in lists
	std::vector<std::string StreamSettings::*> texts;
	const auto add_new = [](auto &seen, auto member) {
		const bool fresh = member && std::find(seen.begin(), seen.end(), member) == seen.end();
		seen.push_back(member);
		return fresh;
	};
	for (const SettingField &f : setting_fields()) {
		SCOPED_TRACE(f.key);
		EXPECT_TRUE(keys.insert(f.key).second);
		EXPECT_TRUE(flags.insert(f.flag).second);
		EXPECT_EQ(std::string(f.flag).rfind("--", 0), 0U);
		EXPECT_NE(std::string(f.label), "");
		EXPECT_NE(std::string(f.error), "");
		const int members = (f.number ? 1 : 0) + (f.text ? 1 : 0) + (f.on ? 1 : 0);
		EXPECT_EQ(members, 1);
		switch (f.kind) {
		case SettingField::Kind::Number:
			EXPECT_TRUE(add_new(numbers, f.number));
			break;
		case SettingField::Kind::Text:
		case SettingField::Kind::Secret:
			EXPECT_TRUE(add_new(texts, f.text));
			break;
		case SettingField::Kind::Switch:
			EXPECT_TRUE(f.on);
			break;
		}
	}
}

// A member missing from the table would be neither saved, nor shown in the dock, nor settable from the host. The
// structured binding names every data member of StreamSettings (it stops compiling when one is added), and the table
// must have a row for each but `channels` (a list, with conversions of its own) and `channels_malformed` (what was
// wrong with the list where it was read, not a setting), each row setting a different member (checked above).
TEST(SettingFields, TheTableHasARowForEveryMember)
{
	const StreamSettings s;
	[[maybe_unused]] const auto &[port, bitrate, timeout, bind, mixer, max_listeners, key, title, per_address,
				      relay_url, relay_key, serve, origins, public_url, channels,
				      channels_malformed] = s;
	constexpr size_t kMembers = 16;
	constexpr size_t kListMembers = 2; // channels, channels_malformed
	EXPECT_EQ(setting_fields().size(), kMembers - kListMembers);

	// And every row reaches the struct: a copy changed through each row differs from the defaults in it alone.
	for (const SettingField &f : setting_fields()) {
		StreamSettings changed;
		if (f.number)
			changed.*f.number += 1;
		else if (f.text)
			changed.*f.text += "x";
		else
			changed.*f.on = !(changed.*f.on);
		EXPECT_NE(changed, s) << f.key;
	}
}

} // namespace
} // namespace sse_audio
