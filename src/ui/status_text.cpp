#include "status_text.hpp"

#include "ui_text.hpp"

#include "settings/setting_fields.hpp"

#include <QDateTime>

namespace sse_audio::ui {

QString status_line(const obs::StreamState &state)
{
	switch (state.phase) {
	case obs::StreamPhase::Stopped:
		return ui_text("Status.Stopped");
	case obs::StreamPhase::Starting:
		return ui_text("Status.Starting");
	case obs::StreamPhase::Live:
		return ui_text("Status.Live")
			.arg(QDateTime::fromMSecsSinceEpoch(state.live_since_ms).toString(QStringLiteral("HH:mm:ss")));
	case obs::StreamPhase::Stopping:
		return ui_text("Status.Stopping");
	case obs::StreamPhase::Error:
		return ui_text("Status.Error").arg(error_text(state.error));
	}
	return {};
}

QString format_bytes(uint64_t bytes)
{
	if (bytes < 1024)
		return ui_text("Units.Bytes").arg(bytes);
	const char *units[] = {"Units.KB", "Units.MB", "Units.GB"};
	double value = static_cast<double>(bytes) / 1024.0;
	size_t unit = 0;
	while (value >= 1024.0 && unit + 1 < std::size(units)) {
		value /= 1024.0;
		unit++;
	}
	// Three significant figures are plenty for a number that changes every second.
	const int decimals = value < 10 ? 2 : value < 100 ? 1 : 0;
	return ui_text(units[unit]).arg(QString::number(value, 'f', decimals));
}

QString relay_line(const RelayStats &relay)
{
	QString line;
	switch (relay.state) {
	case RelayStats::State::Off:
		line = ui_text("Figures.Relay.Off");
		break;
	case RelayStats::State::Connecting:
		line = ui_text("Figures.Relay.Connecting");
		break;
	case RelayStats::State::Connected:
		line = ui_text("Figures.Relay.Connected").arg(relay.events_relayed).arg(relay.subscribers);
		break;
	case RelayStats::State::Retrying:
		line = ui_text("Figures.Relay.Retrying")
			       .arg(QString::number(double(relay.retry_in_ms) / 1000.0, 'f', 1))
			       .arg(error_text(relay.last_error));
		break;
	case RelayStats::State::Stopped:
		line = ui_text("Figures.Relay.Stopped");
		break;
	}
	// Once the relay is back, what it went through stays visible: a streamer glancing later still sees it.
	if (relay.failed_attempts > 0 && relay.state != RelayStats::State::Retrying)
		line += QStringLiteral("\n") + ui_text("Figures.Relay.Failures")
						       .arg(relay.failed_attempts)
						       .arg(relay.events_lost)
						       .arg(error_text(relay.last_error));
	return line;
}

QString problem_text(const std::string &field)
{
	if (field == "channels")
		return ui_text("Error.Channels"); // a list, not a row of the settings table
	for (const SettingField &f : setting_fields()) {
		if (field == f.key && *f.error)
			return ui_text(f.error);
	}
	return {};
}

} // namespace sse_audio::ui
