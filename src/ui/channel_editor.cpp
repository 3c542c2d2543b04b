#include "channel_editor.hpp"

#include "ui_text.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sse_audio::ui {

namespace {

// A new channel: the first track no row takes yet, and an id and name the streamer is meant to change.
ChannelSetting next_channel(const std::vector<ChannelSetting> &taken)
{
	int track = 0;
	for (; track < StreamSettings::kMixerTracks; track++) {
		bool used = false;
		for (const ChannelSetting &c : taken)
			used = used || c.mixer == track;
		if (!used)
			break;
	}
	track = track % StreamSettings::kMixerTracks;
	const std::string number = std::to_string(taken.size() + 1);
	return {"ch" + number, ui_text("Settings.Channels.NewName").arg(taken.size() + 1).toStdString(), track};
}

} // namespace

ChannelEditor::ChannelEditor(QWidget *parent) : QWidget(parent)
{
	setObjectName(QStringLiteral("channels"));
	rows_ = new QVBoxLayout;
	rows_->setContentsMargins(0, 0, 0, 0);
	add_ = new QPushButton(ui_text("Settings.Channels.Add"));
	add_->setObjectName(QStringLiteral("add_channel"));
	connect(add_, &QPushButton::clicked, this, [this] {
		add_row(next_channel(channels()));
		update_add_button();
		emit edited();
	});

	auto *layout = new QVBoxLayout(this);
	layout->setContentsMargins(0, 0, 0, 0);
	layout->addLayout(rows_);
	layout->addWidget(add_, 0, Qt::AlignLeft);
}

void ChannelEditor::set_channels(const std::vector<ChannelSetting> &channels)
{
	while (QLayoutItem *item = rows_->takeAt(0)) {
		delete item->widget();
		delete item;
	}
	for (const ChannelSetting &channel : channels)
		add_row(channel);
	update_add_button();
}

void ChannelEditor::add_row(const ChannelSetting &channel)
{
	auto *row = new QWidget;
	row->setObjectName(QStringLiteral("channel_row"));
	auto *layout = new QHBoxLayout(row);
	layout->setContentsMargins(0, 0, 0, 0);

	auto *id = new QLineEdit(QString::fromStdString(channel.id));
	id->setObjectName(QStringLiteral("channel_id"));
	id->setPlaceholderText(ui_text("Settings.Channels.Id"));
	id->setToolTip(ui_text("Settings.Channels.Id.Tooltip"));
	id->setMaxLength(int(ChannelSetting::kMaxIdBytes));
	auto *name = new QLineEdit(QString::fromStdString(channel.name));
	name->setObjectName(QStringLiteral("channel_name"));
	name->setPlaceholderText(ui_text("Settings.Channels.Name"));
	auto *track = new QComboBox;
	track->setObjectName(QStringLiteral("channel_track"));
	for (int t = 0; t < StreamSettings::kMixerTracks; t++)
		track->addItem(ui_text("Settings.TrackValue").arg(t + 1), t);
	// A track outside 1-6 (a hand-edited file) shows as no choice, and reads back as it was: validation says why.
	track->setCurrentIndex(track->findData(channel.mixer));
	track->setProperty("unlisted_track", track->currentIndex() < 0 ? channel.mixer : -1);
	auto *remove = new QPushButton(ui_text("Settings.Channels.Remove"));
	remove->setObjectName(QStringLiteral("remove_channel"));

	layout->addWidget(id, 2);
	layout->addWidget(name, 3);
	layout->addWidget(track, 2);
	layout->addWidget(remove);
	rows_->addWidget(row);

	connect(id, &QLineEdit::textEdited, this, &ChannelEditor::edited);
	connect(name, &QLineEdit::textEdited, this, &ChannelEditor::edited);
	connect(track, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &ChannelEditor::edited);
	connect(remove, &QPushButton::clicked, this, [this, row] {
		rows_->removeWidget(row);
		row->deleteLater();
		row->hide();
		update_add_button();
		emit edited();
	});
}

std::vector<ChannelSetting> ChannelEditor::channels() const
{
	std::vector<ChannelSetting> list;
	for (int i = 0; i < rows_->count(); i++) {
		const QWidget *row = rows_->itemAt(i)->widget();
		if (!row)
			continue;
		const auto *track = row->findChild<QComboBox *>(QStringLiteral("channel_track"));
		const int unlisted = track->property("unlisted_track").toInt();
		list.push_back(
			{row->findChild<QLineEdit *>(QStringLiteral("channel_id"))->text().trimmed().toStdString(),
			 row->findChild<QLineEdit *>(QStringLiteral("channel_name"))->text().trimmed().toStdString(),
			 track->currentIndex() >= 0 ? track->currentData().toInt() : unlisted});
	}
	return list;
}

void ChannelEditor::update_add_button()
{
	add_->setEnabled(channels().size() < StreamSettings::kMaxChannels);
	add_->setToolTip(add_->isEnabled() ? QString() : ui_text("Settings.Channels.Full"));
}

} // namespace sse_audio::ui
