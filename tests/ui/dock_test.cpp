// Widget tests of the dock (Qt Test, offscreen platform), against a fake StreamControl and the real locale files:
// status text for every state, refusal of invalid input beside its field, the settings round trip, the restart
// question when listeners are connected, listener URLs with Copy and a QR code that decodes, and the live figures.

#include "fake_stream_control.hpp"
#include "module_text.hpp"
#include "qr_decode.hpp"

#include "listener_list.hpp"
#include "status_text.hpp"
#include "stream_dock.hpp"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include <memory>

using sse_audio::StreamSettings;
using sse_audio::obs::PluginSettings;
using sse_audio::obs::StreamFigures;
using sse_audio::obs::StreamPhase;
using sse_audio::obs::StreamState;
using sse_audio::ui::StreamDock;
using namespace sse_audio::uitest;

namespace {

const std::vector<std::string> kAddresses = {"192.168.1.20", "10.0.0.5"};

QString text(const char *key)
{
	return QString::fromUtf8(locale_text(key).c_str());
}

// Answers the next modal question box with `button` once it appears (polling, at most 5 s). `seen` tells whether
// one appeared.
void answer_next_question(QMessageBox::StandardButton button, std::shared_ptr<bool> seen)
{
	// Owned by the application: when no box ever comes, the timer still goes with it (LeakSanitizer checks).
	auto *timer = new QTimer(QApplication::instance());
	auto polls = std::make_shared<int>(0);
	QObject::connect(timer, &QTimer::timeout, [timer, button, seen, polls] {
		auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
		if (box) {
			*seen = true;
			box->button(button)->click();
		}
		if (box || ++*polls > 250) {
			timer->stop();
			timer->deleteLater();
		}
	});
	timer->start(20);
}

} // namespace

class DockTest : public QObject {
	Q_OBJECT

private:
	std::unique_ptr<FakeStreamControl> control_;
	std::unique_ptr<StreamDock> dock_;

	void make_dock()
	{
		dock_ = std::make_unique<StreamDock>(*control_, [] { return kAddresses; });
		dock_->resize(460, 900);
		dock_->show();
		QVERIFY(QTest::qWaitForWindowExposed(dock_.get()));
	}
	template <typename T>
	T *child(const char *name)
	{
		T *found = dock_->findChild<T *>(QString::fromLatin1(name));
		if (!found)
			qFatal("the dock has no %s named %s", T::staticMetaObject.className(), name);
		return found;
	}
	void type_into(const char *field, const QString &value)
	{
		auto *edit = child<QLineEdit>(field);
		edit->clear();
		QTest::keyClicks(edit, value);
	}
	void click(const char *button) { QTest::mouseClick(child<QAbstractButton>(button), Qt::LeftButton); }
	QLabel *message(const char *field) { return child<QLabel>((std::string(field) + "_error").c_str()); }

private slots:
	void init()
	{
		QVERIFY(use_locale("en-US"));
		control_ = std::make_unique<FakeStreamControl>();
	}
	void cleanup()
	{
		dock_.reset();
		QVERIFY2(!control_->has_observer(), "the dock must withdraw its observer when it goes");
		control_.reset();
	}

