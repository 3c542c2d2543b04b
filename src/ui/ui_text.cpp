#include "ui_text.hpp"

#include <obs-module.h>

namespace sse_audio::ui {

QString ui_text(const char *key)
{
	return QString::fromUtf8(obs_module_text(key));
}

QString error_text(const Error &error)
{
	if (error.text_key.empty())
		return QString::fromStdString(error.message);
	// One pass over the text, not a chain of QString::arg: an argument holding "%2" (a URL, a library's words)
	// must stay as it is.
	const QString words = ui_text(error.text_key.c_str());
	QString text;
	using Index = decltype(words.size()); // int in Qt 5, qsizetype in Qt 6
	for (Index i = 0; i < words.size(); i++) {
		const Index digit = i + 1;
		if (words[i] == u'%' && digit < words.size() && words[digit] >= u'1' && words[digit] <= u'9') {
			const auto index = static_cast<size_t>(words[digit].unicode() - u'1');
			if (index < error.text_args.size()) {
				text += QString::fromStdString(error.text_args[index]);
				i = digit;
				continue;
			}
		}
		text += words[i];
	}
	return text;
}

} // namespace sse_audio::ui
