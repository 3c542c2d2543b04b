#include "settings_form.hpp"

#include "channel_editor.hpp"
#include "status_text.hpp"
#include "ui_text.hpp"

#include "audio/mp3_encoder.hpp"
#include "output_settings.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cstring>
#include <iterator>

namespace sse_audio::ui {

namespace {

constexpr int kGeneratedKeyLength = 24;

int read_int(const QLineEdit *field)
{
	bool ok = false;
	const int value = field->text().trimmed().toInt(&ok);
	return ok ? value : -1;
}

// The fields shown before "Advanced"; the relay's fields come under a heading of their own.
constexpr const char *kBasicFields[] = {"port", "bitrate", "timeout"};
constexpr const char *kFirstRelayField = "relay_url";

bool is_basic(const char *key)
{
	return std::any_of(std::begin(kBasicFields), std::end(kBasicFields),
			   [key](const char *basic) { return std::strcmp(basic, key) == 0; });
}

} // namespace

// A list for the bitrate and the track, a check box for a switch, a line for the rest (hidden text for a secret).
QWidget *SettingsForm::make_field(const SettingField &f)
{
	QWidget *widget = nullptr;
	if (f.number == &StreamSettings::bitrate_kbps || f.number == &StreamSettings::mixer) {
		auto *combo = new QComboBox;
		if (f.number == &StreamSettings::bitrate_kbps) {
			for (const int kbps : kMp3Bitrates)
				combo->addItem(ui_text("Settings.BitrateValue").arg(kbps), kbps);
		} else {
			for (int track = f.min; track <= f.max; track++)
				combo->addItem(ui_text("Settings.TrackValue").arg(track + 1), track);
		}
		// Any change counts, also one made by code (show_settings): the dock compares the fields with the
		// settings in force, so a change back to them simply disables Apply again.
		connect(combo, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &SettingsForm::edited);
		widget = combo;
	} else if (f.kind == SettingField::Kind::Switch) {
		auto *box = new QCheckBox(ui_text(f.label));
		connect(box, &QCheckBox::toggled, this, &SettingsForm::edited);
		widget = box;
	} else {
		auto *edit = new QLineEdit;
		if (f.kind == SettingField::Kind::Secret)
			edit->setEchoMode(QLineEdit::Password);
		if (*f.placeholder)
			edit->setPlaceholderText(ui_text(f.placeholder));
		else if (f.text == &StreamSettings::title)
			edit->setPlaceholderText(QString::fromLatin1(obs::kDefaultTitle));
		connect(edit, &QLineEdit::textEdited, this, &SettingsForm::edited);
		widget = edit;
	}
	widget->setObjectName(QString::fromLatin1(f.key));
	if (*f.tooltip)
		widget->setToolTip(ui_text(f.tooltip));
	fields_[f.key] = widget;
	return widget;
}

template <typename T>
T *SettingsForm::field(const char *key) const
{
	return qobject_cast<T *>(fields_.at(key));
}

SettingsForm::SettingsForm(QWidget *parent) : QWidget(parent)
{
	auto *basic = new QFormLayout;
	advanced_fields_ = new QWidget;
	auto *advanced = new QFormLayout(advanced_fields_);
	advanced->setContentsMargins(0, 0, 0, 0);
	auto *generate = new QPushButton(ui_text("Settings.AccessKey.Generate"));
	generate->setObjectName(QStringLiteral("generate_key"));
	connect(generate, &QPushButton::clicked, this, &SettingsForm::generate_key);

	for (const SettingField &f : setting_fields()) {
		QWidget *widget = make_field(f);
		QFormLayout *section = is_basic(f.key) ? basic : advanced;
		if (std::strcmp(f.key, kFirstRelayField) == 0) {
			auto *relay_heading = new QLabel(ui_text("Settings.Relay"));
			relay_heading->setStyleSheet(QStringLiteral("font-weight: bold;"));
			advanced->addRow(relay_heading);
		}
		if (f.text == &StreamSettings::access_key) {
			auto *key_row = new QWidget; // the key, and a button that makes one
			auto *key_layout = new QHBoxLayout(key_row);
			key_layout->setContentsMargins(0, 0, 0, 0);
			key_layout->addWidget(widget, 1);
			key_layout->addWidget(generate);
			widget = key_row;
		}
		if (f.kind == SettingField::Kind::Switch) {
			section->addRow(with_message(widget, f.key)); // the check box says what it is
		} else {
			auto *label = new QLabel(ui_text(f.label));
			label->setToolTip(widget->toolTip());
			section->addRow(label, with_message(widget, f.key));
		}
	}
	auto *channels_heading = new QLabel(ui_text("Settings.Channels"));
	channels_heading->setStyleSheet(QStringLiteral("font-weight: bold;"));
	channels_heading->setToolTip(ui_text("Settings.Channels.Tooltip"));
	advanced->addRow(channels_heading);
	channels_ = new ChannelEditor;
	channels_->setToolTip(ui_text("Settings.Channels.Tooltip"));
	advanced->addRow(with_message(channels_, "channels"));
	connect(channels_, &ChannelEditor::edited, this, [this] {
		update_track_field();
		emit edited();
	});

	start_with_obs_ = new QCheckBox(ui_text("Settings.StartWithObs"));
	start_with_obs_->setObjectName(QStringLiteral("start_with_obs"));
	start_with_obs_->setToolTip(ui_text("Settings.StartWithObs.Tooltip"));
	connect(start_with_obs_, &QCheckBox::toggled, this, &SettingsForm::edited);
	advanced->addRow(start_with_obs_);
	advanced_fields_->setVisible(false);

	advanced_ = new QToolButton;
	advanced_->setObjectName(QStringLiteral("advanced"));
	advanced_->setText(ui_text("Settings.Advanced"));
	advanced_->setCheckable(true);
	advanced_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
	advanced_->setArrowType(Qt::RightArrow);
	advanced_->setAutoRaise(true);
	connect(advanced_, &QToolButton::toggled, this, [this](bool open) {
		advanced_fields_->setVisible(open);
		advanced_->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
	});

	auto *layout = new QVBoxLayout(this);
	layout->setContentsMargins(0, 0, 0, 0);
	layout->addLayout(basic);
	layout->addWidget(advanced_);
	layout->addWidget(advanced_fields_);
}

QWidget *SettingsForm::with_message(QWidget *field, const char *key)
{
	auto *message = new QLabel;
	message->setObjectName(QString::fromLatin1(key) + QStringLiteral("_error"));
	message->setWordWrap(true);
	message->setStyleSheet(QStringLiteral("color: #e05d5d;"));
	message->setVisible(false);
	messages_[key] = message;

	auto *box = new QWidget;
	auto *layout = new QVBoxLayout(box);
	layout->setContentsMargins(0, 0, 0, 0);
	layout->setSpacing(2);
	layout->addWidget(field);
	layout->addWidget(message);
	return box;
}

void SettingsForm::show_settings(const obs::PluginSettings &settings)
{
	const StreamSettings &s = settings.stream;
	for (const SettingField &f : setting_fields()) {
		if (auto *combo = field<QComboBox>(f.key))
			combo->setCurrentIndex(combo->findData(s.*f.number));
		else if (auto *box = field<QCheckBox>(f.key))
			box->setChecked(s.*f.on);
		else if (f.number)
			field<QLineEdit>(f.key)->setText(QString::number(s.*f.number));
		else
			field<QLineEdit>(f.key)->setText(QString::fromStdString(s.*f.text));
	}
	channels_->set_channels(s.channels);
	update_track_field();
	start_with_obs_->setChecked(settings.start_with_obs);
	shown_ = settings;
	clear_problems();
}

obs::PluginSettings SettingsForm::read() const
{
	obs::PluginSettings settings = shown_;
	StreamSettings &s = settings.stream;
	for (const SettingField &f : setting_fields()) {
		if (const auto *combo = field<QComboBox>(f.key))
			s.*f.number = combo->currentData().isValid() ? combo->currentData().toInt() : -1;
		else if (const auto *box = field<QCheckBox>(f.key))
			s.*f.on = box->isChecked();
		else if (f.number)
			s.*f.number = read_int(field<QLineEdit>(f.key));
		else
			s.*f.text = field<QLineEdit>(f.key)->text().trimmed().toStdString();
	}
	s.channels = channels_->channels();
	settings.start_with_obs = start_with_obs_->isChecked();
	return settings;
}

void SettingsForm::show_problems(const std::vector<SettingsProblem> &problems)
{
	clear_problems();
	for (const auto &problem : problems) {
		const auto found = messages_.find(problem.field);
		if (found == messages_.end())
			continue;
		found->second->setText(problem_text(problem.field));
		found->second->setVisible(true);
		// A refused advanced field must not hide behind the closed section.
		if (found->second->isAncestorOf(advanced_fields_) || advanced_fields_->isAncestorOf(found->second))
			advanced_->setChecked(true);
	}
}

void SettingsForm::clear_problems()
{
	for (auto &[field, message] : messages_) {
		message->clear();
		message->setVisible(false);
	}
}

void SettingsForm::update_track_field()
{
	auto *track = field<QComboBox>("mixer");
	const bool by_channel = !channels_->channels().empty();
	track->setEnabled(!by_channel);
	track->setToolTip(by_channel ? ui_text("Settings.Mixer.ByChannel") : QString());
}

void SettingsForm::generate_key()
{
	// Letters and digits only: always valid, and readable aloud when a key has to be passed on by phone.
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
	QString key;
	for (int i = 0; i < kGeneratedKeyLength; i++)
		key += QLatin1Char(alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))]);
	field<QLineEdit>("access_key")->setText(key);
	emit edited();
}

} // namespace sse_audio::ui
