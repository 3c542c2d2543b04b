#pragma once

#include <QImage>
#include <QString>

namespace sse_audio::uitest {

// The text of the first QR code zbar finds in `image` (an independent decoder: the test reads what a phone
// camera would read); empty when there is none.
QString decode_qr(const QImage &image);

} // namespace sse_audio::uitest