	void status_line_names_every_state_data()
	{
		QTest::addColumn<QString>("locale");
		QTest::newRow("English") << "en-US";
		QTest::newRow("Chinese") << "zh-CN";
	}
	void status_line_names_every_state()
	{
		QFETCH(QString, locale);
		QVERIFY(use_locale(locale.toStdString()));
		make_dock();
		auto *status = child<QLabel>("status");
		auto *button = child<QPushButton>("start_stop");

		QCOMPARE(status->text(), text("Status.Stopped"));
		QCOMPARE(button->text(), text("Dock.Start"));

		control_->set_state({StreamPhase::Starting, 0, {}});
		QTRY_COMPARE(status->text(), text("Status.Starting"));
		QCOMPARE(button->text(), text("Dock.Stop"));

		const qint64 since = QDateTime(QDate(2026, 3, 14), QTime(9, 26, 53)).toMSecsSinceEpoch();
		control_->set_state({StreamPhase::Live, since, {}});
		QTRY_COMPARE(status->text(), text("Status.Live").arg(QStringLiteral("09:26:53")));
		QVERIFY(status->text().contains(QStringLiteral("09:26:53")));
		QCOMPARE(button->text(), text("Dock.Stop"));

		control_->set_state({StreamPhase::Stopping, 0, {}});
		QTRY_COMPARE(status->text(), text("Status.Stopping"));
		QVERIFY2(!button->isEnabled(), "Start/Stop must wait while the output stops");

		control_->set_state({StreamPhase::Error, 0, "Cannot listen on 0.0.0.0 port 80: permission denied"});
		QTRY_VERIFY(status->text().contains(QStringLiteral("permission denied")));
		QCOMPARE(
			status->text(),
			text("Status.Error").arg(QStringLiteral("Cannot listen on 0.0.0.0 port 80: permission denied")));
		QCOMPARE(button->text(), text("Dock.Start"));
		QVERIFY(button->isEnabled());

		// A failure whose words are in the locale files is shown in the dock's language, not the log's.
		const StreamState busy{
			StreamPhase::Error,
			0,
			{"Cannot listen on 0.0.0.0 port 8330: the port is already in use by another program",
			 "Failure.PortInUse",
			 {"0.0.0.0", "8330"}}};
		control_->set_state(busy);
		QTRY_COMPARE(status->text(),
			     text("Status.Error").arg(text("Failure.PortInUse").arg("0.0.0.0").arg("8330")));
		QVERIFY(status->text().contains(QStringLiteral("8330")));
		if (locale == QLatin1String("zh-CN"))
			QVERIFY2(status->text().contains(QString::fromUtf8("端口")), qPrintable(status->text()));

		// So is a failure mid-stream (the encoder's), and an argument holding "%2" is shown as it is.
		control_->set_state(
			{StreamPhase::Error,
			 0,
			 {"The MP3 encoder failed and the stream was stopped: LAME failed to encode (error -2)",
			  "Failure.LameEncode",
			  {"-2"}}});
		QTRY_COMPARE(status->text(), text("Status.Error").arg(text("Failure.LameEncode").arg("-2")));
		control_->set_state({StreamPhase::Error, 0, {"in use", "Failure.PortInUse", {"a%2b", "8330"}}});
		QTRY_COMPARE(status->text(),
			     text("Status.Error").arg(text("Failure.PortInUse").arg("a%2b", QStringLiteral("8330"))));

		// The words differ by language: the Chinese run must not show the English file's text.
		if (locale == QLatin1String("zh-CN"))
			QCOMPARE(button->text(), QString::fromUtf8("开始"));
	}

	void every_visible_string_is_translated_data() { status_line_names_every_state_data(); }
	void every_visible_string_is_translated()
	{
		QFETCH(QString, locale);
		QVERIFY(use_locale(locale.toStdString()));
		make_dock();
		child<QToolButton>("advanced")->setChecked(true);
		for (const StreamPhase phase : {StreamPhase::Starting, StreamPhase::Live, StreamPhase::Stopping,
						StreamPhase::Error, StreamPhase::Stopped})
			control_->set_state({phase, 0, "x"});
		StreamFigures figures;
		figures.running = true;
		for (const uint64_t bytes : {10ULL, 10'000ULL, 10'000'000ULL, 10'000'000'000ULL}) {
			figures.bytes_sent = bytes;
			control_->set_figures(figures);
			dock_->refresh();
		}
		for (const char *field :
		     {"port", "bitrate", "timeout", "bind_address", "mixer", "max_listeners", "access_key", "title"})
			QVERIFY(!sse_audio::ui::problem_text(field).isEmpty());
		PluginSettings local;
		local.stream.bind_address = "127.0.0.1";
		control_->set_settings(local);
		dock_->refresh();
		QStringList missing;
		for (const auto &key : missing_keys())
			missing << QString::fromStdString(key);
		QCOMPARE(missing.join(QStringLiteral(", ")), QString());
	}

	void invalid_input_is_refused_beside_its_field()
	{
		make_dock();
		type_into("port", QStringLiteral("70000"));
		type_into("timeout", QStringLiteral("soon"));
		click("apply");
		QVERIFY(message("port")->isVisible());
		QCOMPARE(message("port")->text(), text("Error.Port"));
		QVERIFY(message("timeout")->isVisible());
		QCOMPARE(message("timeout")->text(), text("Error.Timeout"));
		QVERIFY2(!message("bind_address")->isVisible(), "only refused fields carry a message");
		QCOMPARE(control_->applied, 0);
		QCOMPARE(control_->settings().stream.port, StreamSettings::kDefaultPort);
		QCOMPARE(control_->settings().stream.timeout_seconds, StreamSettings::kDefaultTimeout);

		// An advanced field that is refused opens the section so its message can be seen.
		type_into("port", QStringLiteral("9000"));
		type_into("timeout", QStringLiteral("30"));
		type_into("bind_address", QStringLiteral("stream.example.org"));
		click("apply");
		QVERIFY(child<QToolButton>("advanced")->isChecked());
		QVERIFY(message("bind_address")->isVisible());
		QCOMPARE(message("bind_address")->text(), text("Error.BindAddress"));
		QVERIFY(!message("port")->isVisible());
		QCOMPARE(control_->settings().stream.bind_address, std::string("0.0.0.0"));

		// Start refuses too: it starts what the fields say.
		click("start_stop");
		QCOMPARE(control_->starts, 0);

		type_into("bind_address", QStringLiteral("127.0.0.1"));
		click("apply");
		QVERIFY(!message("bind_address")->isVisible());
		QCOMPARE(control_->settings().stream.port, 9000);
		QCOMPARE(control_->settings().stream.timeout_seconds, 30);
		QCOMPARE(control_->settings().stream.bind_address, std::string("127.0.0.1"));
	}

