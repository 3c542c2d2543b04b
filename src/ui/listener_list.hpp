#pragma once

// The addresses listeners open: one row per URL with a Copy button, and a QR code of the chosen URL so that a phone
// can open it from the screen.

#include <QString>
#include <QStringList>
#include <QWidget>

class QButtonGroup;
class QLabel;
class QVBoxLayout;

namespace sse_audio::ui {

class ListenerList : public QWidget {
	Q_OBJECT

public:
	explicit ListenerList(QWidget *parent = nullptr);

	// Replaces the rows (nothing happens when `urls` did not change, so a choice of QR code stays). `local_only`
	// adds a note that other devices cannot listen.
	void set_urls(const QStringList &urls, bool local_only);
	[[nodiscard]] const QStringList &urls() const { return urls_; }
	// The URL the QR code shows; empty when there is none.
	[[nodiscard]] QString qr_url() const { return qr_url_; }

private:
	void show_qr(const QString &url);

	QStringList urls_;
	QString qr_url_;
	QVBoxLayout *rows_;
	QButtonGroup *qr_buttons_;
	QLabel *note_;
	QLabel *qr_;
};

} // namespace sse_audio::ui
