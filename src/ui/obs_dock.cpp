#include "obs_dock.hpp"

#include "stream_dock.hpp"
#include "ui_text.hpp"

#include "settings/listener_urls.hpp"
#include "plugin_log.hpp"

#include <obs-config.h>
#include <obs-frontend-api.h>

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QPointer>
#include <QScrollArea>

namespace sse_audio::ui {

namespace {

// A first-time floating dock gets this size; afterwards OBS restores whatever the user made of it.
constexpr int kFirstWidth = 420;
constexpr int kFirstHeight = 720;

QWidget *make_contents(obs::StreamControl &control)
{
	// Scrollable: with "Advanced" open the dock is taller than a small screen.
	auto *scroll = new QScrollArea;
	scroll->setObjectName(QStringLiteral("sse_audio_dock_scroll"));
	scroll->setWidgetResizable(true);
	scroll->setFrameShape(QFrame::NoFrame);
	auto *dock = new StreamDock(control, local_ipv4_addresses);
	scroll->setWidget(dock);
	scroll->setFocusProxy(dock);
	return scroll;
}

// Shows the dock and brings it to the front; a dock never placed before floats beside the main window.
void show_dock(QDockWidget *dock, QMainWindow *main)
{
	if (!dock)
		return;
	if (dock->isFloating() && !dock->property("sse_placed").toBool() && !dock->isVisible()) {
		const QRect window = main->geometry();
		dock->resize(kFirstWidth, kFirstHeight);
		dock->move(window.right() - kFirstWidth - 20, window.top() + 40);
	}
	dock->setProperty("sse_placed", true);
	dock->show();
	dock->raise();
	dock->activateWindow();
	if (dock->widget())
		dock->widget()->setFocus(Qt::ActiveWindowFocusReason);
}

} // namespace

void install_dock(obs::StreamControl &control)
{
	auto *main = static_cast<QMainWindow *>(obs_frontend_get_main_window());
	if (!main)
		return;
	const QString title = ui_text("Dock.Title");
	QWidget *contents = make_contents(control);
	QPointer<QDockWidget> dock;

#if LIBOBS_API_MAJOR_VER >= 30
	// OBS 30 and later make the QDockWidget themselves, save its state, and list it in the Docks menu. OBS 32's
	// frontend API no longer exports obs_frontend_add_dock, so this is the only call a build for OBS >= 30 makes.
	if (!obs_frontend_add_dock_by_id(kDockId, title.toUtf8().constData(), contents)) {
		// False when a dock with this id exists already (the plugin loaded twice, or another plugin took the id):
		// OBS did not take the widget, and a Tools entry would open nothing.
		SSE_LOG(LOG_ERROR, "could not add the dock: OBS already has a dock with the id \"%s\"", kDockId);
		delete contents;
		return;
	}
	dock = qobject_cast<QDockWidget *>(contents->parentWidget());
#else
	// OBS 29 takes a QDockWidget we made; its object name is what OBS saves its place and visibility under.
	auto *made = new QDockWidget(main);
	made->setObjectName(QString::fromLatin1(kDockId));
	made->setWindowTitle(title);
	made->setWidget(contents);
	made->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
			  QDockWidget::DockWidgetFloatable);
	main->addDockWidget(Qt::RightDockWidgetArea, made);
	made->setFloating(true);
	made->hide();
	obs_frontend_add_dock(made);
	dock = made;
#endif

	auto *action =
		static_cast<QAction *>(obs_frontend_add_tools_menu_qaction(ui_text("Menu.Tools").toUtf8().constData()));
	QObject::connect(action, &QAction::triggered, main, [dock, main] { show_dock(dock, main); });
}

} // namespace sse_audio::ui
