#include "stream_dock.hpp"

#include "embed_box.hpp"
#include "listener_list.hpp"
#include "settings_form.hpp"
#include "status_text.hpp"
#include "ui_text.hpp"

#include "settings/listener_urls.hpp"

#include <QApplication>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace sse_audio::ui {

namespace {

constexpr int kRefreshMs = 1000;

QLabel *make_value_label(const char *name)
{
	auto *label = new QLabel;
	label->setObjectName(QString::fromLatin1(name));
	label->setTextInteractionFlags(Qt::TextSelectableByMouse);
	return label;
}

bool stream_part_equal(const obs::PluginSettings &a, const obs::PluginSettings &b)
{
	return obs::PluginSettings{a.stream, false} == obs::PluginSettings{b.stream, false};
}

} // namespace

StreamDock::StreamDock(obs::StreamControl &control, AddressSource addresses, QWidget *parent)
	: QWidget(parent), control_(control), addresses_(std::move(addresses))
{
	setObjectName(QStringLiteral("sse_audio_dock_contents"));

	status_ = make_value_label("status");
	status_->setWordWrap(true);
	start_stop_ = new QPushButton;
	start_stop_->setObjectName(QStringLiteral("start_stop"));
	// Focusing the dock focuses its main button: opened from the Tools menu, Space starts or stops the stream.
	setFocusProxy(start_stop_);
	message_ = make_value_label("message");
	message_->setWordWrap(true);
	message_->setVisible(false);

	auto *top = new QHBoxLayout;
	top->addWidget(status_, 1);
	top->addWidget(start_stop_);

	form_ = new SettingsForm;
	apply_ = new QPushButton(ui_text("Settings.Apply"));
	apply_->setObjectName(QStringLiteral("apply"));
	revert_ = new QPushButton(ui_text("Settings.Revert"));
	revert_->setObjectName(QStringLiteral("revert"));
	auto *buttons = new QHBoxLayout;
	buttons->addStretch(1);
	buttons->addWidget(revert_);
	buttons->addWidget(apply_);
	auto *settings_box = new QGroupBox(ui_text("Dock.Settings"));
	auto *settings_layout = new QVBoxLayout(settings_box);
	settings_layout->addWidget(form_);
	settings_layout->addLayout(buttons);

	urls_ = new ListenerList;
	auto *urls_box = new QGroupBox(ui_text("Urls.Title"));
	auto *urls_layout = new QVBoxLayout(urls_box);
	urls_layout->addWidget(urls_);
	// Embedding is set up once, not watched while live: folded away like Advanced, under the addresses it uses.
	embed_ = new EmbedBox;
	embed_->setVisible(false);
	auto *embed_toggle = new QToolButton;
	embed_toggle->setObjectName(QStringLiteral("embed"));
	embed_toggle->setText(ui_text("Embed.Title"));
	embed_toggle->setCheckable(true);
	embed_toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
	embed_toggle->setArrowType(Qt::RightArrow);
	embed_toggle->setAutoRaise(true);
	connect(embed_toggle, &QToolButton::toggled, this, [this, embed_toggle](bool open) {
		embed_->setVisible(open);
		embed_toggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
	});
	urls_layout->addWidget(embed_toggle);
	urls_layout->addWidget(embed_);

	listeners_ = make_value_label("listeners");
	bitrate_ = make_value_label("bitrate_now");
	sent_ = make_value_label("sent");
	drops_ = make_value_label("drops");
	relay_ = make_value_label("relay");
	relay_->setWordWrap(true);
	auto *drops_label = new QLabel(ui_text("Figures.Drops"));
	drops_label->setToolTip(ui_text("Figures.Drops.Tooltip"));
	drops_->setToolTip(drops_label->toolTip());
	auto *figures_box = new QGroupBox(ui_text("Figures.Title"));
	auto *figures = new QFormLayout(figures_box);
	figures->addRow(ui_text("Figures.Listeners"), listeners_);
	figures->addRow(ui_text("Figures.Bitrate"), bitrate_);
	figures->addRow(ui_text("Figures.Sent"), sent_);
	figures->addRow(drops_label, drops_);
	figures->addRow(ui_text("Figures.Relay"), relay_);
	channels_label_ = new QLabel(ui_text("Figures.Channels"));
	channels_ = make_value_label("channel_listeners");
	channels_->setWordWrap(true);
	figures->addRow(channels_label_, channels_);

	auto *layout = new QVBoxLayout(this);
	layout->addLayout(top);
	layout->addWidget(message_);
	// What a streamer looks at while live comes first; the settings, touched rarely, last.
	layout->addWidget(figures_box);
	layout->addWidget(urls_box);
	layout->addWidget(settings_box);
	layout->addStretch(1);
	// Which version is running, for a bug report or a question: the same number as the log and /status.json.
	auto *about = make_value_label("about");
	about->setText(ui_text("Dock.About").arg(QStringLiteral(SSE_AUDIO_VERSION)));
	about->setEnabled(false);
	layout->addWidget(about);

	form_->show_settings(control_.settings());
	// A hand-edited settings file can hold values the plugin refuses (and will not start with): mark them at once.
	if (const auto problems = validate_settings(control_.settings().stream); !problems.empty())
		form_->show_problems(problems);

	connect(start_stop_, &QPushButton::clicked, this, &StreamDock::start_or_stop);
	connect(apply_, &QPushButton::clicked, this, &StreamDock::apply_form);
	connect(revert_, &QPushButton::clicked, this, [this] {
		form_->show_settings(control_.settings());
		message_->setVisible(false);
		update_buttons();
	});
	connect(form_, &SettingsForm::edited, this, &StreamDock::update_buttons);

	timer_ = new QTimer(this);
	timer_->setInterval(kRefreshMs);
	connect(timer_, &QTimer::timeout, this, &StreamDock::refresh);
	timer_->start();

	// The controller calls this on its own thread; the QPointer is only read on the UI thread, in the queued call.
	QPointer<StreamDock> self(this);
	control_.set_state_observer([self] {
		QMetaObject::invokeMethod(
			qApp,
			[self] {
				if (self)
					self->refresh();
			},
			Qt::QueuedConnection);
	});
	refresh();
}

