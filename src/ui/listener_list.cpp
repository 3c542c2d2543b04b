#include "listener_list.hpp"

#include "qr_code.hpp"
#include "ui_text.hpp"

#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sse_audio::ui {

namespace {

// Pixels per QR module: a URL with a key gives about 41 modules with the margin, so roughly 160 px, which a phone
// camera reads from a screen at arm's length.
constexpr int kQrModulePixels = 4;

} // namespace

ListenerList::ListenerList(QWidget *parent) : QWidget(parent)
{
	rows_ = new QVBoxLayout;
	rows_->setContentsMargins(0, 0, 0, 0);
	qr_buttons_ = new QButtonGroup(this);
	qr_buttons_->setExclusive(true);
	note_ = new QLabel(ui_text("Urls.LocalOnly"));
	note_->setWordWrap(true);
	note_->setVisible(false);
	qr_ = new QLabel;
	qr_->setObjectName(QStringLiteral("qr_code"));
	qr_->setAlignment(Qt::AlignHCenter);

	auto *layout = new QVBoxLayout(this);
	layout->setContentsMargins(0, 0, 0, 0);
	layout->addLayout(rows_);
	layout->addWidget(note_);
	layout->addWidget(qr_);
}

void ListenerList::set_urls(const QStringList &urls, bool local_only)
{
	note_->setVisible(local_only);
	if (urls == urls_)
		return;
	urls_ = urls;
	while (QLayoutItem *item = rows_->takeAt(0)) {
		delete item->widget();
		delete item;
	}
	for (int i = 0; i < urls.size(); i++) {
		const QString url = urls[i];
		auto *row = new QWidget;
		row->setObjectName(QStringLiteral("url_row_%1").arg(i));
		auto *layout = new QHBoxLayout(row);
		layout->setContentsMargins(0, 0, 0, 0);
		auto *text = new QLineEdit(url);
		text->setObjectName(QStringLiteral("url"));
		text->setReadOnly(true);
		text->setCursorPosition(0);
		auto *copy = new QPushButton(ui_text("Urls.Copy"));
		copy->setObjectName(QStringLiteral("copy"));
		auto *qr = new QPushButton(ui_text("Urls.QrCode"));
		qr->setObjectName(QStringLiteral("show_qr"));
		qr->setToolTip(ui_text("Urls.QrTooltip"));
		qr->setCheckable(true);
		qr_buttons_->addButton(qr);
		layout->addWidget(text, 1);
		layout->addWidget(copy);
		layout->addWidget(qr);
		rows_->addWidget(row);
		connect(copy, &QPushButton::clicked, this, [url] { QApplication::clipboard()->setText(url); });
		connect(qr, &QPushButton::clicked, this, [this, url] { show_qr(url); });
		if (i == 0)
			qr->setChecked(true);
	}
	show_qr(urls.isEmpty() ? QString() : urls.front());
}

void ListenerList::show_qr(const QString &url)
{
	qr_url_ = url;
	const QImage image = url.isEmpty() ? QImage() : qr_image(url, kQrModulePixels);
	qr_->setPixmap(image.isNull() ? QPixmap() : QPixmap::fromImage(image));
	qr_->setToolTip(url);
}

} // namespace sse_audio::ui