	// Settings the controller read from a hand-edited file and refuses: the dock shows them as they are, with the
	// reason beside each refused field, and Start refuses them as the output would.
	void refused_settings_from_the_file_are_marked_when_the_dock_opens()
	{
		PluginSettings from_file;
		from_file.stream.access_key = "has spaces";
		from_file.stream.bind_address = "localhost";
		control_->set_settings(from_file);
		make_dock();
		QCOMPARE(child<QLineEdit>("access_key")->text(), QStringLiteral("has spaces"));
		QVERIFY(message("access_key")->isVisible());
		QCOMPARE(message("access_key")->text(), text("Error.AccessKey"));
		QVERIFY(message("bind_address")->isVisible());
		QVERIFY(!message("port")->isVisible());
		click("start_stop");
		QCOMPARE(control_->starts, 0);
	}

	void settings_round_trip()
	{
		PluginSettings saved;
		saved.stream.title = "Sunday service";
		control_->set_settings(saved);
		make_dock();
		QVERIFY2(!child<QPushButton>("apply")->isEnabled(), "nothing to apply before an edit");
		child<QToolButton>("advanced")->setChecked(true);
		type_into("port", QStringLiteral("9100"));
		auto *bitrate = child<QComboBox>("bitrate");
		bitrate->setCurrentIndex(bitrate->findData(192));
		type_into("timeout", QStringLiteral("45"));
		auto *mixer = child<QComboBox>("mixer");
		mixer->setCurrentIndex(mixer->findData(2));
		type_into("bind_address", QStringLiteral("127.0.0.1"));
		type_into("max_listeners", QStringLiteral("7"));
		click("generate_key");
		const QString key = child<QLineEdit>("access_key")->text();
		QCOMPARE(child<QLineEdit>("access_key")->echoMode(), QLineEdit::Password);
		QCOMPARE(key.size(), 24);
		auto *start_with_obs = child<QCheckBox>("start_with_obs");
		QTest::mouseClick(start_with_obs, Qt::LeftButton, {}, QPoint(8, start_with_obs->height() / 2));
		QVERIFY(child<QPushButton>("apply")->isEnabled());
		click("apply");

		const PluginSettings s = control_->settings();
		QCOMPARE(s.stream.port, 9100);
		QCOMPARE(s.stream.bitrate_kbps, 192);
		QCOMPARE(s.stream.timeout_seconds, 45);
		QCOMPARE(s.stream.mixer, 2);
		QCOMPARE(s.stream.bind_address, std::string("127.0.0.1"));
		QCOMPARE(s.stream.max_listeners, 7);
		QCOMPARE(QString::fromStdString(s.stream.access_key), key);
		QCOMPARE(s.stream.title, std::string("Sunday service"));
		QVERIFY(s.start_with_obs);
		QVERIFY(!child<QPushButton>("apply")->isEnabled());

		// A new dock (OBS restarted) shows what is in force.
		dock_.reset();
		make_dock();
		QCOMPARE(child<QLineEdit>("port")->text(), QStringLiteral("9100"));
		QCOMPARE(child<QComboBox>("bitrate")->currentData().toInt(), 192);
		QCOMPARE(child<QLineEdit>("timeout")->text(), QStringLiteral("45"));
		QCOMPARE(child<QComboBox>("mixer")->currentText(), text("Settings.TrackValue").arg(3));
		QCOMPARE(child<QLineEdit>("bind_address")->text(), QStringLiteral("127.0.0.1"));
		QCOMPARE(child<QLineEdit>("max_listeners")->text(), QStringLiteral("7"));
		QCOMPARE(child<QLineEdit>("access_key")->text(), key);
		QCOMPARE(child<QLineEdit>("title")->text(), QStringLiteral("Sunday service"));
		QVERIFY(child<QCheckBox>("start_with_obs")->isChecked());

		// Generated keys differ.
		click("generate_key");
		QVERIFY(child<QLineEdit>("access_key")->text() != key);
	}

	void restart_with_listeners_asks_first()
	{
		make_dock();
		control_->set_state({StreamPhase::Live, 1, {}});
		StreamFigures figures;
		figures.running = true;
		figures.listeners_now = 3;
		control_->set_figures(figures);
		auto *bitrate = child<QComboBox>("bitrate");

		bitrate->setCurrentIndex(bitrate->findData(64));
		auto seen = std::make_shared<bool>(false);
		answer_next_question(QMessageBox::No, seen);
		click("apply");
		QVERIFY2(*seen, "applying while 3 listeners are connected must ask first");
		QCOMPARE(control_->applied, 0);
		QCOMPARE(control_->settings().stream.bitrate_kbps, 128);

		*seen = false;
		answer_next_question(QMessageBox::Yes, seen);
		click("apply");
		QVERIFY(*seen);
		QCOMPARE(control_->settings().stream.bitrate_kbps, 64);

		// Without listeners it applies at once; and "start with OBS" alone never restarts anything.
		figures.listeners_now = 0;
		control_->set_figures(figures);
		bitrate->setCurrentIndex(bitrate->findData(96));
		*seen = false;
		answer_next_question(QMessageBox::No, seen);
		click("apply");
		QCOMPARE(control_->settings().stream.bitrate_kbps, 96);
		QTest::qWait(100);
		QVERIFY2(!*seen, "no question without listeners");
	}