StreamDock::~StreamDock()
{
	control_.set_state_observer(nullptr);
}

void StreamDock::refresh()
{
	const obs::StreamState state = control_.state();
	status_->setText(status_line(state));
	const bool running = state.phase == obs::StreamPhase::Live || state.phase == obs::StreamPhase::Starting;
	start_stop_->setText(ui_text(running ? "Dock.Stop" : "Dock.Start"));
	set_start_stop_enabled(state.phase != obs::StreamPhase::Stopping);

	const obs::StreamFigures f = control_.figures();
	if (f.running) {
		listeners_->setText(ui_text("Figures.ListenersValue").arg(f.listeners_now).arg(f.listeners_peak));
		bitrate_->setText(ui_text("Settings.BitrateValue").arg(f.bitrate_kbps));
		sent_->setText(format_bytes(f.bytes_sent));
		drops_->setText(QString::number(f.drops()));
		relay_->setText(f.relay ? relay_line(*f.relay) : ui_text("Figures.Relay.Off"));
	} else {
		for (QLabel *label : {listeners_, bitrate_, sent_, drops_, relay_})
			label->setText(ui_text("Figures.None"));
	}
	update_channel_figures(f);
	update_urls();
	update_buttons();
}

void StreamDock::update_channel_figures(const obs::StreamFigures &f)
{
	const std::vector<ChannelSetting> channels = served_channels(control_.settings().stream);
	const bool several = channels.size() > 1;
	channels_label_->setVisible(several);
	channels_->setVisible(several);
	if (!several)
		return;
	QStringList parts;
	for (size_t i = 0; i < channels.size(); i++) {
		const QString name = QString::fromStdString(channels[i].name);
		const bool known = f.running && i < f.channels.size();
		if (known && !f.channels[i].error.empty())
			parts << ui_text("Figures.ChannelFailed").arg(name, QString::fromStdString(f.channels[i].error));
		else
			parts << ui_text("Figures.ChannelValue")
					 .arg(name, known ? QString::number(f.channels[i].listeners_now)
							  : ui_text("Figures.None"));
	}
	channels_->setText(parts.join(QStringLiteral("\n")));
}

