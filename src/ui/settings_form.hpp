#pragma once

// The dock's settings fields: port, bitrate and timeout, and under "Advanced" the mixer track, bind address,
// maximum listeners (in all and per address), access key, title, the relay (URL, key, whether this computer also
// serves listeners) and "start with OBS". Each field has its own message line for refusals.

#include "stream_control.hpp"

#include <QWidget>

#include <map>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace sse_audio::ui {

class SettingsForm : public QWidget {
	Q_OBJECT

public:
	explicit SettingsForm(QWidget *parent = nullptr);

	// Fills the fields and clears every message.
	void show_settings(const obs::PluginSettings &settings);
	// What the fields hold. Text that is not a number reads as -1, which validation refuses for every
	// numeric field, so the user sees that field's message.
	[[nodiscard]] obs::PluginSettings read() const;
	// Shows each problem beside its field (and only those); a problem without a field is ignored here.
	void show_problems(const std::vector<SettingsProblem> &problems);
	void clear_problems();

signals:
	// The user changed a field.
	void edited();

private:
	QWidget *with_message(QWidget *field, const char *key);
	void generate_key();

	QLineEdit *port_;
	QComboBox *bitrate_;
	QLineEdit *timeout_;
	QToolButton *advanced_;
	QWidget *advanced_fields_;
	QComboBox *mixer_;
	QLineEdit *bind_address_;
	QLineEdit *max_listeners_;
	QLineEdit *access_key_;
	QLineEdit *title_;
	QLineEdit *allowed_origins_;
	QLineEdit *max_listeners_per_address_;
	QLineEdit *relay_url_;
	QLineEdit *relay_key_;
	QCheckBox *serve_listeners_;
	QCheckBox *start_with_obs_;
	obs::PluginSettings shown_; // read() starts from these, so settings the form has no field for are kept
	std::map<std::string, QLabel *> messages_; // settings key → its message line
};

} // namespace sse_audio::ui
