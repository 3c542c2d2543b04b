#pragma once

// The dock's editor of the `channels` setting (docs/channels.md): a row per channel with its id, its name and its
// OBS track, a button to remove it, and one to add a channel (up to StreamSettings::kMaxChannels). Empty: the stream
// is one channel from the Track field.

#include "settings/stream_settings.hpp"

#include <QWidget>

#include <vector>

class QPushButton;
class QVBoxLayout;

namespace sse_audio::ui {

class ChannelEditor : public QWidget {
	Q_OBJECT

public:
	explicit ChannelEditor(QWidget *parent = nullptr);

	// Replaces the rows with `channels`.
	void set_channels(const std::vector<ChannelSetting> &channels);
	// What the rows hold, in order (text trimmed; validation judges it).
	[[nodiscard]] std::vector<ChannelSetting> channels() const;

signals:
	// The user added, removed or changed a channel.
	void edited();

private:
	void add_row(const ChannelSetting &channel);
	void update_add_button();

	QVBoxLayout *rows_;
	QPushButton *add_;
};

} // namespace sse_audio::ui