void StreamDock::update_urls()
{
	const StreamSettings s = control_.settings().stream;
	QStringList urls;
	const auto hosts = listener_hosts(s.bind_address, addresses_ ? addresses_() : local_ipv4_addresses());
	const std::vector<std::string> addresses = listener_urls(s, hosts);
	for (const auto &url : addresses)
		urls << QString::fromStdString(url);
	// With channels, the first address again for each channel: a link that opens the player on that language (the
	// ones above open the player with its picker).
	if (!s.channels.empty() && !addresses.empty()) {
		const QString first = QString::fromStdString(addresses.front());
		for (const ChannelSetting &channel : s.channels)
			urls << first + (first.contains(QLatin1Char('?')) ? QStringLiteral("&") : QStringLiteral("?")) +
					QStringLiteral("channel=") + QString::fromStdString(channel.id);
	}
	// Bound to loopback behind a reverse proxy, the public address still reaches everyone.
	const bool local_only = s.public_url.empty() &&
				(s.bind_address.rfind("127.", 0) == 0 || s.bind_address == "::1");
	urls_->set_urls(urls, local_only);
	// The first address is the one for other sites: the public one when set, else this computer's first.
	embed_->set_url(urls.isEmpty() ? QString() : QString::fromStdString(addresses.front()));
}

void StreamDock::set_start_stop_enabled(bool enabled)
{
	if (enabled == start_stop_->isEnabled())
		return;
	if (!enabled) {
		// Qt hands the focus of a button it disables to the next field (the port), where the key press meant for
		// Start would type into the field instead. Remember where it went, to take it back.
		take_focus_back_ = start_stop_->hasFocus();
		start_stop_->setEnabled(false);
		focus_lent_to_ = QApplication::focusWidget();
		return;
	}
	start_stop_->setEnabled(true);
	// Only while the focus is still where Qt put it: a person who clicked elsewhere meanwhile keeps that.
	if (take_focus_back_ && QApplication::focusWidget() == focus_lent_to_.data())
		start_stop_->setFocus(Qt::OtherFocusReason);
	take_focus_back_ = false;
}

void StreamDock::update_buttons()
{
	const bool changed = !(form_->read() == control_.settings());
	apply_->setEnabled(changed);
	revert_->setEnabled(changed);
}

void StreamDock::start_or_stop()
{
	const obs::StreamPhase phase = control_.state().phase;
	if (phase == obs::StreamPhase::Live || phase == obs::StreamPhase::Starting) {
		control_.stop();
	} else {
		// Start what the fields say: starting with other settings than the ones shown would surprise.
		if (!apply_form())
			return;
		control_.start();
	}
	refresh();
}

bool StreamDock::apply_form()
{
	message_->setVisible(false);
	const obs::PluginSettings wanted = form_->read();
	// Checked here first so that a refusal costs nothing, not even a question about listeners.
	auto problems = validate_settings(wanted.stream);
	if (!problems.empty()) {
		form_->show_problems(problems);
		return false;
	}
	const obs::PluginSettings current = control_.settings();
	if (wanted == current) {
		form_->clear_problems();
		return true;
	}
	const obs::StreamPhase phase = control_.state().phase;
	const bool restarts = !stream_part_equal(wanted, current) &&
			      (phase == obs::StreamPhase::Live || phase == obs::StreamPhase::Starting);
	const uint64_t listeners = control_.figures().listeners_now;
	if (restarts && listeners > 0) {
		const auto answer = QMessageBox::question(this, ui_text("Confirm.Title"),
							  ui_text("Confirm.Text").arg(listeners),
							  QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
		if (answer != QMessageBox::Yes)
			return false;
	}
	problems = control_.apply(wanted);
	if (!problems.empty()) {
		form_->show_problems(problems);
		for (const auto &problem : problems) {
			if (problem.field.empty()) {
				message_->setText(ui_text("Error.Save").arg(QString::fromStdString(problem.message)));
				message_->setVisible(true);
			}
		}
		return false;
	}
	form_->show_settings(control_.settings());
	refresh();
	return true;
}

} // namespace sse_audio::ui
