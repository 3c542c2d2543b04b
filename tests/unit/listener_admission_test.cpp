#include "serve/listener_admission.hpp"

#include <gtest/gtest.h>

namespace sse_audio {
namespace {

TEST(ListenerAdmission, LimitsTheTotalAndEachAddressAndGivesPlacesBack)
{
	ListenerAdmission admission(3, 2);
	EXPECT_EQ(admission.admit("10.0.0.1"), Admission::Admitted);
	EXPECT_EQ(admission.admit("10.0.0.1"), Admission::Admitted);
	EXPECT_EQ(admission.admit("10.0.0.1"), Admission::TooManyFromAddress);
	EXPECT_EQ(admission.admit("10.0.0.2"), Admission::Admitted);
	EXPECT_EQ(admission.admit("10.0.0.3"), Admission::Full);
	EXPECT_EQ(admission.now(), 3u);
	admission.release("10.0.0.1");
	EXPECT_EQ(admission.admit("10.0.0.3"), Admission::Admitted);
	EXPECT_EQ(admission.peak(), 3u);
	admission.release("10.0.0.9"); // never admitted: changes nothing
	EXPECT_EQ(admission.now(), 3u);
}

TEST(ListenerAdmission, ZeroPerAddressMeansNoSuchLimit)
{
	ListenerAdmission admission(100, 0);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(admission.admit("127.0.0.1"), Admission::Admitted);
	EXPECT_EQ(admission.admit("127.0.0.1"), Admission::Full);
}

} // namespace
} // namespace sse_audio
