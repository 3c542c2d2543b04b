#include "embed_box.hpp"

#include "settings/embed_snippets.hpp"
#include "ui_text.hpp"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>

namespace sse_audio::ui {

namespace {

QPlainTextEdit *make_snippet(const char *name)
{
	auto *text = new QPlainTextEdit;
	text->setObjectName(QString::fromLatin1(name));
	text->setReadOnly(true);
	text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
	text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
	// Three lines of a snippet show what it is; the rest is for the clipboard.
	text->setFixedHeight(text->fontMetrics().lineSpacing() * 3 + 2 * text->frameWidth() + 8);
	return text;
}

} // namespace

EmbedBox::EmbedBox(QWidget *parent) : QWidget(parent)
{
	element_ = make_snippet("embed_element");
	iframe_ = make_snippet("embed_iframe");
	auto *copy_element = new QPushButton(ui_text("Urls.Copy"));
	copy_element->setObjectName(QStringLiteral("copy_embed_element"));
	auto *copy_iframe = new QPushButton(ui_text("Urls.Copy"));
	copy_iframe->setObjectName(QStringLiteral("copy_embed_iframe"));
	auto *note = new QLabel(ui_text("Embed.Note"));
	note->setObjectName(QStringLiteral("embed_note"));
	note->setWordWrap(true);

	auto *layout = new QGridLayout(this);
	layout->setContentsMargins(0, 0, 0, 0);
	layout->addWidget(new QLabel(ui_text("Embed.Element")), 0, 0, 1, 2);
	layout->addWidget(element_, 1, 0);
	layout->addWidget(copy_element, 1, 1, Qt::AlignTop);
	layout->addWidget(new QLabel(ui_text("Embed.Iframe")), 2, 0, 1, 2);
	layout->addWidget(iframe_, 3, 0);
	layout->addWidget(copy_iframe, 3, 1, Qt::AlignTop);
	layout->addWidget(note, 4, 0, 1, 2);
	layout->setColumnStretch(0, 1);

	connect(copy_element, &QPushButton::clicked, this,
		[this] { QApplication::clipboard()->setText(element_->toPlainText()); });
	connect(copy_iframe, &QPushButton::clicked, this,
		[this] { QApplication::clipboard()->setText(iframe_->toPlainText()); });
	set_url(QString());
}

void EmbedBox::set_url(const QString &listener_url)
{
	if (listener_url == url_ && !listener_url.isEmpty())
		return;
	url_ = listener_url;
	const EmbedSnippets snippets = listener_url.isEmpty() ? EmbedSnippets{}
							      : embed_snippets(listener_url.toStdString());
	element_->setPlainText(QString::fromStdString(snippets.element));
	iframe_->setPlainText(QString::fromStdString(snippets.iframe));
	setEnabled(!listener_url.isEmpty());
}

} // namespace sse_audio::ui
