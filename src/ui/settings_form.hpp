#pragma once

// The dock's settings fields, one for each row of the settings table (setting_fields.hpp): port, bitrate and
// timeout, and under "Advanced" the others (the relay's under a heading of their own) and "start with OBS". Each
// field has its own message line for refusals.

#include "settings/setting_fields.hpp"
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

class ChannelEditor;

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
	// The Track field counts only without a channel list (each channel has its own track).
	void update_track_field();

	QWidget *make_field(const SettingField &setting);
	template <typename T>
	[[nodiscard]] T *field(const char *key) const;

	std::map<std::string, QWidget *> fields_; // settings key → its widget (make_field)
	QToolButton *advanced_;
	QWidget *advanced_fields_;
	QCheckBox *start_with_obs_;
	ChannelEditor *channels_;
	obs::PluginSettings shown_; // read() starts from these, so settings the form has no field for are kept
	std::map<std::string, QLabel *> messages_; // settings key → its message line
};

} // namespace sse_audio::ui
