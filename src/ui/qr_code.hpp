#pragma once

#include <QImage>
#include <QString>

namespace sse_audio::ui {

// `text` as a QR code (libqrencode, error correction level M) with the standard four-module quiet zone, each
// module `module_px` pixels square, black on white. A null image when the text cannot be encoded.
QImage qr_image(const QString &text, int module_px);

} // namespace sse_audio::ui