	void start_and_stop_go_to_the_control()
	{
		make_dock();
		type_into("port", QStringLiteral("9200"));
		click("start_stop");
		QCOMPARE(control_->starts, 1);
		QCOMPARE(control_->settings().stream.port, 9200); // pending edits are applied first
		QTRY_COMPARE(child<QPushButton>("start_stop")->text(), text("Dock.Stop"));
		click("start_stop");
		QCOMPARE(control_->stops, 1);
		QTRY_COMPARE(child<QLabel>("status")->text(), text("Status.Stopped"));
	}

	// Opened from the Tools menu the dock's Start/Stop button has the focus, and keeps it through the moment it is
	// disabled while stopping: Space stops, Space starts again, and nothing is typed into the port field.
	void keyboard_stops_and_starts_from_the_button()
	{
		make_dock();
		dock_->activateWindow();
		QVERIFY(QTest::qWaitForWindowActive(dock_.get()));
		dock_->setFocus(Qt::ActiveWindowFocusReason);
		auto *button = child<QPushButton>("start_stop");
		QTRY_VERIFY(button->hasFocus());
		control_->set_state({StreamPhase::Live, 1, {}});
		QTRY_COMPARE(button->text(), text("Dock.Stop"));

		QTest::keyClick(button, Qt::Key_Space);
		QCOMPARE(control_->stops, 1);
		control_->set_state({StreamPhase::Stopping, 0, {}});
		QTRY_VERIFY(!button->isEnabled());
		QVERIFY(!button->hasFocus()); // Qt moved it on while the button is disabled
		control_->set_state({StreamPhase::Stopped, 0, {}});
		QTRY_VERIFY(button->isEnabled());
		QTRY_VERIFY2(button->hasFocus(), "the button did not take the focus back after stopping");

		QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
		QCOMPARE(control_->starts, 1);
		QCOMPARE(child<QLineEdit>("port")->text(), QString::number(control_->settings().stream.port));
	}

	void listener_urls_copy_and_qr_code()
	{
		PluginSettings s;
		s.stream.access_key = "k3y-_.~";
		control_->set_settings(s);
		make_dock();
		const auto urls = dock_->findChildren<QLineEdit *>(QStringLiteral("url"));
		QCOMPARE(urls.size(), 2);
		QCOMPARE(urls[0]->text(), QStringLiteral("http://192.168.1.20:8330/?key=k3y-_.~"));
		QCOMPARE(urls[1]->text(), QStringLiteral("http://10.0.0.5:8330/?key=k3y-_.~"));

		const auto copies = dock_->findChildren<QPushButton *>(QStringLiteral("copy"));
		QCOMPARE(copies.size(), 2);
		QTest::mouseClick(copies[1], Qt::LeftButton);
		QCOMPARE(QApplication::clipboard()->text(), urls[1]->text());

		auto *qr = child<QLabel>("qr_code");
		QCOMPARE(decode_qr(qr->grab().toImage()), urls[0]->text());
		QTest::mouseClick(dock_->findChildren<QPushButton *>(QStringLiteral("show_qr"))[1], Qt::LeftButton);
		QCOMPARE(decode_qr(qr->grab().toImage()), urls[1]->text());

		// Bound to loopback: one local URL, and a note that other devices cannot listen.
		s.stream.bind_address = "127.0.0.1";
		s.stream.access_key.clear();
		control_->set_settings(s);
		dock_->refresh();
		const auto local = dock_->findChildren<QLineEdit *>(QStringLiteral("url"));
		QCOMPARE(local.size(), 1);
		QCOMPARE(local[0]->text(), QStringLiteral("http://127.0.0.1:8330/"));
		QCOMPARE(decode_qr(qr->grab().toImage()), local[0]->text());
		bool note = false;
		for (auto *label : dock_->findChildren<QLabel *>())
			note = note || (label->isVisible() && label->text() == text("Urls.LocalOnly"));
		QVERIFY(note);
	}

