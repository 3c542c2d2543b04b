#include "qr_code.hpp"

#include <qrencode.h>

#include <QPainter>

namespace sse_audio::ui {

namespace {

// Readers need this much light margin around the symbol (ISO/IEC 18004).
constexpr int kQuietZone = 4;

} // namespace

QImage qr_image(const QString &text, int module_px)
{
	const QByteArray utf8 = text.toUtf8();
	QRcode *code = QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!code)
		return {};
	const int modules = code->width + 2 * kQuietZone;
	QImage image(modules * module_px, modules * module_px, QImage::Format_RGB32);
	image.fill(Qt::white);
	QPainter painter(&image);
	for (int y = 0; y < code->width; y++) {
		for (int x = 0; x < code->width; x++) {
			// Bit 0 of each byte is the module's colour; the other bits describe its role.
			if (code->data[y * code->width + x] & 1)
				painter.fillRect((x + kQuietZone) * module_px, (y + kQuietZone) * module_px, module_px,
						 module_px, Qt::black);
		}
	}
	painter.end();
	QRcode_free(code);
	return image;
}

} // namespace sse_audio::ui
