#pragma once

// A StreamControl without libobs: it validates and keeps settings like the real controller, changes state at
// once, and counts what the dock asked of it.

#include "stream_control.hpp"

#include <functional>
#include <vector>

namespace sse_audio::uitest {

class FakeStreamControl final : public obs::StreamControl {
public:
	[[nodiscard]] obs::PluginSettings settings() const override { return settings_; }
	std::vector<SettingsProblem> apply(const obs::PluginSettings &settings) override
	{
		applied++;
		auto problems = validate_settings(settings.stream);
		if (problems.empty())
			settings_ = settings;
		return problems;
	}
	void start() override
	{
		starts++;
		set_state({obs::StreamPhase::Live, 1'700'000'000'000, {}});
	}
	void stop() override
	{
		stops++;
		set_state({});
	}
	[[nodiscard]] obs::StreamState state() const override { return state_; }
	[[nodiscard]] obs::StreamFigures figures() const override { return figures_; }
	void set_state_observer(std::function<void()> observer) override { observer_ = std::move(observer); }

	void set_state(obs::StreamState state)
	{
		state_ = std::move(state);
		if (observer_)
			observer_();
	}
	void set_figures(const obs::StreamFigures &figures) { figures_ = figures; }
	void set_settings(const obs::PluginSettings &settings) { settings_ = settings; }
	[[nodiscard]] bool has_observer() const { return static_cast<bool>(observer_); }

	int applied = 0;
	int starts = 0;
	int stops = 0;

private:
	obs::PluginSettings settings_;
	obs::StreamState state_;
	obs::StreamFigures figures_;
	std::function<void()> observer_;
};

} // namespace sse_audio::uitest