	// "Embed on a web page": the element and iframe snippets for the first address (the public one when set), with
	// the key for the stream and not for the script, each copied whole by its button.
	void embed_snippets_are_offered_for_the_first_address()
	{
		PluginSettings s;
		s.stream.access_key = "k3y";
		control_->set_settings(s);
		make_dock();
		QVERIFY(!child<QPlainTextEdit>("embed_element")->isVisible());
		child<QToolButton>("embed")->setChecked(true);
		auto *element = child<QPlainTextEdit>("embed_element");
		QVERIFY(element->isVisible());
		auto *iframe = child<QPlainTextEdit>("embed_iframe");
		QCOMPARE(element->toPlainText(),
			 QStringLiteral("<script type=\"module\" src=\"http://192.168.1.20:8330/embed.js\"></script>\n"
					"<obs-sse-audio src=\"http://192.168.1.20:8330/?key=k3y\"></obs-sse-audio>"));
		QVERIFY(iframe->toPlainText().startsWith(
			QStringLiteral("<iframe src=\"http://192.168.1.20:8330/embed.html?key=k3y\"")));
		QVERIFY(!child<QLabel>("embed_note")->text().isEmpty());
		click("copy_embed_element");
		QCOMPARE(QApplication::clipboard()->text(), element->toPlainText());
		click("copy_embed_iframe");
		QCOMPARE(QApplication::clipboard()->text(), iframe->toPlainText());

		s.stream.public_url = "https://radio.example.org/";
		control_->set_settings(s);
		dock_->refresh();
		QVERIFY(element->toPlainText().contains(QStringLiteral("src=\"https://radio.example.org/embed.js\"")));
		QVERIFY(element->toPlainText().contains(
			QStringLiteral("<obs-sse-audio src=\"https://radio.example.org/?key=k3y\">")));
	}

	// Channels: the editor adds, names, routes and removes channels (at most 6), the Track field gives way to them,
	// a bad list is refused beside the editor, each channel gets its own address, and the figures show listeners per
	// channel.
	void channels_are_edited_listed_and_counted()
	{
		make_dock();
		child<QToolButton>("advanced")->setChecked(true);
		auto *mixer = child<QComboBox>("mixer");
		QVERIFY(mixer->isEnabled());
		for (int i = 0; i < 6; i++)
			click("add_channel");
		QVERIFY2(!child<QPushButton>("add_channel")->isEnabled(), "OBS has six tracks: no seventh channel");
		QVERIFY2(!mixer->isEnabled(), "with channels, each channel has its own track");
		auto ids = dock_->findChildren<QLineEdit *>(QStringLiteral("channel_id"));
		auto names = dock_->findChildren<QLineEdit *>(QStringLiteral("channel_name"));
		auto tracks = dock_->findChildren<QComboBox *>(QStringLiteral("channel_track"));
		QCOMPARE(ids.size(), 6);
		// New channels take the tracks in turn.
		for (int i = 0; i < 6; i++)
			QCOMPARE(tracks[i]->currentData().toInt(), i);

		// Down to three: floor on track 1, English on 2, Chinese on 4.
		for (int i = 0; i < 3; i++) {
			QTest::mouseClick(dock_->findChildren<QPushButton *>(QStringLiteral("remove_channel")).last(),
					  Qt::LeftButton);
			QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // the removed row goes
		}
		QVERIFY(child<QPushButton>("add_channel")->isEnabled());
		ids = dock_->findChildren<QLineEdit *>(QStringLiteral("channel_id"));
		names = dock_->findChildren<QLineEdit *>(QStringLiteral("channel_name"));
		tracks = dock_->findChildren<QComboBox *>(QStringLiteral("channel_track"));
		QCOMPARE(ids.size(), 3);
		const char *want_ids[] = {"floor", "en", "zh"};
		const char *want_names[] = {"Floor", "English", "Chinese"};
		for (int i = 0; i < 3; i++) {
			ids[i]->clear();
			QTest::keyClicks(ids[i], QString::fromLatin1(want_ids[i]));
			names[i]->clear();
			QTest::keyClicks(names[i], QString::fromLatin1(want_names[i]));
		}
		tracks[2]->setCurrentIndex(tracks[2]->findData(3));

		// A bad id is refused beside the editor and nothing is applied.
		ids[1]->clear();
		QTest::keyClicks(ids[1], QStringLiteral("e n"));
		const int applied = control_->applied;
		click("apply");
		QCOMPARE(control_->applied, applied);
		QVERIFY(message("channels")->isVisible());
		QCOMPARE(message("channels")->text(), text("Error.Channels"));
		ids[1]->clear();
		QTest::keyClicks(ids[1], QStringLiteral("en"));
		click("apply");
		QVERIFY(!message("channels")->isVisible());
		const std::vector<sse_audio::ChannelSetting> want = {
			{"floor", "Floor", 0}, {"en", "English", 1}, {"zh", "Chinese", 3}};
		QCOMPARE(control_->settings().stream.channels, want);

		// The addresses: the player with its picker, then the first address for each channel.
		const auto urls = dock_->findChildren<QLineEdit *>(QStringLiteral("url"));
		QCOMPARE(urls.size(), 5);
		QCOMPARE(urls[2]->text(), QStringLiteral("http://192.168.1.20:8330/?channel=floor"));
		QCOMPARE(urls[4]->text(), QStringLiteral("http://192.168.1.20:8330/?channel=zh"));

		// Listeners per channel while live; a channel whose encoder stopped says so.
		StreamFigures figures;
		figures.running = true;
		figures.channels = {{4, ""}, {2, ""}, {0, "LAME failed to encode (error -2)"}};
		figures.pcm_frames_dropped = 1;       // every channel's, summed by the controller
		figures.later_relays_events_lost = 2; // what the relays of channels after the first lost
		control_->set_figures(figures);
		dock_->refresh();
		QCOMPARE(child<QLabel>("drops")->text(), QStringLiteral("3"));
		auto *per_channel = child<QLabel>("channel_listeners");
		QVERIFY(per_channel->isVisible());
		QVERIFY2(per_channel->text().contains(text("Figures.ChannelValue").arg("English", "2")),
			 qPrintable(per_channel->text()));
		QVERIFY2(per_channel->text().contains(
				 text("Figures.ChannelFailed").arg("Chinese", "LAME failed to encode (error -2)")),
			 qPrintable(per_channel->text()));

		// A new dock shows the list in force; removing every channel gives the Track field back.
		dock_.reset();
		make_dock();
		child<QToolButton>("advanced")->setChecked(true);
		QCOMPARE(dock_->findChildren<QLineEdit *>(QStringLiteral("channel_id")).size(), 3);
		for (int i = 0; i < 3; i++) {
			QTest::mouseClick(dock_->findChildren<QPushButton *>(QStringLiteral("remove_channel")).last(),
					  Qt::LeftButton);
			QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // the removed row goes
		}
		QVERIFY(child<QComboBox>("mixer")->isEnabled());
		click("apply");
		QVERIFY(control_->settings().stream.channels.empty());
		QVERIFY(!child<QLabel>("channel_listeners")->isVisible());
	}

