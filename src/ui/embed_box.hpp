#pragma once

// "Embed on a web page": the snippets a web site pastes to carry the player (docs/embedding.md), for the first
// listener address (the public one when set), each with a Copy button: the <obs-sse-audio> element with its module
// script, and an <iframe> for sites that cannot run modules. A note says which setting lets another site play.

#include <QString>
#include <QWidget>

class QPlainTextEdit;

namespace sse_audio::ui {

class EmbedBox : public QWidget {
	Q_OBJECT

public:
	explicit EmbedBox(QWidget *parent = nullptr);

	// The snippets for this listener URL; none (and the box disabled) when it is empty.
	void set_url(const QString &listener_url);

private:
	QString url_;
	QPlainTextEdit *element_;
	QPlainTextEdit *iframe_;
};

} // namespace sse_audio::ui
