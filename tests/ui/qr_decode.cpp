#include "qr_decode.hpp"

#include <zbar.h>

#include <vector>

using namespace zbar; // in C++ zbar.h puts its C API into namespace zbar

namespace sse_audio::uitest {

QString decode_qr(const QImage &image)
{
	const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
	const int width = gray.width();
	const int height = gray.height();
	// zbar wants rows back to back; QImage pads each row to 4 bytes.
	std::vector<unsigned char> pixels(static_cast<size_t>(width) * static_cast<size_t>(height));
	for (int y = 0; y < height; y++) {
		const uchar *row = gray.constScanLine(y);
		std::copy(row, row + width, pixels.begin() + static_cast<std::ptrdiff_t>(y) * width);
	}
	zbar_image_scanner_t *scanner = zbar_image_scanner_create();
	zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_t *zimage = zbar_image_create();
	zbar_image_set_format(zimage, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zimage, static_cast<unsigned>(width), static_cast<unsigned>(height));
	zbar_image_set_data(zimage, pixels.data(), static_cast<unsigned long>(pixels.size()), nullptr);
	QString text;
	if (zbar_scan_image(scanner, zimage) > 0) {
		const zbar_symbol_t *symbol = zbar_image_first_symbol(zimage);
		if (symbol)
			text = QString::fromUtf8(zbar_symbol_get_data(symbol));
	}
	zbar_image_destroy(zimage);
	zbar_image_scanner_destroy(scanner);
	return text;
}

} // namespace sse_audio::uitest