	// The dock names the running version (the CMake project version, as the log and /status.json do), in the
	// user's language.
	void about_line_shows_the_project_version_data()
	{
		QTest::addColumn<QString>("locale");
		QTest::newRow("English") << "en-US";
		QTest::newRow("Chinese") << "zh-CN";
	}
	void about_line_shows_the_project_version()
	{
		QFETCH(QString, locale);
		QVERIFY(use_locale(locale.toStdString()));
		make_dock();
		const QString version = QStringLiteral(SSE_AUDIO_TEST_VERSION);
		QVERIFY(!version.isEmpty());
		auto *about = child<QLabel>("about");
		QVERIFY(about->isVisible());
		QCOMPARE(about->text(), text("Dock.About").arg(version));
		QVERIFY2(about->text().contains(version), qPrintable(about->text()));
		QVERIFY2(missing_keys().count("Dock.About") == 0, "Dock.About is missing from the locale file");
	}

	void live_figures_refresh_every_second()
	{
		make_dock();
		QCOMPARE(child<QLabel>("listeners")->text(), text("Figures.None"));
		control_->set_state({StreamPhase::Live, 1, {}});
		StreamFigures figures;
		figures.running = true;
		figures.listeners_now = 2;
		figures.listeners_peak = 5;
		figures.bitrate_kbps = 128;
		figures.bytes_sent = 1536;
		figures.pcm_frames_dropped = 1;
		figures.listener_skips = 2;
		figures.listeners_timed_out = 3;
		figures.rejected_full = 4;
		control_->set_figures(figures);
		// Only the timer can notice: figures change without any state change.
		QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>("listeners")->text(),
					  text("Figures.ListenersValue").arg(2).arg(5), 2500);
		QCOMPARE(child<QLabel>("bitrate_now")->text(), text("Settings.BitrateValue").arg(128));
		QCOMPARE(child<QLabel>("sent")->text(), QStringLiteral("1.50 KB"));
		QCOMPARE(child<QLabel>("drops")->text(), QStringLiteral("10"));

