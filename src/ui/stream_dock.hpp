#pragma once

// The dock's contents: Start/Stop and the status line, the settings, the listener URLs with QR codes, and live
// figures refreshed every second. It never owns the output: everything goes through StreamControl, so the stream
// runs the same whether or not this widget exists.

#include "stream_control.hpp"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <string>
#include <vector>

class QLabel;
class QPushButton;
class QTimer;

namespace sse_audio::ui {

class EmbedBox;
class ListenerList;
class SettingsForm;

// The machine's non-loopback IPv4 addresses (replaceable in tests, which need fixed ones).
using AddressSource = std::function<std::vector<std::string>()>;

class StreamDock : public QWidget {
	Q_OBJECT

public:
	StreamDock(obs::StreamControl &control, AddressSource addresses, QWidget *parent = nullptr);
	~StreamDock() override;
	StreamDock(const StreamDock &) = delete;
	StreamDock &operator=(const StreamDock &) = delete;

	// Reads the state and figures again (the timer does this every second; state changes do it at once).
	void refresh();

private:
	void start_or_stop();
	// Validates the fields and puts them in force; asks first when that restarts a stream with listeners.
	// True when the settings in force now equal the fields.
	bool apply_form();
	void update_buttons();
	void update_urls();
	void update_channel_figures(const obs::StreamFigures &figures);
	// Enables or disables Start/Stop without losing the keyboard focus to the next field for good.
	void set_start_stop_enabled(bool enabled);

	obs::StreamControl &control_;
	AddressSource addresses_;
	QLabel *status_;
	QPushButton *start_stop_;
	// Start/Stop had the focus when it was disabled, and where Qt moved it then (see set_start_stop_enabled).
	bool take_focus_back_ = false;
	QPointer<QWidget> focus_lent_to_;
	QLabel *message_;
	SettingsForm *form_;
	QPushButton *apply_;
	QPushButton *revert_;
	ListenerList *urls_;
	EmbedBox *embed_;
	QLabel *listeners_;
	QLabel *bitrate_;
	QLabel *sent_;
	QLabel *drops_;
	QLabel *relay_;
	QLabel *channels_label_;
	QLabel *channels_; // listeners per channel, shown with more than one channel
	QTimer *timer_;
};

} // namespace sse_audio::ui
