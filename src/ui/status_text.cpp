#include "status_text.hpp"

#include "ui_text.hpp"

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
		return ui_text("Status.Error").arg(QString::fromStdString(state.error));
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

QString problem_text(const std::string &field)
{
	if (field == "port")
		return ui_text("Error.Port");
	if (field == "bitrate")
		return ui_text("Error.Bitrate");
	if (field == "timeout")
		return ui_text("Error.Timeout");
	if (field == "bind_address")
		return ui_text("Error.BindAddress");
	if (field == "mixer")
		return ui_text("Error.Mixer");
	if (field == "max_listeners")
		return ui_text("Error.MaxListeners");
	if (field == "access_key")
		return ui_text("Error.AccessKey");
	if (field == "title")
		return ui_text("Error.Title");
	return {};
}

} // namespace sse_audio::ui
