#include "settings_form.hpp"

#include "status_text.hpp"
#include "ui_text.hpp"

#include "mp3_encoder.hpp"
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

namespace sse_audio::ui {

namespace {

constexpr int kGeneratedKeyLength = 24;

int read_int(const QLineEdit *field)
{
	bool ok = false;
	const int value = field->text().trimmed().toInt(&ok);
	return ok ? value : -1;
}

QLineEdit *make_line_edit(const char *name)
{
	auto *edit = new QLineEdit;
	edit->setObjectName(QString::fromLatin1(name));
	return edit;
}

} // namespace

SettingsForm::SettingsForm(QWidget *parent) : QWidget(parent)
{
	port_ = make_line_edit("port");
	timeout_ = make_line_edit("timeout");
	timeout_->setToolTip(ui_text("Settings.Timeout.Tooltip"));
	bitrate_ = new QComboBox;
	bitrate_->setObjectName(QStringLiteral("bitrate"));
	for (const int kbps : kMp3Bitrates)
		bitrate_->addItem(ui_text("Settings.BitrateValue").arg(kbps), kbps);

	mixer_ = new QComboBox;
	mixer_->setObjectName(QStringLiteral("mixer"));
	for (int track = 0; track < StreamSettings::kMixerTracks; track++)
		mixer_->addItem(ui_text("Settings.TrackValue").arg(track + 1), track);
	bind_address_ = make_line_edit("bind_address");
	bind_address_->setToolTip(ui_text("Settings.BindAddress.Tooltip"));
	max_listeners_ = make_line_edit("max_listeners");
	max_listeners_->setToolTip(ui_text("Settings.MaxListeners.Tooltip"));
	access_key_ = make_line_edit("access_key");
	access_key_->setEchoMode(QLineEdit::Password);
	access_key_->setPlaceholderText(ui_text("Settings.AccessKey.Placeholder"));
	access_key_->setToolTip(ui_text("Settings.AccessKey.Tooltip"));
	title_ = make_line_edit("title");
	title_->setPlaceholderText(QString::fromLatin1(obs::kDefaultTitle));
	allowed_origins_ = make_line_edit("allowed_origins");
	allowed_origins_->setPlaceholderText(ui_text("Settings.AllowedOrigins.Placeholder"));
	allowed_origins_->setToolTip(ui_text("Settings.AllowedOrigins.Tooltip"));
	max_listeners_per_address_ = make_line_edit("max_listeners_per_address");
	max_listeners_per_address_->setToolTip(ui_text("Settings.MaxListenersPerAddress.Tooltip"));
	relay_url_ = make_line_edit("relay_url");
	relay_url_->setPlaceholderText(ui_text("Settings.RelayUrl.Placeholder"));
	relay_url_->setToolTip(ui_text("Settings.RelayUrl.Tooltip"));
	relay_key_ = make_line_edit("relay_key");
	relay_key_->setEchoMode(QLineEdit::Password);
	relay_key_->setToolTip(ui_text("Settings.RelayKey.Tooltip"));
	serve_listeners_ = new QCheckBox(ui_text("Settings.ServeListeners"));
	serve_listeners_->setObjectName(QStringLiteral("serve_listeners"));
	serve_listeners_->setToolTip(ui_text("Settings.ServeListeners.Tooltip"));
	auto *generate = new QPushButton(ui_text("Settings.AccessKey.Generate"));
	generate->setObjectName(QStringLiteral("generate_key"));
	start_with_obs_ = new QCheckBox(ui_text("Settings.StartWithObs"));
	start_with_obs_->setObjectName(QStringLiteral("start_with_obs"));
	start_with_obs_->setToolTip(ui_text("Settings.StartWithObs.Tooltip"));

	auto *basic = new QFormLayout;
	basic->addRow(ui_text("Settings.Port"), with_message(port_, "port"));
	basic->addRow(ui_text("Settings.Bitrate"), with_message(bitrate_, "bitrate"));
	auto *timeout_label = new QLabel(ui_text("Settings.Timeout"));
	timeout_label->setToolTip(timeout_->toolTip());
	basic->addRow(timeout_label, with_message(timeout_, "timeout"));

	auto *key_row = new QWidget;
	auto *key_layout = new QHBoxLayout(key_row);
	key_layout->setContentsMargins(0, 0, 0, 0);
	key_layout->addWidget(access_key_, 1);
	key_layout->addWidget(generate);

	advanced_fields_ = new QWidget;
	auto *advanced = new QFormLayout(advanced_fields_);
	advanced->setContentsMargins(0, 0, 0, 0);
	advanced->addRow(ui_text("Settings.Mixer"), with_message(mixer_, "mixer"));
	advanced->addRow(ui_text("Settings.BindAddress"), with_message(bind_address_, "bind_address"));
	advanced->addRow(ui_text("Settings.MaxListeners"), with_message(max_listeners_, "max_listeners"));
	advanced->addRow(ui_text("Settings.AccessKey"), with_message(key_row, "access_key"));
	advanced->addRow(ui_text("Settings.MaxListenersPerAddress"),
			 with_message(max_listeners_per_address_, "max_listeners_per_address"));
	advanced->addRow(ui_text("Settings.Title"), with_message(title_, "title"));
	advanced->addRow(ui_text("Settings.AllowedOrigins"), with_message(allowed_origins_, "allowed_origins"));
	auto *relay_heading = new QLabel(ui_text("Settings.Relay"));
	relay_heading->setStyleSheet(QStringLiteral("font-weight: bold;"));
	advanced->addRow(relay_heading);
	advanced->addRow(ui_text("Settings.RelayUrl"), with_message(relay_url_, "relay_url"));
	advanced->addRow(ui_text("Settings.RelayKey"), with_message(relay_key_, "relay_key"));
	advanced->addRow(with_message(serve_listeners_, "serve_listeners"));
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

	for (QLineEdit *edit : {port_, timeout_, bind_address_, max_listeners_, access_key_, title_,
				max_listeners_per_address_, relay_url_, relay_key_, allowed_origins_})
		connect(edit, &QLineEdit::textEdited, this, &SettingsForm::edited);
	// Any change counts, also one made by code (show_settings): the dock compares the fields with the settings
	// in force, so a change back to them simply disables Apply again.
	for (QComboBox *combo : {bitrate_, mixer_})
		connect(combo, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &SettingsForm::edited);
	connect(start_with_obs_, &QCheckBox::toggled, this, &SettingsForm::edited);
	connect(serve_listeners_, &QCheckBox::toggled, this, &SettingsForm::edited);
	connect(generate, &QPushButton::clicked, this, &SettingsForm::generate_key);
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
	port_->setText(QString::number(s.port));
	bitrate_->setCurrentIndex(bitrate_->findData(s.bitrate_kbps));
	timeout_->setText(QString::number(s.timeout_seconds));
	mixer_->setCurrentIndex(mixer_->findData(s.mixer));
	bind_address_->setText(QString::fromStdString(s.bind_address));
	max_listeners_->setText(QString::number(s.max_listeners));
	access_key_->setText(QString::fromStdString(s.access_key));
	title_->setText(QString::fromStdString(s.title));
	max_listeners_per_address_->setText(QString::number(s.max_listeners_per_address));
	relay_url_->setText(QString::fromStdString(s.relay_url));
	relay_key_->setText(QString::fromStdString(s.relay_key));
	serve_listeners_->setChecked(s.serve_listeners);
	allowed_origins_->setText(QString::fromStdString(s.allowed_origins));
	start_with_obs_->setChecked(settings.start_with_obs);
	shown_ = settings;
	clear_problems();
}

obs::PluginSettings SettingsForm::read() const
{
	obs::PluginSettings settings = shown_;
	StreamSettings &s = settings.stream;
	s.port = read_int(port_);
	s.bitrate_kbps = bitrate_->currentData().isValid() ? bitrate_->currentData().toInt() : -1;
	s.timeout_seconds = read_int(timeout_);
	s.mixer = mixer_->currentData().isValid() ? mixer_->currentData().toInt() : -1;
	s.bind_address = bind_address_->text().trimmed().toStdString();
	s.max_listeners = read_int(max_listeners_);
	s.access_key = access_key_->text().trimmed().toStdString();
	s.title = title_->text().trimmed().toStdString();
	s.max_listeners_per_address = read_int(max_listeners_per_address_);
	s.relay_url = relay_url_->text().trimmed().toStdString();
	s.relay_key = relay_key_->text().trimmed().toStdString();
	s.serve_listeners = serve_listeners_->isChecked();
	s.allowed_origins = allowed_origins_->text().trimmed().toStdString();
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

void SettingsForm::generate_key()
{
	// Letters and digits only: always valid, and readable aloud when a key has to be passed on by phone.
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
	QString key;
	for (int i = 0; i < kGeneratedKeyLength; i++)
		key += QLatin1Char(alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))]);
	access_key_->setText(key);
	emit edited();
}

} // namespace sse_audio::ui