		figures.listeners_now = 7;
		figures.bytes_sent = 5ULL * 1024 * 1024 * 1024;
		control_->set_figures(figures);
		QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>("sent")->text(), QStringLiteral("5.00 GB"), 2500);
		QCOMPARE(child<QLabel>("listeners")->text(), text("Figures.ListenersValue").arg(7).arg(5));
	}

	// The output stops by itself while live (its encoder failed): the dock shows why and offers Start again.
	void an_output_failing_while_live_shows_the_error()
	{
		make_dock();
		click("start_stop");
		QTRY_COMPARE(child<QPushButton>("start_stop")->text(), text("Dock.Stop"));
		const std::string why =
			"The MP3 encoder failed and the stream was stopped: LAME failed to encode (error -2)";
		control_->set_figures({});
		control_->set_state({StreamPhase::Error, 0, why});
		QTRY_COMPARE(child<QLabel>("status")->text(), text("Status.Error").arg(QString::fromStdString(why)));
		QCOMPARE(child<QPushButton>("start_stop")->text(), text("Dock.Start"));
		QVERIFY(child<QPushButton>("start_stop")->isEnabled());
		QCOMPARE(control_->stops, 0); // the dock does not stop what already stopped

		click("start_stop");
		QCOMPARE(control_->starts, 2);
		QTRY_COMPARE(child<QPushButton>("start_stop")->text(), text("Dock.Stop"));
	}

	// Relay mode and listeners per address: the fields round-trip, bad values are refused beside their field.
	// The allowed origins: refused with the reason beside the field when not a list of origins, kept when it is,
	// and shown again when the dock opens anew.
	void allowed_origins_round_trip()
	{
		make_dock();
		child<QToolButton>("advanced")->setChecked(true);
		QCOMPARE(child<QLineEdit>("allowed_origins")->text(), QString());
		type_into("allowed_origins", QStringLiteral("church.example.org/player"));
		click("apply");
		QCOMPARE(control_->applied, 0);
		QVERIFY(message("allowed_origins")->isVisible());
		QCOMPARE(message("allowed_origins")->text(), text("Error.AllowedOrigins"));

		type_into("allowed_origins", QStringLiteral("https://church.example.org, http://192.168.1.20:8080"));
		click("apply");
		QVERIFY(!message("allowed_origins")->isVisible());
		QCOMPARE(control_->settings().stream.allowed_origins,
			 std::string("https://church.example.org, http://192.168.1.20:8080"));
		dock_.reset();
		make_dock();
		QCOMPARE(child<QLineEdit>("allowed_origins")->text(),
			 QStringLiteral("https://church.example.org, http://192.168.1.20:8080"));
	}

	// The public address (a reverse proxy's): refused beside its field when it is not an http(s) address; once
	// applied, listed first with the key and in the QR code, and no "this computer only" note for a loopback bind.
	void public_address_is_listed_first()
	{
		PluginSettings s;
		s.stream.bind_address = "127.0.0.1";
		s.stream.access_key = "k3y";
		control_->set_settings(s);
		make_dock();
		child<QToolButton>("advanced")->setChecked(true);
		QCOMPARE(child<QLineEdit>("public_url")->placeholderText(), text("Settings.PublicUrl.Placeholder"));
		type_into("public_url", QStringLiteral("radio.example.org?x=1"));
		click("apply");
		QCOMPARE(control_->applied, 0);
		QVERIFY(message("public_url")->isVisible());
		QCOMPARE(message("public_url")->text(), text("Error.PublicUrl"));

		type_into("public_url", QStringLiteral("https://radio.example.org"));
		click("apply");
		QVERIFY(!message("public_url")->isVisible());
		QCOMPARE(control_->settings().stream.public_url, std::string("https://radio.example.org"));
		const auto urls = dock_->findChildren<QLineEdit *>(QStringLiteral("url"));
		QCOMPARE(urls.size(), 2);
		QCOMPARE(urls[0]->text(), QStringLiteral("https://radio.example.org/?key=k3y"));
		QCOMPARE(urls[1]->text(), QStringLiteral("http://127.0.0.1:8330/?key=k3y"));
		QCOMPARE(decode_qr(child<QLabel>("qr_code")->grab().toImage()), urls[0]->text());
		for (auto *label : dock_->findChildren<QLabel *>())
			QVERIFY(!(label->isVisible() && label->text() == text("Urls.LocalOnly")));
	}

	void relay_and_per_address_fields_round_trip()
	{
		make_dock();
		child<QToolButton>("advanced")->setChecked(true);
		QCOMPARE(child<QLineEdit>("max_listeners_per_address")->text(), QStringLiteral("16"));
		QCOMPARE(child<QLineEdit>("relay_url")->text(), QString());
		QCOMPARE(child<QLineEdit>("relay_key")->echoMode(), QLineEdit::Password);
		QVERIFY(child<QCheckBox>("serve_listeners")->isChecked());

		type_into("max_listeners_per_address", QStringLiteral("1001"));
		type_into("relay_url", QStringLiteral("https://relay.example.org/pub/obs"));
		type_into("relay_key", QStringLiteral("not a key"));
		click("apply");
		QCOMPARE(control_->applied, 0);
		QVERIFY(message("max_listeners_per_address")->isVisible());
		QCOMPARE(message("max_listeners_per_address")->text(), text("Error.MaxListenersPerAddress"));
		QCOMPARE(message("relay_url")->text(), text("Error.RelayUrl"));
		QCOMPARE(message("relay_key")->text(), text("Error.RelayKey"));
		QVERIFY(!message("port")->isVisible());

		// Serving nobody is refused too.
		type_into("max_listeners_per_address", QStringLiteral("0"));
		type_into("relay_url", QString());
		type_into("relay_key", QString());
		auto *serve = child<QCheckBox>("serve_listeners");
		QTest::mouseClick(serve, Qt::LeftButton, {}, QPoint(8, serve->height() / 2));
		QVERIFY(!serve->isChecked());
		click("apply");
		QCOMPARE(control_->applied, 0);
		QCOMPARE(message("serve_listeners")->text(), text("Error.ServeListeners"));
		QVERIFY(message("serve_listeners")->isVisible());

		type_into("relay_url", QStringLiteral("http://203.0.113.5:8080/pub/obs"));
		type_into("relay_key", QStringLiteral("k3y-for.nginx"));
		click("apply");
		QVERIFY(!message("serve_listeners")->isVisible());
		const StreamSettings s = control_->settings().stream;
		QCOMPARE(s.max_listeners_per_address, 0);
		QCOMPARE(s.relay_url, std::string("http://203.0.113.5:8080/pub/obs"));
		QCOMPARE(s.relay_key, std::string("k3y-for.nginx"));
		QVERIFY(!s.serve_listeners);
		QVERIFY(!child<QPushButton>("apply")->isEnabled());

		dock_.reset();
		make_dock();
		QCOMPARE(child<QLineEdit>("max_listeners_per_address")->text(), QStringLiteral("0"));
		QCOMPARE(child<QLineEdit>("relay_url")->text(), QStringLiteral("http://203.0.113.5:8080/pub/obs"));
		QCOMPARE(child<QLineEdit>("relay_key")->text(), QStringLiteral("k3y-for.nginx"));
		QVERIFY(!child<QCheckBox>("serve_listeners")->isChecked());
	}

	// The relay's state in the live figures, in both languages: connected with its figures, retrying with the
	// reason, and the failures it went through once it is back.
	void relay_state_shows_in_the_figures_data() { status_line_names_every_state_data(); }
	void relay_state_shows_in_the_figures()
	{
		QFETCH(QString, locale);
		QVERIFY(use_locale(locale.toStdString()));
		make_dock();
		control_->set_state({StreamPhase::Live, 1, {}});
		StreamFigures figures;
		figures.running = true;
		control_->set_figures(figures);
		dock_->refresh();
		QCOMPARE(child<QLabel>("relay")->text(), text("Figures.Relay.Off"));

		sse_audio::RelayStats relay;
		relay.state = sse_audio::RelayStats::State::Connected;
		relay.events_relayed = 1234;
		relay.subscribers = 56;
		figures.relay = relay;
		control_->set_figures(figures);
		dock_->refresh();
		QCOMPARE(child<QLabel>("relay")->text(), text("Figures.Relay.Connected").arg(1234).arg(56));

		relay.state = sse_audio::RelayStats::State::Retrying;
		relay.retry_in_ms = 2000;
		relay.failed_attempts = 3;
		relay.events_lost = 7;
		relay.last_error = "cannot reach http://203.0.113.5:8080: Connection";
		figures.relay = relay;
		control_->set_figures(figures);
		dock_->refresh();
		QCOMPARE(child<QLabel>("relay")->text(),
			 text("Figures.Relay.Retrying")
				 .arg(QStringLiteral("2.0"))
				 .arg(QString::fromStdString(relay.last_error.message)));
		QCOMPARE(child<QLabel>("drops")->text(), QStringLiteral("7")); // events the relay lost count as drops

		relay.state = sse_audio::RelayStats::State::Connected;
		figures.relay = relay;
		control_->set_figures(figures);
		dock_->refresh();
		const QString label = child<QLabel>("relay")->text();
		QVERIFY(label.startsWith(text("Figures.Relay.Connected").arg(1234).arg(56)));
		QVERIFY2(label.contains(text("Figures.Relay.Failures")
						.arg(3)
						.arg(7)
						.arg(QString::fromStdString(relay.last_error.message))),
			 qPrintable(label));

		// The relay's own failures are in the dock's language too.
		relay.state = sse_audio::RelayStats::State::Retrying;
		relay.last_error = {
			"the relay answered HTTP 403 (check the relay key)", "Failure.RelayRefusedKey", {"403"}};
		figures.relay = relay;
		control_->set_figures(figures);
		dock_->refresh();
		QCOMPARE(child<QLabel>("relay")->text(), text("Figures.Relay.Retrying")
								 .arg(QStringLiteral("2.0"))
								 .arg(text("Failure.RelayRefusedKey").arg(403)));

		for (const char *field : {"max_listeners_per_address", "relay_url", "relay_key", "serve_listeners"})
			QVERIFY(!sse_audio::ui::problem_text(field).isEmpty());
		QStringList missing;
		for (const auto &key : missing_keys())
			missing << QString::fromStdString(key);
		QCOMPARE(missing.join(QStringLiteral(", ")), QString());
	}
};

QTEST_MAIN(DockTest)
#include "dock_test.moc"
